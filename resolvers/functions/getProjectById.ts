/**
 * Reads the project `ctx.stash.projectId` (strongly consistent, because writes build on it) into
 * `ctx.stash.project`. Returns it, or null. Data source: ProjectsTable.
 */
import { runtime } from '@aws-appsync/utils';
import type { Context } from '@aws-appsync/utils';
import * as ddb from '@aws-appsync/utils/dynamodb';
import type { Project } from '../../schema/generated/types';
import { handleResponse } from '../lib/errors';

export interface ProjectStash {
  projectId?: string | null;
  project?: Project | null;
}

export function request(ctx: Context<unknown, ProjectStash>) {
  const id = ctx.stash.projectId;
  if (!id) {
    ctx.stash.project = null;
    runtime.earlyReturn(null);
  }
  return ddb.get<Project>({ key: { id }, consistentRead: true });
}

export function response(ctx: Context<unknown, ProjectStash>): Project | null {
  const project = handleResponse<Project | null>(ctx);
  ctx.stash.project = project || null;
  return ctx.stash.project;
}
