/**
 * The Ingestions table's keys and item shapes, and the shared pieces of the ingestion resolvers.
 * APPSYNC_JS-safe: no try/catch, no classes, no callbacks (for-of only), no regex literals.
 *
 * One partition per ingestion (`pk` = ingestion id):
 * - `META`: the ingestion itself, with its counters (`kind: 'INGESTION'` feeds the byStartedAt GSI);
 * - `BATCH#<Model>#000001#<first>-<last>-<count>` (the model's `markerKind`) / `REJECT#…`: batch
 *   markers holding a batch's stored outcomes. Written in the batch's own transaction with `attribute_not_exists`, so
 *   a re-sent batch finds its marker and gets the stored outcomes back, counting nothing twice. The
 *   suffix names the batch's rows, so a resumed run that cuts its batches differently never mistakes
 *   a different set of rows for a replay (its rows are then de-duplicated one by one instead).
 *   `done` lists the rows the batch accounted for, so that a resumed run learns in one paged Query
 *   (listIngestionBatches) which rows it need not send again;
 * - `ROW#00000042`: the error of a row that was not created (invalid, duplicate), zero-padded so a
 *   Query lists them in row order.
 *
 * Accounting: every row number is counted exactly once in an ingestion's life. A row that an
 * earlier, interrupted run created and that a resumed run sends again is answered ALREADY_IMPORTED and
 * moves from `created` to `alreadyImported` (once: its claim or record records it), so
 * created + duplicates + invalid + alreadyImported = processed = distinct rows seen. Runs are told
 * apart by META's `resumes` (0 for the first run), stamped on what each run creates.
 */
import { util } from '@aws-appsync/utils';
import type {
  FieldError,
  Ingestion,
  IngestionProgress,
  IngestionStage,
  IngestionStatus,
  ModelName,
  RowConflict,
  RowOutcome,
  RowStatus,
} from '../../schema/generated/types';
import { expiresAt } from './retention';
import { capRaw } from './rowErrors';
import { requireAccess } from './identity';
import type { CallerAccess } from './identity';

export { capErrors, capRawInput } from './rowErrors';

export const META_SK = 'META';
export const INGESTION_KIND = 'INGESTION';
export const ROW_PREFIX = 'ROW#';

/** `n` in decimal, left-padded with zeros to `width` digits (String.padStart is not in APPSYNC_JS). */
function pad(n: number, width: number): string {
  const digits = `${n}`;
  if (digits.length >= width) {
    return digits;
  }
  return '0000000000000000'.slice(0, width - digits.length) + digits;
}

export type IngestionKey = {
  pk: string;
  sk: string;
};

export function metaKey(ingestionId: string): IngestionKey {
  return { pk: ingestionId, sk: META_SK };
}

function rowSk(rowNumber: number): string {
  return `${ROW_PREFIX}${pad(rowNumber, 8)}`;
}

function rowKey(ingestionId: string, rowNumber: number): IngestionKey {
  return { pk: ingestionId, sk: rowSk(rowNumber) };
}

/** A batch marker's kind: an import model's `markerKind` (`BATCH#Customer`) or `REJECT`. */
export type MarkerKind = string;

/** The marker of batch `batchNumber` holding exactly `rowNumbers`. */
function markerSk(kind: MarkerKind, batchNumber: number, rowNumbers: number[]): string {
  let first = 0;
  let last = 0;
  for (const n of rowNumbers) {
    if (first === 0 || n < first) {
      first = n;
    }
    if (n > last) {
      last = n;
    }
  }
  return `${kind}#${pad(batchNumber, 6)}#${first}-${last}-${rowNumbers.length}`;
}

/** Uniques key of a file's claim. */
export function fileClaimKey(sha256: string): string {
  return `file#${sha256}`;
}

/**
 * An imported record's id is derived from its ingestion and row (every model), so a resumed run
 * that sends the row again finds the record it already wrote instead of creating a second one.
 */
export function importedId(ingestionId: string, rowNumber: number): string {
  return `${ingestionId}-r${pad(rowNumber, 8)}`;
}

