/**
 * Mutation.createProject: [putProjectForCustomer].
 * The before step checks the input and builds the item (status PLANNED unless given, version 1,
 * timestamps); the function writes it in a transaction that checks the customer exists.
 * Errors: ValidationError, CustomerNotFound.
 */
import { util } from '@aws-appsync/utils';
import type { Context } from '@aws-appsync/utils';
import type { MutationCreateProjectArgs, Project } from '../schema/generated/types';
import { projectInputErrors, refuseInvalid } from './lib/inputs';

interface Stash {
  newProject: Project;
}

export function request(ctx: Context<MutationCreateProjectArgs, Stash>) {
  const input = ctx.args.input;
  refuseInvalid(projectInputErrors(input, true, null));
  const now = util.time.nowISO8601();
  const item: Record<string, unknown> = {
    id: util.autoId(),
    customerId: input.customerId,
    name: input.name,
    status: input.status || 'PLANNED',
    version: 1,
    createdAt: now,
    updatedAt: now,
  };
  for (const field of ['budget', 'startDate', 'dueDate', 'description']) {
    const value = input[field as 'budget' | 'startDate' | 'dueDate' | 'description'];
    if (value !== null && value !== undefined) {
      item[field] = value;
    }
  }
  ctx.stash.newProject = item as Project;
  return {};
}

export function response(ctx: Context<MutationCreateProjectArgs, Stash, { result: Project }>): Project {
  return ctx.prev.result;
}
