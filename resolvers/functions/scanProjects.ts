/**
 * One page of projects: `ctx.stash.page` = { limit, nextToken }. Data source: ProjectsTable.
 */
import type { Context } from '@aws-appsync/utils';
import * as ddb from '@aws-appsync/utils/dynamodb';
import type { Project, ProjectConnection } from '../../schema/generated/types';
import { handleResponse } from '../lib/errors';
import type { PageResult } from '../lib/errors';
import type { PageStash } from '../lib/paging';

export function request(ctx: Context<unknown, PageStash>) {
  return ddb.scan<Project>({ limit: ctx.stash.page.limit, nextToken: ctx.stash.page.nextToken });
}

export function response(ctx: Context<unknown, PageStash>): ProjectConnection {
  const page = handleResponse<PageResult<Project>>(ctx);
  return { items: page.items, nextToken: page.nextToken || null };
}
