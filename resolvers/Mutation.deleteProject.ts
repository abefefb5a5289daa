/**
 * Mutation.deleteProject: [getProjectById, deleteProjectById]. Deletes the project as read (its
 * version must not have moved meanwhile: ConcurrentModification). Null when there was no such project.
 */
import type { Context } from '@aws-appsync/utils';
import type { MutationDeleteProjectArgs, Project } from '../schema/generated/types';

interface Stash {
  projectId: string;
}

export function request(ctx: Context<MutationDeleteProjectArgs, Stash>) {
  ctx.stash.projectId = ctx.args.input.id;
  return {};
}

export function response(ctx: Context<MutationDeleteProjectArgs, Stash, { result: Project | null }>): Project | null {
  return ctx.prev.result;
}
