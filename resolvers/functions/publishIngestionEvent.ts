/**
 * Sends `IngestionFinished` or `IngestionFailed` to the stack's event bus (EventBridge data source,
 * https://docs.aws.amazon.com/appsync/latest/devguide/resolver-reference-eventbridge-js.html) after
 * closeIngestion closed the ingestion in this request; a re-sent close (null from closeIngestion)
 * sends nothing, so each ingestion announces its end once. The detail carries counts and identity,
 * never row data. A refused event does not fail the mutation: the ingestion is closed already and
 * the client must see that; the refusal goes to the API's log instead.
 */
import { runtime } from '@aws-appsync/utils';
import type { Context } from '@aws-appsync/utils';
import { toIngestion } from '../lib/ingestion';
import type { IngestionItem } from '../lib/ingestion';

export const EVENT_SOURCE = 'foreman.ingestion';

interface Stash {
  meta?: (IngestionItem & { owner?: string | null }) | null;
}

export function request(ctx: Context<unknown, Stash, { result: IngestionItem | null }>) {
  const meta = ctx.stash.meta;
  if (!ctx.prev.result || !meta) {
    runtime.earlyReturn(null);
  }
  const item = meta as NonNullable<Stash['meta']>;
  // The ingestion as the API shows it, plus who started it (null only for ingestions from before owners were recorded).
  const detail: Record<string, unknown> = toIngestion(item);
  detail.ingestionId = item.id;
  detail.owner = item.owner || null;
  return {
    operation: 'PutEvents',
    events: [{ source: EVENT_SOURCE, detailType: item.status === 'COMPLETED' ? 'IngestionFinished' : 'IngestionFailed', detail }],
  };
}

export function response(ctx: Context<unknown, Stash>) {
  const result = ctx.result as { FailedEntryCount?: number } | null;
  if (ctx.error || (result && result.FailedEntryCount)) {
    console.error('IngestionEventNotPublished', ctx.error ? ctx.error.message : JSON.stringify(ctx.result));
  }
  return null;
}