/** The META item as stored. */
export interface IngestionItem {
  pk: string;
  sk: string;
  kind: string;
  id: string;
  fileName: string;
  sha256: string;
  model: ModelName;
  source: Ingestion['source'];
  status: IngestionStatus;
  rowCount?: number | null;
  created: number;
  duplicates: number;
  invalid: number;
  alreadyImported: number;
  processed: number;
  batches: number;
  startedAt: string;
  startedAtMs: number;
  finishedAt?: string | null;
  durationMs?: number | null;
  failureReason?: string | null;
  /** Rows the client corrected before sending them (finishIngestion's `correctedRows`). */
  correctedRows?: number | null;
  /** How many times the same bytes resumed this ingestion. */
  resumes?: number | null;
  updatedAt: string;
  /** Who started it (./identity `callerOwner`); absent on ingestions from before owners. */
  owner?: string | null;
}

/** A stored row error (`ROW#…`). */
export interface RowErrorItem {
  pk: string;
  sk: string;
  kind: 'ROW';
  rowNumber: number;
  status: RowStatus;
  errors?: FieldError[] | null;
  conflict?: RowConflict | null;
  raw?: string | null;
  recordedAt: string;
  /** DynamoDB TTL (epoch seconds): see ./retention. */
  expiresAt?: number | null;
}

/** A stored batch marker. */
export interface MarkerItem {
  pk: string;
  sk: string;
  kind: 'BATCH';
  batchNumber: number;
  outcomes: RowOutcome[];
  /**
   * The rows the batch accounted for (every outcome but RETRY) as flat ranges in the order sent,
   * `[from, to, from, to, …]`: what a resumed run need not send again (listIngestionBatches reads
   * this instead of the outcomes). Absent on markers written before it existed.
   */
  done?: number[] | null;
  recordedAt: string;
  expiresAt?: number | null;
}

/** The row numbers of `outcomes` that are not RETRY, as flat ranges `[from, to, …]` of consecutive numbers in the order given. */
export function doneRanges(outcomes: RowOutcome[]): number[] {
  const done: number[] = [];
  for (const outcome of outcomes) {
    const n = outcome.rowNumber;
    const last = done.length - 1;
    if (outcome.status === 'RETRY') {
      // Not accounted for: the client sends it again.
    } else if (last > 0 && done[last] === n - 1) {
      done[last] = n;
    } else {
      done.push(n);
      done.push(n);
    }
  }
  return done;
}

/** A marker's sort key parsed: its kind (`BATCH#<Model>` or `REJECT`) and the `<first>-<last>-<count>` suffix; null for any other key. */
export function parseMarkerSk(sk: string): { kind: string; first: number; last: number; count: number } | null {
  const parts = sk.split('#');
  if (parts.length < 3) {
    return null;
  }
  const rows = (parts[parts.length - 1] as string).split('-');
  if (rows.length !== 3) {
    return null;
  }
  // JSON.parse reads the digits (as ./retention does); anything else is not a marker.
  const first: unknown = JSON.parse(rows[0] as string);
  const last: unknown = JSON.parse(rows[1] as string);
  const count: unknown = JSON.parse(rows[2] as string);
  if (typeof first !== 'number' || typeof last !== 'number' || typeof count !== 'number') {
    return null;
  }
  return { kind: parts.slice(0, parts.length - 2).join('#'), first, last, count };
}

/** Rows per second over `durationMs`, to two decimals; null without a duration. */
function rate(processed: number, durationMs: number | null | undefined): number | null {
  if (typeof durationMs !== 'number' || durationMs <= 0) {
    return null;
  }
  return Math.round((processed * 100000) / durationMs) / 100;
}

