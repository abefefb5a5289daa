/**
 * Applies `ctx.stash.changes` to the project read by getProjectById (`ctx.stash.project`) with one
 * conditional UpdateItem: the stored version must still be the one read (optimistic locking).
 * Returns the project as stored after the update. Errors: NotFound, ConcurrentModification.
 * Data source: ProjectsTable.
 */
import { util } from '@aws-appsync/utils';
import type { Context } from '@aws-appsync/utils';
import * as ddb from '@aws-appsync/utils/dynamodb';
import type { Project } from '../../schema/generated/types';
import { handleResponse, isConditionalCheckFailure } from '../lib/errors';
import { crossRuleErrors, modelNamed, refuseInvalid } from '../lib/inputs';

export interface ProjectChanges {
  id: string;
  expectedVersion?: number | null;
  set: Record<string, string | number>;
  remove: string[];
}

interface Stash {
  project: Project | null;
  changes: ProjectChanges;
}

export function request(ctx: Context<unknown, Stash>) {
  const current = ctx.stash.project;
  const changes = ctx.stash.changes;
  if (!current) {
    util.error(`Project ${changes.id} does not exist`, 'NotFound', null, { id: changes.id });
  }
  const expected = changes.expectedVersion;
  if (typeof expected === 'number' && expected !== current.version) {
    util.error(`Project ${current.id} is at version ${current.version}, not ${expected}`, 'ConcurrentModification', null, {
      id: current.id,
      expectedVersion: expected,
      actualVersion: current.version,
    });
  }
  // The cross-field rules (dates) are checked here, against the stored values, because a change may
  // move only one side of a rule.
  const after: Record<string, unknown> = { ...current };
  for (const field of Object.keys(changes.set)) {
    after[field] = changes.set[field];
  }
  for (const field of changes.remove) {
    after[field] = null;
  }
  refuseInvalid(crossRuleErrors(modelNamed('Project'), after));
  const update: Record<string, unknown> = { version: current.version + 1, updatedAt: util.time.nowISO8601() };
  for (const field of Object.keys(changes.set)) {
    update[field] = changes.set[field];
  }
  for (const field of changes.remove) {
    update[field] = ddb.operations.remove();
  }
  return ddb.update<Project>({
    key: { id: current.id },
    update,
    condition: { version: { eq: current.version } },
  });
}

export function response(ctx: Context<unknown, Stash>): Project {
  if (isConditionalCheckFailure(ctx)) {
    util.error(`Project ${ctx.stash.changes.id} was changed or deleted by another request; read it again and retry`, 'ConcurrentModification', null, {
      id: ctx.stash.changes.id,
    });
  }
  return handleResponse<Project>(ctx);
}
