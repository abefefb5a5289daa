/**
 * Writes the new project `ctx.stash.newProject` in one TransactWriteItems with a condition check
 * that its customer exists, so a project can never point at a missing customer
 * (`CustomerNotFound`). Data source: ProjectsTable (the transaction also touches Customers).
 */
import { util } from '@aws-appsync/utils';
import type { Context } from '@aws-appsync/utils';
import * as ddb from '@aws-appsync/utils/dynamodb';
import type { Project } from '../../schema/generated/types';
import { cancellationReasons, conditionFailedAt, conflicted, handleResponse } from '../lib/errors';
import { tableName } from '../lib/keys';

interface Stash {
  newProject: Project;
}

export function request(ctx: Context<unknown, Stash>) {
  const project = ctx.stash.newProject;
  return ddb.transactWrite({
    items: [
      {
        conditionCheck: {
          table: tableName(ctx.env, 'CUSTOMERS_TABLE'),
          key: { id: project.customerId },
          condition: { id: { attributeExists: true } },
        },
      },
      {
        putItem: {
          table: tableName(ctx.env, 'PROJECTS_TABLE'),
          key: { id: project.id },
          item: project,
          condition: { id: { attributeExists: false } },
        },
      },
    ],
  });
}

export function response(ctx: Context<unknown, Stash>): Project {
  const project = ctx.stash.newProject;
  const reasons = cancellationReasons(ctx);
  if (conditionFailedAt(reasons, 0)) {
    util.error(`Customer ${project.customerId} does not exist`, 'CustomerNotFound', null, { customerId: project.customerId });
  }
  if (conflicted(reasons)) {
    util.error(`Customer ${project.customerId} was being written at the same moment; nothing was written, try again`, 'TransactionConflict', null, {
      customerId: project.customerId,
      cancellationReasons: reasons,
    });
  }
  handleResponse(ctx);
  return project;
}
