/** Query.getProject: [getProjectById]. Null when there is no such project. */
import type { Context } from '@aws-appsync/utils';
import type { Project, QueryGetProjectArgs } from '../schema/generated/types';
import type { ProjectStash } from './functions/getProjectById';

export function request(ctx: Context<QueryGetProjectArgs, ProjectStash>) {
  ctx.stash.projectId = ctx.args.id;
  return {};
}

export function response(ctx: Context<QueryGetProjectArgs, ProjectStash, { result: Project | null }>): Project | null {
  return ctx.prev.result;
}