export function toIngestion(item: IngestionItem): Ingestion {
  return {
    id: item.id,
    fileName: item.fileName,
    sha256: item.sha256,
    model: item.model,
    source: item.source,
    status: item.status,
    rowCount: typeof item.rowCount === 'number' ? item.rowCount : null,
    created: item.created,
    duplicates: item.duplicates,
    invalid: item.invalid,
    alreadyImported: item.alreadyImported,
    processed: item.processed,
    batches: item.batches,
    startedAt: item.startedAt,
    finishedAt: item.finishedAt || null,
    durationMs: typeof item.durationMs === 'number' ? item.durationMs : null,
    rowsPerSecond: rate(item.processed, item.durationMs),
    failureReason: item.failureReason || null,
    updatedAt: item.updatedAt,
    owner: item.owner || null,
    correctedRows: typeof item.correctedRows === 'number' ? item.correctedRows : null,
  };
}

/** Counter changes a batch makes. `created` may go down when rows move to `alreadyImported`. */
export interface Counts {
  created: number;
  duplicates: number;
  invalid: number;
  alreadyImported: number;
  processed: number;
  batches: number;
}

export function zeroCounts(): Counts {
  return { created: 0, duplicates: 0, invalid: 0, alreadyImported: 0, processed: 0, batches: 0 };
}

/** The progress answer from an ingestion item, with `delta` (not yet in the item) added. */
export function toProgress(
  item: IngestionItem,
  stage: IngestionStage,
  delta: Counts,
  extra: { batchNumber?: number | null; replayed?: boolean | null; outcomes?: RowOutcome[] | null; updatedAt?: string },
): IngestionProgress {
  const processed = item.processed + delta.processed;
  return {
    ingestionId: item.id,
    stage,
    status: item.status,
    batchNumber: typeof extra.batchNumber === 'number' ? extra.batchNumber : null,
    replayed: typeof extra.replayed === 'boolean' ? extra.replayed : null,
    rowCount: typeof item.rowCount === 'number' ? item.rowCount : null,
    created: item.created + delta.created,
    duplicates: item.duplicates + delta.duplicates,
    invalid: item.invalid + delta.invalid,
    alreadyImported: item.alreadyImported + delta.alreadyImported,
    processed,
    batches: item.batches + delta.batches,
    outcomes: extra.outcomes || null,
    durationMs: typeof item.durationMs === 'number' ? item.durationMs : null,
    rowsPerSecond: rate(processed, item.durationMs),
    failureReason: item.failureReason || null,
    updatedAt: extra.updatedAt || item.updatedAt,
    owner: item.owner || null,
  };
}

/** The ingestion an import or close may work on, or a GraphQL error saying why not. */
function requireRunning(item: IngestionItem | null | undefined, ingestionId: string, model: ModelName | string | null): IngestionItem {
  if (!item) {
    util.error(`No ingestion ${ingestionId}.`, 'IngestionNotFound', null, { ingestionId });
  }
  if (model && item.model !== model) {
    util.error(`Ingestion ${ingestionId} imports ${item.model} rows, not ${model}.`, 'WrongModel', null, { ingestionId, model: item.model });
  }
  if (item.status !== 'RUNNING') {
    util.error(`Ingestion ${ingestionId} is ${item.status}; start it again to resume.`, 'IngestionNotRunning', null, { ingestionId, status: item.status });
  }
  return item;
}

// ---------------------------------------------------------------------------------------------
// Batches: shape checks, plans, transactions
// ---------------------------------------------------------------------------------------------

/** Refuses a batch that no transaction could hold, or that names a row twice. */
function checkBatchShape(batchNumber: number, rowNumbers: number[], maxRows: number): void {
  if (batchNumber < 1) {
    util.error(`batchNumber must be 1 or more, got ${batchNumber}.`, 'BadRequest');
  }
  if (rowNumbers.length === 0) {
    util.error('A batch needs at least one row.', 'BadRequest');
  }
  if (rowNumbers.length > maxRows) {
    util.error(`A batch holds at most ${maxRows} rows (one DynamoDB transaction); this one has ${rowNumbers.length}. Split it.`, 'BatchTooLarge', null, {
      maxRows,
      rows: rowNumbers.length,
    });
  }
  const seen: Record<string, boolean> = {};
  for (const n of rowNumbers) {
    if (n < 1) {
      util.error(`Row numbers start at 1, got ${n}.`, 'BadRequest');
    }
    if (seen[`${n}`]) {
      util.error(`Row ${n} appears twice in batch ${batchNumber}.`, 'BadRequest');
    }
    seen[`${n}`] = true;
  }
}

