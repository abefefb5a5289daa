/**
 * Mutation.updateProject: [getProjectById, updateProjectById].
 * Fields left out stay; optional fields given as null are removed (name and status cannot be).
 * Applies only to the version read (or `expectedVersion`), raising it by one.
 * Errors: ValidationError, NotFound, ConcurrentModification.
 */
import type { Context } from '@aws-appsync/utils';
import type { MutationUpdateProjectArgs, Project } from '../schema/generated/types';
import type { ProjectChanges } from './functions/updateProjectById';
import { inputErrors, modelNamed, refuseInvalid, storedFields } from './lib/inputs';

interface Stash {
  projectId: string;
  changes: ProjectChanges;
}

export function request(ctx: Context<MutationUpdateProjectArgs, Stash>) {
  const model = modelNamed('Project');
  const args = ctx.args.input;
  const input = args as unknown as Record<string, unknown>;
  // Required fields and those with a default (status) cannot be removed: inputErrors says so.
  refuseInvalid(inputErrors(model, input, false, null));
  const changes: ProjectChanges = { id: args.id, expectedVersion: args.expectedVersion, set: {}, remove: [] };
  // Its customer is not among the fields an update may change (a reference would need its check).
  for (const field of storedFields(model, false)) {
    const value = input[field] as string | number | null | undefined;
    if (value === null) {
      changes.remove.push(field);
    } else if (value !== undefined) {
      changes.set[field] = value;
    }
  }
  ctx.stash.projectId = args.id;
  ctx.stash.changes = changes;
  return {};
}

export function response(ctx: Context<MutationUpdateProjectArgs, Stash, { result: Project }>): Project {
  return ctx.prev.result;
}
