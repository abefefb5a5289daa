/**
 * Mutation.deleteProject: [getProjectById, find<Plural>ByProject… (one per model referring to
 * projects: resolvers/lib/referrers.ts), deleteProjectById]. Deletes the project as read (its
 * version must not have moved meanwhile: ConcurrentModification); a project an invoice still names
 * is refused (`ProjectHasInvoices`). Null when there was no such project.
 */
import type { Context } from '@aws-appsync/utils';
import type { MutationDeleteProjectArgs, Project } from '../schema/generated/types';
import { MODELS } from '../schema/generated/models';
import { referrersOf } from './lib/referrers';
import type { ReferrerStash } from './lib/referrers';

interface Stash extends ReferrerStash {
  projectId: string;
}

export function request(ctx: Context<MutationDeleteProjectArgs, Stash>) {
  ctx.stash.projectId = ctx.args.input.id;
  ctx.stash.targetId = ctx.args.input.id;
  ctx.stash.referrers = referrersOf(MODELS, 'Project');
  ctx.stash.referrerAt = 0;
  ctx.stash.referencedBy = null;
  return {};
}

export function response(ctx: Context<MutationDeleteProjectArgs, Stash, { result: Project | null }>): Project | null {
  return ctx.prev.result;
}