/**
 * The shared start of every batch mutation's request: refuses a batch no transaction could hold
 * (checkBatchShape) and fills the stash every later step reads (ingestion, batch, rows, marker, now).
 * The rows themselves are validated per model by the caller.
 */
export function startBatch(
  stash: BatchStash,
  kind: MarkerKind,
  stage: IngestionStage,
  input: { ingestionId: string; batchNumber: number; rows: { rowNumber: number }[] },
  maxRows: number,
): void {
  const rowNumbers: number[] = [];
  for (const row of input.rows) {
    rowNumbers.push(row.rowNumber);
  }
  checkBatchShape(input.batchNumber, rowNumbers, maxRows);
  stash.ingestionId = input.ingestionId;
  stash.batchNumber = input.batchNumber;
  stash.rowNumbers = rowNumbers;
  stash.markerSk = markerSk(kind, input.batchNumber, rowNumbers);
  stash.now = util.time.nowISO8601();
  stash.stage = stage;
  stash.phase = 'READING';
}

/**
 * One row's planned outcome. `count` says which counter it moves; `writes` are the transaction
 * items only this row needs; `rowError` asks for a `ROW#` item; `shared` names items several rows
 * may depend on (the condition check that a referenced record exists).
 */
export interface PlannedRow {
  rowNumber: number;
  status: RowStatus;
  id?: string | null;
  errors?: FieldError[] | null;
  conflict?: RowConflict | null;
  raw?: string | null;
  count: 'created' | 'duplicates' | 'invalid' | 'alreadyImported' | 'none';
  writes: TxItem[];
  rowError: boolean;
  shared?: string[] | null;
}

/** One TransactWriteItems item, typed values already converted. */
export interface TxItem {
  table: string;
  operation: 'PutItem' | 'UpdateItem' | 'ConditionCheck';
  key: Record<string, unknown>;
  attributeValues?: Record<string, unknown>;
  update?: { expression: string; expressionNames?: Record<string, string>; expressionValues?: Record<string, unknown> };
  condition?: {
    expression: string;
    expressionNames?: Record<string, string>;
    expressionValues?: Record<string, unknown>;
    returnValuesOnConditionCheckFailure: boolean;
  };
}

/** A Put that only succeeds when no item has the key yet. */
export function putNew(table: string, keyName: string, item: Record<string, unknown>, keyNames: string[]): TxItem {
  const key: Record<string, unknown> = {};
  const values: Record<string, unknown> = {};
  for (const name of Object.keys(item)) {
    if (keyNames.indexOf(name) >= 0) {
      key[name] = item[name];
    } else if (item[name] !== null && item[name] !== undefined) {
      values[name] = item[name];
    }
  }
  return {
    table,
    operation: 'PutItem',
    key: util.dynamodb.toMapValues(key),
    attributeValues: util.dynamodb.toMapValues(values),
    condition: { expression: 'attribute_not_exists(#k)', expressionNames: { '#k': keyName }, returnValuesOnConditionCheckFailure: false },
  };
}

/** Where each transaction item came from, to read the cancellation reasons back. */
export interface TxSlot {
  kind: 'row' | 'rowError' | 'shared' | 'marker' | 'meta';
  rowNumber?: number | null;
  shared?: string | null;
}

/**
 * Where a batch is, set by each step and read by the next (no flags steering the steps):
 * - READING: the batch's state is being read and its rows planned;
 * - PLANNED: planned, the first transaction is to be written;
 * - RETRY: the first transaction was cancelled over some rows: the second writes the rest;
 * - COMMITTED: a transaction was written (the answer is its outcomes and counts);
 * - GAVE_UP: both attempts were cancelled: nothing was recorded, every row answers RETRY;
 * - READ_MARKER: cancelled by the batch marker: the batch was recorded meanwhile, read the marker;
 * - REPLAYED: the batch was recorded before: its stored outcomes are the answer.
 */
