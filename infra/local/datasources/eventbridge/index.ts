/**
 * AMAZON_EVENTBRIDGE (resolver-reference-eventbridge-js.html): `{ operation: 'PutEvents', events }`.
 * No bus runs locally: every accepted event is recorded, in the shape an EventBridge rule's target
 * receives it (`version`, `id`, `detail-type`, `source`, `account`, `time`, `region`, `resources`,
 * `detail`), to `<dataDir>/eventbridge/<data source>.ndjson` (one JSON object a line, readable with
 * `tail -f` or `jq`) and in memory (`stack.events()`), and answered as PutEvents answers:
 * `{ Entries: [{ EventId } | { ErrorCode, ErrorMessage }], FailedEntryCount }`.
 */
import { randomUUID } from 'node:crypto';
import { appendFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import type { EventBridgeDataSourceSpec } from '../../../wiring';
import { RequestObjectError, isObject } from '../errors';
import type { DataSourceDeps, DataSourceOutcome, LocalDataSource } from '../types';

/** One recorded event, as a rule target would receive it. */
export interface RecordedEvent {
  version: '0';
  id: string;
  'detail-type': string;
  source: string;
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: Record<string, unknown>;
  /** Which data source recorded it (not part of EventBridge's envelope). */
  dataSource: string;
  eventBusArn: string;
}

/** PutEvents accepts at most 10 entries (EventBridge API reference, PutEvents). */
export const PUT_EVENTS_MAX_ENTRIES = 10;
const LOCAL_ACCOUNT = '123456789012';
const LOCAL_REGION = 'us-east-1';

export interface EventBridgeDataSource extends LocalDataSource {
  /** Every event recorded since the stack started, oldest first. */
  events(): RecordedEvent[];
  /** The NDJSON file, or null when the stack keeps nothing on disk. */
  readonly logFile: string | null;
}

function entryProblem(entry: unknown): string | null {
  if (!isObject(entry)) return 'Parameter Entry is not valid. Reason: an entry must be an object.';
  if (typeof entry.source !== 'string' || entry.source === '') return 'Parameter Source is not valid. Reason: Source is a required argument.';
  if (typeof entry.detailType !== 'string' || entry.detailType === '') return 'Parameter DetailType is not valid. Reason: DetailType is a required argument.';
  if (!isObject(entry.detail)) return 'Detail is malformed.';
  if (entry.resources !== undefined && (!Array.isArray(entry.resources) || entry.resources.some((r) => typeof r !== 'string')))
    return 'Parameter Resources is not valid. Reason: Resources must be a list of ARNs.';
  if (entry.time !== undefined && (typeof entry.time !== 'string' || Number.isNaN(Date.parse(entry.time)))) return 'Parameter Time is not valid. Reason: Time must be an RFC3339 timestamp.';
  return null;
}

export function createEventBridgeDataSource(spec: EventBridgeDataSourceSpec, deps: DataSourceDeps): EventBridgeDataSource {
  const recorded: RecordedEvent[] = [];
  const eventBusArn = spec.eventBusArn ?? `arn:aws:events:${LOCAL_REGION}:${LOCAL_ACCOUNT}:event-bus/default`;
  const logFile = deps.dataDir ? path.join(deps.dataDir, 'eventbridge', `${spec.name}.ndjson`) : null;
  return {
    name: spec.name,
    kind: spec.kind,
    logFile,
    events: () => [...recorded],
    async invoke({ request }): Promise<DataSourceOutcome> {
      if (!isObject(request)) throw new RequestObjectError(`The EventBridge request of data source ${spec.name} must be an object.`);
      if (request.operation !== 'PutEvents') throw new RequestObjectError(`Unsupported operation '${String(request.operation)}': the EventBridge data source supports PutEvents.`);
      const entries = request.events;
      if (!Array.isArray(entries) || entries.length === 0) throw new RequestObjectError('PutEvents needs a non-empty events list.');
      if (entries.length > PUT_EVENTS_MAX_ENTRIES) {
        return {
          result: null,
          error: {
            type: 'ValidationException',
            message: `1 validation error detected: Value at 'entries' failed to satisfy constraint: Member must have length less than or equal to ${PUT_EVENTS_MAX_ENTRIES}`,
          },
        };
      }
      const now = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
      const results: Record<string, string>[] = [];
      const accepted: RecordedEvent[] = [];
      for (const entry of entries) {
        const problem = entryProblem(entry);
        if (problem) {
          results.push({ ErrorCode: 'InvalidArgument', ErrorMessage: problem });
          continue;
        }
        const e = entry as { source: string; detailType: string; detail: Record<string, unknown>; resources?: string[]; time?: string };
        const event: RecordedEvent = {
          version: '0',
          id: randomUUID(),
          'detail-type': e.detailType,
          source: e.source,
          account: LOCAL_ACCOUNT,
          time: e.time ? new Date(e.time).toISOString().replace(/\.\d{3}Z$/, 'Z') : now,
          region: LOCAL_REGION,
          resources: e.resources ?? [],
          detail: e.detail,
          dataSource: spec.name,
          eventBusArn,
        };
        accepted.push(event);
        results.push({ EventId: event.id });
      }
      recorded.push(...accepted);
      if (logFile && accepted.length) {
        mkdirSync(path.dirname(logFile), { recursive: true });
        appendFileSync(logFile, accepted.map((e) => `${JSON.stringify(e)}\n`).join(''));
      }
      return { result: { Entries: results, FailedEntryCount: entries.length - accepted.length }, error: null };
    },
  };
}
