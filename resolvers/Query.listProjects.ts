/** Query.listProjects: [scanProjects]. `limit` defaults to 20, at most 100; pass `nextToken` on. */
import type { Context } from '@aws-appsync/utils';
import type { ProjectConnection, QueryListProjectsArgs } from '../schema/generated/types';
import { pageOf } from './lib/paging';
import type { PageStash } from './lib/paging';

export function request(ctx: Context<QueryListProjectsArgs, PageStash>) {
  ctx.stash.page = pageOf(ctx.args);
  return {};
}

export function response(ctx: Context<QueryListProjectsArgs, PageStash, { result: ProjectConnection }>): ProjectConnection {
  return ctx.prev.result;
}