export type BatchPhase = 'READING' | 'PLANNED' | 'RETRY' | 'COMMITTED' | 'GAVE_UP' | 'READ_MARKER' | 'REPLAYED';

/** What the read step leaves in the stash for the write steps and the resolver's response. */
export interface BatchStash {
  phase: BatchPhase;
  /** The stage the answer reports (IMPORTING, REJECTED_ROWS). */
  stage: IngestionStage;
  ingestionId: string;
  /** The caller (./identity): only the ingestion's owner, an admin or the back end may send batches. */
  access?: CallerAccess | null;
  batchNumber: number;
  markerSk: string;
  rowNumbers: number[];
  now: string;
  meta?: IngestionItem | null;
  plan?: PlannedRow[] | null;
  /** Items several rows share (key → item), e.g. the condition check that a referenced customer exists. */
  sharedItems?: Record<string, TxItem> | null;
  /** The stored marker when the batch was applied before (phase REPLAYED). */
  replay?: MarkerItem | null;
  /** Rows that lost a race: answered RETRY, left out of the next attempt. */
  retry?: Record<string, boolean> | null;
  delta?: Counts | null;
  outcomes?: RowOutcome[] | null;
  /** What each item of the last transaction was for. */
  slots?: TxSlot[] | null;
}

function outcomeOf(row: PlannedRow): RowOutcome {
  return { rowNumber: row.rowNumber, status: row.status, id: row.id || null, errors: row.errors || null, conflict: row.conflict || null };
}

const RETRY_ERROR: FieldError = {
  field: 'row',
  code: 'CONCURRENT_WRITE',
  message: 'A concurrent writer took a value this row needs while the batch was being written; send the row again in a later batch.',
};

/**
 * Builds the batch's TransactWriteItems (rows not in `retry`, their row errors, the shared items
 * they need, the marker, the counters) and records in the stash what each item is for. Runs in
 * phase `when` only (PLANNED for the first attempt, RETRY for the second); null otherwise.
 */
export function batchTransaction(stash: BatchStash, env: Record<string, string>, when: 'PLANNED' | 'RETRY'): { operation: 'TransactWriteItems'; transactItems: TxItem[] } | null {
  if (stash.phase !== when || !stash.plan || !stash.meta) {
    return null;
  }
  const table = env.INGESTIONS_TABLE as string;
  const retry = stash.retry || {};
  const items: TxItem[] = [];
  const slots: TxSlot[] = [];
  const outcomes: RowOutcome[] = [];
  const delta = zeroCounts();
  const sharedUsed: Record<string, boolean> = {};
  for (const row of stash.plan) {
    if (retry[`${row.rowNumber}`]) {
      // A row that lost a race writes nothing this time; the client sends it again later.
      outcomes.push({ rowNumber: row.rowNumber, status: 'RETRY', id: null, errors: [RETRY_ERROR], conflict: null });
    } else {
      outcomes.push(outcomeOf(row));
      for (const w of row.writes) {
        items.push(w);
        slots.push({ kind: 'row', rowNumber: row.rowNumber });
      }
      for (const name of row.shared || []) {
        sharedUsed[name] = true;
      }
      if (row.rowError) {
        const stored: RowErrorItem = {
          pk: stash.ingestionId,
          sk: rowSk(row.rowNumber),
          kind: 'ROW',
          rowNumber: row.rowNumber,
          status: row.status,
          errors: row.errors || null,
          conflict: row.conflict || null,
          raw: row.raw || null,
          recordedAt: stash.now,
          expiresAt: expiresAt(env),
        };
        const put = putNew(table, 'pk', stored as unknown as Record<string, unknown>, ['pk', 'sk']);
        // Rows are de-duplicated before the write; an unconditional Put keeps a concurrent
        // re-send of the same row from cancelling a whole batch over an identical error item.
        put.condition = undefined;
        items.push(put);
        slots.push({ kind: 'rowError', rowNumber: row.rowNumber });
      }
      countRow(delta, row);
    }
  }
  const shared = stash.sharedItems || {};
  for (const name of Object.keys(sharedUsed)) {
    const item = shared[name];
    if (item) {
      items.push(item);
      slots.push({ kind: 'shared', shared: name });
    }
  }
  delta.batches = 1;
  const marker: MarkerItem = {
    pk: stash.ingestionId,
    sk: stash.markerSk,
    kind: 'BATCH',
    batchNumber: stash.batchNumber,
    outcomes,
    done: doneRanges(outcomes),
    recordedAt: stash.now,
    expiresAt: expiresAt(env),
  };
  items.push(putNew(table, 'pk', marker as unknown as Record<string, unknown>, ['pk', 'sk']));
  slots.push({ kind: 'marker' });
  items.push(counterUpdate(table, stash.ingestionId, delta, stash.now));
  slots.push({ kind: 'meta' });
  stash.outcomes = outcomes;
  stash.delta = delta;
  stash.slots = slots;
  return { operation: 'TransactWriteItems', transactItems: items };
}

