/**
 * Mutation.updateProject: [getProjectById, updateProjectById].
 * Fields left out stay; optional fields given as null are removed (name and status cannot be).
 * Applies only to the version read (or `expectedVersion`), raising it by one.
 * Errors: ValidationError, NotFound, ConcurrentModification.
 */
import type { Context } from '@aws-appsync/utils';
import type { MutationUpdateProjectArgs, Project } from '../schema/generated/types';
import type { ProjectChanges } from './functions/updateProjectById';
import type { FieldError } from '../schema/generated/types';
import { projectInputErrors, refuseInvalid } from './lib/inputs';

interface Stash {
  projectId: string;
  changes: ProjectChanges;
}

export function request(ctx: Context<MutationUpdateProjectArgs, Stash>) {
  const input = ctx.args.input;
  const errors: FieldError[] = projectInputErrors(input, false, null);
  if (input.status === null) {
    errors.push({ field: 'status', code: 'REQUIRED', message: 'Status cannot be removed' });
  }
  refuseInvalid(errors);
  const changes: ProjectChanges = { id: input.id, expectedVersion: input.expectedVersion, set: {}, remove: [] };
  for (const field of ['name', 'status', 'budget', 'startDate', 'dueDate', 'description']) {
    const value = input[field as 'name' | 'status' | 'budget' | 'startDate' | 'dueDate' | 'description'];
    if (value === null) {
      changes.remove.push(field);
    } else if (value !== undefined) {
      changes.set[field] = value;
    }
  }
  ctx.stash.projectId = input.id;
  ctx.stash.changes = changes;
  return {};
}

export function response(ctx: Context<MutationUpdateProjectArgs, Stash, { result: Project }>): Project {
  return ctx.prev.result;
}
