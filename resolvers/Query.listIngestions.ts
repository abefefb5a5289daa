/**
 * Query.listIngestions: [queryIngestions]. Ingestions newest first, from the sparse GSI byStartedAt
 * (only META items carry `kind`). `limit` defaults to 20, at most 100.
 */
import type { Context } from '@aws-appsync/utils';
import type { IngestionConnection, QueryListIngestionsArgs } from '../schema/generated/types';
import { toIngestion } from './lib/ingestion';
import type { IngestionItem } from './lib/ingestion';

export function request(_ctx: Context<QueryListIngestionsArgs>) {
  return {};
}

export function response(ctx: Context<QueryListIngestionsArgs, Record<string, unknown>, { result: { items: IngestionItem[]; nextToken?: string | null } }>): IngestionConnection {
  const items = [];
  for (const item of ctx.prev.result.items) {
    items.push(toIngestion(item));
  }
  return { items, nextToken: ctx.prev.result.nextToken || null };
}