function countRow(delta: Counts, row: PlannedRow): void {
  if (row.count === 'created') {
    delta.created = delta.created + 1;
    delta.processed = delta.processed + 1;
  } else if (row.count === 'duplicates') {
    delta.duplicates = delta.duplicates + 1;
    delta.processed = delta.processed + 1;
  } else if (row.count === 'invalid') {
    delta.invalid = delta.invalid + 1;
    delta.processed = delta.processed + 1;
  } else if (row.count === 'alreadyImported') {
    // Counted as created by the run that wrote it: it moves, the row total stays.
    delta.created = delta.created - 1;
    delta.alreadyImported = delta.alreadyImported + 1;
  }
}

/** ADDs a batch's counts to the ingestion, only while it is RUNNING. */
function counterUpdate(table: string, ingestionId: string, delta: Counts, now: string): TxItem {
  return {
    table,
    operation: 'UpdateItem',
    key: util.dynamodb.toMapValues(metaKey(ingestionId)),
    update: {
      expression: 'ADD #created :created, #duplicates :duplicates, #invalid :invalid, #alreadyImported :alreadyImported, #processed :processed, #batches :batches SET #updatedAt = :now',
      expressionNames: {
        '#created': 'created',
        '#duplicates': 'duplicates',
        '#invalid': 'invalid',
        '#alreadyImported': 'alreadyImported',
        '#processed': 'processed',
        '#batches': 'batches',
        '#updatedAt': 'updatedAt',
      },
      expressionValues: util.dynamodb.toMapValues({
        ':created': delta.created,
        ':duplicates': delta.duplicates,
        ':invalid': delta.invalid,
        ':alreadyImported': delta.alreadyImported,
        ':processed': delta.processed,
        ':batches': delta.batches,
        ':now': now,
      }),
    },
    condition: {
      expression: '#status = :running',
      expressionNames: { '#status': 'status' },
      expressionValues: util.dynamodb.toMapValues({ ':running': 'RUNNING' }),
      returnValuesOnConditionCheckFailure: false,
    },
  };
}

interface CancellationReason {
  type?: string | null;
}

function isConditionFailure(reason: CancellationReason | null | undefined): boolean {
  return !!reason && (reason.type === 'ConditionalCheckFailed' || reason.type === 'ConditionCheckFailed');
}

function isNone(reason: CancellationReason | null | undefined): boolean {
  return !reason || !reason.type || reason.type === 'None';
}

/**
 * Reads the answer of the transaction written in phase `when` into the stash's phase:
 * - committed: COMMITTED;
 * - the marker's condition failed: READ_MARKER (the batch was applied meanwhile; the next step reads it);
 * - the ingestion's condition failed: it is no longer RUNNING (a GraphQL error);
 * - a row's items failed or conflicted: those rows are answered RETRY and, after the first attempt,
 *   the rest is written once more without them (RETRY); after the second, GAVE_UP.
 */
