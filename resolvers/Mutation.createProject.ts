/**
 * Mutation.createProject: [putProjectForCustomer].
 * The before step checks the input against the Project model's columns (lib/inputs.ts) and builds
 * the item (a column's default when absent: status PLANNED; version 1,
 * timestamps); the function writes it in a transaction that checks the customer exists.
 * Errors: ValidationError, CustomerNotFound.
 */
import { util } from '@aws-appsync/utils';
import type { Context } from '@aws-appsync/utils';
import type { MutationCreateProjectArgs, Project } from '../schema/generated/types';
import { inputErrors, modelNamed, refuseInvalid, storedFields } from './lib/inputs';
import type { FieldRule } from '../schema/models';

interface Stash {
  newProject: Project;
}

export function request(ctx: Context<MutationCreateProjectArgs, Stash>) {
  const model = modelNamed('Project');
  const input = ctx.args.input as unknown as Record<string, unknown>;
  refuseInvalid(inputErrors(model, input, true, null));
  const now = util.time.nowISO8601();
  // The Project's stored fields as given (its customer too), a column's default for an absent one.
  const item: Record<string, unknown> = { id: util.autoId() };
  for (const field of storedFields(model, true)) {
    const value = input[field];
    const rule = model.columns[field] as FieldRule | undefined;
    if (value !== null && value !== undefined) {
      item[field] = value;
    } else if (rule && typeof rule.default === 'string') {
      item[field] = rule.default;
    }
  }
  item.version = 1;
  item.createdAt = now;
  item.updatedAt = now;
  ctx.stash.newProject = item as Project;
  return {};
}

export function response(ctx: Context<MutationCreateProjectArgs, Stash, { result: Project }>): Project {
  return ctx.prev.result;
}
