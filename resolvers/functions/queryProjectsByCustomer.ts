/**
 * One page of the projects of customer `ctx.stash.customerId`, oldest first, from the Projects
 * table's `byCustomer` index (customerId, createdAt) declared in infra/wiring.ts.
 * `ctx.stash.page` = { limit, nextToken }. Data source: ProjectsTable.
 */
import type { Context } from '@aws-appsync/utils';
import * as ddb from '@aws-appsync/utils/dynamodb';
import type { Project, ProjectConnection } from '../../schema/generated/types';
import { handleResponse } from '../lib/errors';
import type { PageResult } from '../lib/errors';
import type { PageStash } from '../lib/paging';

interface Stash extends PageStash {
  customerId: string;
}

export function request(ctx: Context<unknown, Stash>) {
  return ddb.query<Project>({
    index: 'byCustomer',
    query: { customerId: { eq: ctx.stash.customerId } },
    limit: ctx.stash.page.limit,
    nextToken: ctx.stash.page.nextToken,
    scanIndexForward: true,
  });
}

export function response(ctx: Context<unknown, Stash>): ProjectConnection {
  const page = handleResponse<PageResult<Project>>(ctx);
  return { items: page.items, nextToken: page.nextToken || null };
}
