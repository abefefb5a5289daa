/**
 * Reads what a project batch depends on in one BatchGetItem — the ingestion, the batch marker, the
 * rows' stored errors (Ingestions) and the projects this ingestion may already have written for
 * these rows (Projects, by derived id) — and plans each row.
 */
import { util } from '@aws-appsync/utils';
import type { Context } from '@aws-appsync/utils';
import { batchItems, batchStateKeys, currentRun, importedProjectId, putNew, readBatchState, storedOutcome } from '../lib/ingestion';
import type { PlannedRow, TxItem } from '../lib/ingestion';
import { customerRef } from './readProjectCustomers';
import type { CheckedProjectRow, ProjectBatchStash } from './readProjectCustomers';
import { decimalValue } from '../lib/validate';

interface ProjectItem {
  id: string;
  /** The run (META `resumes` at the time) that created the project. */
  ingestionRun?: number | null;
  reimportedAt?: string | null;
}

export function request(ctx: Context<unknown, ProjectBatchStash>) {
  const projectKeys: Record<string, unknown>[] = [];
  for (const row of ctx.stash.rows) {
    if (row.errors.length === 0) {
      projectKeys.push(util.dynamodb.toMapValues({ id: importedProjectId(ctx.stash.ingestionId, row.rowNumber) }));
    }
  }
  const tables: Record<string, { keys: Record<string, unknown>[]; consistentRead: boolean; projection?: unknown }> = {};
  tables[ctx.env.INGESTIONS_TABLE as string] = { keys: batchStateKeys(ctx.stash), consistentRead: true };
  if (projectKeys.length > 0) {
    tables[ctx.env.PROJECTS_TABLE as string] = {
      keys: projectKeys,
      consistentRead: true,
      projection: { expression: '#id, #run, #reimportedAt', expressionNames: { '#id': 'id', '#run': 'ingestionRun', '#reimportedAt': 'reimportedAt' } },
    };
  }
  return { operation: 'BatchGetItem', tables };
}

export function response(ctx: Context<unknown, ProjectBatchStash>) {
  const stash = ctx.stash;
  const rowErrors = readBatchState(stash, ctx.error, ctx.result, ctx.env.INGESTIONS_TABLE as string, 'PROJECT');
  if (!rowErrors) {
    return null;
  }
  const existing: Record<string, ProjectItem> = {};
  for (const project of batchItems<ProjectItem>(ctx.result, ctx.env.PROJECTS_TABLE as string)) {
    existing[project.id] = project;
  }
  const projects = ctx.env.PROJECTS_TABLE as string;
  const shared: Record<string, TxItem> = {};
  const plan: PlannedRow[] = [];
  for (const row of stash.rows) {
    const stored = rowErrors[`${row.rowNumber}`];
    const ref = customerRef(row);
    const customerId = ref ? stash.customerIds[ref] : null;
    const id = importedProjectId(stash.ingestionId, row.rowNumber);
    const project = existing[id];
    if (stored) {
      plan.push(storedOutcome(stored));
    } else if (row.errors.length > 0) {
      plan.push({ rowNumber: row.rowNumber, status: 'INVALID', errors: row.errors, raw: row.raw, count: 'invalid', writes: [], rowError: true });
    } else if (project) {
      plan.push(alreadyImported(projects, project, row.rowNumber, currentRun(stash), stash.now));
    } else if (!customerId) {
      plan.push(unknownCustomer(row));
    } else {
      const item: Record<string, unknown> = {
        id,
        customerId,
        name: row.values.name,
        status: row.values.status || 'PLANNED',
        version: 1,
        createdAt: stash.now,
        updatedAt: stash.now,
        ingestionId: stash.ingestionId,
        rowNumber: row.rowNumber,
        ingestionRun: currentRun(stash),
      };
      if (row.values.budget) {
        item.budget = decimalValue(row.values.budget);
      }
      for (const field of ['startDate', 'dueDate', 'description']) {
        if (row.values[field]) {
          item[field] = row.values[field];
        }
      }
      const check = `customer#${customerId}`;
      shared[check] = {
        table: ctx.env.CUSTOMERS_TABLE as string,
        operation: 'ConditionCheck',
        key: util.dynamodb.toMapValues({ id: customerId }),
        condition: { expression: 'attribute_exists(#id)', expressionNames: { '#id': 'id' }, returnValuesOnConditionCheckFailure: false },
      };
      plan.push({ rowNumber: row.rowNumber, status: 'CREATED', id, count: 'created', writes: [putNew(projects, 'id', item, ['id'])], rowError: false, shared: check });
    }
  }
  stash.plan = plan;
  stash.sharedItems = shared;
  return null;
}

function unknownCustomer(row: CheckedProjectRow): PlannedRow {
  const byId = !!row.values.customerId;
  const field = byId ? 'customerId' : 'customerEmail';
  const value = byId ? row.values.customerId : row.values.customerEmail;
  return {
    rowNumber: row.rowNumber,
    status: 'INVALID',
    errors: [{ field, code: 'UNKNOWN_CUSTOMER', message: `No customer with ${byId ? 'id' : 'email'} ${value}.` }],
    raw: row.raw,
    count: 'invalid',
    writes: [],
    rowError: true,
  };
}

/** Written by an earlier run of this ingestion: moves from `created` to `alreadyImported`, once. */
function alreadyImported(projects: string, project: ProjectItem, rowNumber: number, run: number, now: string): PlannedRow {
  if (project.reimportedAt || (project.ingestionRun || 0) >= run) {
    return { rowNumber, status: 'ALREADY_IMPORTED', id: project.id, count: 'none', writes: [], rowError: false };
  }
  const mark: TxItem = {
    table: projects,
    operation: 'UpdateItem',
    key: util.dynamodb.toMapValues({ id: project.id }),
    update: { expression: 'SET #reimportedAt = :now', expressionNames: { '#reimportedAt': 'reimportedAt' }, expressionValues: util.dynamodb.toMapValues({ ':now': now }) },
    condition: {
      expression: 'attribute_exists(#id) AND attribute_not_exists(#reimportedAt)',
      expressionNames: { '#id': 'id', '#reimportedAt': 'reimportedAt' },
      returnValuesOnConditionCheckFailure: false,
    },
  };
  return { rowNumber, status: 'ALREADY_IMPORTED', id: project.id, count: 'alreadyImported', writes: [mark], rowError: false };
}