export function readBatchTransaction(
  stash: BatchStash,
  when: 'PLANNED' | 'RETRY',
  error: { message: string; type: string } | null | undefined,
  result: unknown,
): void {
  if (stash.phase !== when) {
    return;
  }
  if (!error) {
    stash.phase = 'COMMITTED';
    return;
  }
  const answer = result as { cancellationReasons?: CancellationReason[] | null } | null | undefined;
  const reasons: CancellationReason[] = (answer && answer.cancellationReasons) || [];
  if (reasons.length === 0) {
    util.error(error.message, error.type);
  }
  const slots = stash.slots || [];
  const retry = stash.retry || {};
  let index = 0;
  for (const reason of reasons) {
    const slot = slots[index];
    index = index + 1;
    if (isNone(reason) || !slot) {
      // This item was not the cause.
    } else if (slot.kind === 'marker' && isConditionFailure(reason)) {
      stash.phase = 'READ_MARKER';
      return;
    } else if (slot.kind === 'meta' && isConditionFailure(reason)) {
      util.error(`Ingestion ${stash.ingestionId} is no longer running.`, 'IngestionNotRunning', null, { ingestionId: stash.ingestionId });
    } else if ((slot.kind === 'row' || slot.kind === 'rowError') && typeof slot.rowNumber === 'number') {
      retry[`${slot.rowNumber}`] = true;
    } else if (slot.kind === 'shared' && stash.plan) {
      for (const row of stash.plan) {
        if ((row.shared || []).indexOf(slot.shared as string) >= 0) {
          retry[`${row.rowNumber}`] = true;
        }
      }
    }
  }
  stash.retry = retry;
  stash.phase = when === 'RETRY' ? 'GAVE_UP' : 'RETRY';
}

/** The batch mutations' answer, from the phase the pipeline reached (the last step, readBatchMarker, gives it). */
export function batchProgress(stash: BatchStash): IngestionProgress {
  const meta = stash.meta as IngestionItem;
  const stage = stash.stage;
  if (stash.phase === 'REPLAYED' && stash.replay) {
    return toProgress(meta, stage, zeroCounts(), { batchNumber: stash.batchNumber, replayed: true, outcomes: stash.replay.outcomes });
  }
  if (stash.phase === 'COMMITTED') {
    return toProgress(meta, stage, stash.delta || zeroCounts(), {
      batchNumber: stash.batchNumber,
      replayed: false,
      outcomes: stash.outcomes || [],
      updatedAt: stash.now,
    });
  }
  if (stash.phase === 'READ_MARKER') {
    // Cancelled by the marker, yet the marker could not be read back: only a deleted ingestion does that.
    util.error(`Batch ${stash.batchNumber} of ingestion ${stash.ingestionId} is being recorded concurrently; send it again.`, 'TransactionInProgress');
  }
  // Nothing was written: every row goes round again.
  const outcomes: RowOutcome[] = [];
  for (const n of stash.rowNumbers) {
    outcomes.push({ rowNumber: n, status: 'RETRY', id: null, errors: [RETRY_ERROR], conflict: null });
  }
  return toProgress(meta, stage, zeroCounts(), { batchNumber: stash.batchNumber, replayed: false, outcomes });
}

/** The row as read, for the error report: only the cells the client sent, within ROW_ERROR_LIMITS. */
export function rawRow(row: Record<string, unknown>): string {
  const cells: Record<string, unknown> = {};
  for (const name of Object.keys(row)) {
    if (name !== 'rowNumber' && row[name] !== null && row[name] !== undefined) {
      cells[name] = row[name];
    }
  }
  return capRaw(cells);
}

/** A stored row error turned back into the outcome it was answered with. */
export function storedOutcome(item: RowErrorItem): PlannedRow {
  return {
    rowNumber: item.rowNumber,
    status: item.status,
    id: null,
    errors: item.errors || null,
    conflict: item.conflict || null,
    count: 'none',
    writes: [],
    rowError: false,
  };
}

/** A batch-get result's items for one table (AppSync: `data.<table>`, missing keys as null). */
export function batchItems<T>(result: unknown, table: string): T[] {
  const answer = result as { data?: Record<string, (T | null)[] | null> | null } | null | undefined;
  const data = answer && answer.data;
  const list: (T | null)[] = (data && data[table]) || [];
  const items: T[] = [];
  for (const item of list) {
    if (item) {
      items.push(item);
    }
  }
  return items;
}

