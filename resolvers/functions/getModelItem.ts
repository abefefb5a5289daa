/**
 * Reads the record `ctx.stash.id` from the data source's table (strongly consistent): the code of
 * every `get<Model>Item` function (infra/wiring.ts, one per model with a generated get). Returns the
 * item, or null when there is none (or no id was given: then DynamoDB is not called).
 */
import { runtime } from '@aws-appsync/utils';
import type { Context } from '@aws-appsync/utils';
import * as ddb from '@aws-appsync/utils/dynamodb';
import { handleResponse } from '../lib/errors';

export interface ModelItemStash {
  id?: string | null;
}

export function request(ctx: Context<unknown, ModelItemStash>) {
  const id = ctx.stash.id;
  if (!id) {
    runtime.earlyReturn(null);
  }
  return ddb.get<Record<string, unknown>>({ key: { id }, consistentRead: true });
}

export function response(ctx: Context<unknown, ModelItemStash>): Record<string, unknown> | null {
  return handleResponse<Record<string, unknown> | null>(ctx) || null;
}
