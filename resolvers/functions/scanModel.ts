/**
 * One page of the data source's table: `ctx.stash.page` = { limit, nextToken } (lib/paging.ts). The
 * code of every `scan<Plural>` function (infra/wiring.ts, one per model with a generated list).
 */
import type { Context } from '@aws-appsync/utils';
import * as ddb from '@aws-appsync/utils/dynamodb';
import { handleResponse } from '../lib/errors';
import type { PageResult } from '../lib/errors';
import type { PageStash } from '../lib/paging';

/** A `<Model>Connection`. */
export interface ModelPage {
  items: Record<string, unknown>[];
  nextToken: string | null;
}

export function request(ctx: Context<unknown, PageStash>) {
  return ddb.scan<Record<string, unknown>>({ limit: ctx.stash.page.limit, nextToken: ctx.stash.page.nextToken });
}

export function response(ctx: Context<unknown, PageStash>): ModelPage {
  const page = handleResponse<PageResult<Record<string, unknown>>>(ctx);
  return { items: page.items, nextToken: page.nextToken || null };
}
