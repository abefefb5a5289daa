/**
 * Deletes the project read by getProjectById (`ctx.stash.project`) on condition that its version is
 * still the one read, so a concurrent update is never silently thrown away (ConcurrentModification).
 * Refuses (`ProjectHas<Plural>`) when a findReferrers step found a record naming the project.
 * Returns the deleted project, or null when there was none (deleting is idempotent).
 * Data source: ProjectsTable.
 */
import { runtime, util } from '@aws-appsync/utils';
import type { Context } from '@aws-appsync/utils';
import * as ddb from '@aws-appsync/utils/dynamodb';
import type { Project } from '../../schema/generated/types';
import { handleResponse, isConditionalCheckFailure } from '../lib/errors';
import { referencedError } from '../lib/referrers';
import type { ReferrerStash } from '../lib/referrers';

interface Stash extends ReferrerStash {
  project: Project | null;
}

export function request(ctx: Context<unknown, Stash>) {
  const project = ctx.stash.project;
  if (!project) {
    runtime.earlyReturn(null);
  }
  const by = ctx.stash.referencedBy;
  if (by) {
    const refused = referencedError('Project', project.id, by);
    util.error(refused.message, refused.type, null, { id: project.id });
  }
  return ddb.remove<Project>({ key: { id: project.id }, condition: { version: { eq: project.version } } });
}

export function response(ctx: Context<unknown, Stash>): Project | null {
  const project = ctx.stash.project as Project;
  if (isConditionalCheckFailure(ctx)) {
    util.error(`Project ${project.id} was changed or deleted by another request; read it again and retry`, 'ConcurrentModification', null, {
      id: project.id,
    });
  }
  handleResponse(ctx);
  return project;
}