/** Fails the field when DynamoDB left keys unread (throttling): the client re-sends the batch. */
export function requireAllRead(result: unknown): void {
  const answer = result as { unprocessedKeys?: Record<string, unknown[] | null> | null } | null | undefined;
  const unprocessed = answer && answer.unprocessedKeys;
  if (!unprocessed) {
    return;
  }
  for (const table of Object.keys(unprocessed)) {
    const keys = unprocessed[table];
    if (keys && keys.length > 0) {
      util.error('DynamoDB did not read every key of this batch (throttled); send the batch again.', 'Throttled');
    }
  }
}

/** The META, marker and ROW# items of a batch, found in a batch-get result. */
function readBatchItems(stash: BatchStash, items: Record<string, unknown>[]): Record<string, RowErrorItem> {
  const rowErrors: Record<string, RowErrorItem> = {};
  for (const item of items) {
    const sk = item.sk as string;
    if (sk === META_SK) {
      stash.meta = item as unknown as IngestionItem;
    } else if (sk === stash.markerSk) {
      stash.replay = item as unknown as MarkerItem;
    } else if (sk.indexOf(ROW_PREFIX) === 0) {
      const stored = item as unknown as RowErrorItem;
      rowErrors[`${stored.rowNumber}`] = stored;
    }
  }
  return rowErrors;
}

/**
 * The shared start of every batch read's response: fails the field on a DynamoDB error or unread
 * keys, reads the batch's META, marker and row errors from `table`, and refuses an ingestion that is
 * missing, of another model, or not RUNNING. Returns the stored row errors (row number → item), or
 * null for a replayed batch (its marker exists and holds these rows): nothing is left to plan.
 */
export function readBatchState(
  stash: BatchStash,
  error: { message: string; type: string } | null | undefined,
  result: unknown,
  table: string,
  model: ModelName | string | null,
): Record<string, RowErrorItem> | null {
  if (error) {
    util.error(error.message, error.type);
  }
  requireAllRead(result);
  const rowErrors = readBatchItems(stash, batchItems<Record<string, unknown>>(result, table));
  if (stash.meta) {
    requireAccess(stash.access, stash.meta.owner);
  }
  requireRunning(stash.meta, stash.ingestionId, model);
  if (stash.replay) {
    requireSameRows(stash);
    stash.phase = 'REPLAYED';
    return null;
  }
  return rowErrors;
}

/** Batch-get keys of a batch's META, marker and row errors. */
export function batchStateKeys(stash: BatchStash): Record<string, unknown>[] {
  const keys: Record<string, unknown>[] = [util.dynamodb.toMapValues(metaKey(stash.ingestionId)), util.dynamodb.toMapValues({ pk: stash.ingestionId, sk: stash.markerSk })];
  for (const n of stash.rowNumbers) {
    keys.push(util.dynamodb.toMapValues(rowKey(stash.ingestionId, n)));
  }
  return keys;
}

/** The run an import belongs to: how often the ingestion was resumed (0 for the first run). */
export function currentRun(stash: BatchStash): number {
  const meta = stash.meta;
  return meta && typeof meta.resumes === 'number' ? meta.resumes : 0;
}

/** A replayed batch must hold the rows the marker recorded; anything else is a client mix-up. */
export function requireSameRows(stash: BatchStash): void {
  const marker = stash.replay;
  if (!marker) {
    return;
  }
  const stored: Record<string, boolean> = {};
  for (const outcome of marker.outcomes) {
    stored[`${outcome.rowNumber}`] = true;
  }
  let same = marker.outcomes.length === stash.rowNumbers.length;
  for (const n of stash.rowNumbers) {
    if (!stored[`${n}`]) {
      same = false;
    }
  }
  if (!same) {
    util.error(`Batch ${stash.batchNumber} was recorded with other rows; number a new batch.`, 'BatchMismatch', null, { batchNumber: stash.batchNumber });
  }
}
