/**
 * Every generated `list<Plural>(limit, nextToken)` query (listInvoices, …): [scan<Plural>], one
 * function per model on its table's data source, all running resolvers/functions/scanModel.ts.
 * `limit` defaults to 20, at most 100 (lib/paging.ts); pass `nextToken` on.
 */
import type { Context } from '@aws-appsync/utils';
import { pageOf } from './lib/paging';
import type { PageStash } from './lib/paging';
import type { ModelPage } from './functions/scanModel';

export function request(ctx: Context<{ limit?: number | null; nextToken?: string | null }, PageStash>) {
  ctx.stash.page = pageOf(ctx.args);
  return {};
}

export function response(ctx: Context<{ limit?: number | null; nextToken?: string | null }, PageStash, { result: ModelPage }>): ModelPage {
  return ctx.prev.result;
}
