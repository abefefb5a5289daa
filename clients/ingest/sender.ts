/**
 * Sending rows to the import pipeline (docs/architecture.md, "The ingestion protocol"): the one
 * batch sender the engine (./engine) and the big-file Lambda (functions/csv-import) share. It sends
 * a batch of valid rows with the model's import mutation (`IMPORT_DOCUMENTS[model.apiName]`, the
 * answer under `model.importField`), retries transient failures (./retry), and sends the rows that
 * lost a race with a concurrent ingestion (RETRY) again under a deterministic retry number; it
 * records rejected rows with recordRejectedRows; and `InFlight` keeps a few batches in flight.
 * Callers decide what an outcome means for them (counters, callbacks, reports).
 */
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import type { GraphQLClient } from '../api/client';
import { RecordRejectedRowsDocument, type FieldErrorInput, type ProgressFieldsFragment } from '../api/generated';
import { IMPORT_DOCUMENTS } from '../api/imports';
import { MAX_BATCH_ROWS } from '../../resolvers/lib/rules';
import type { ModelMeta, RowInput } from './models';
import { DEFAULT_RETRY, sleep as realSleep, withRetry, type RetryPolicy } from './retry';

/** Retry batches carry `attempt · RETRY_STRIDE + original batch number`: deterministic, and never equal to a first-try number. */
export const RETRY_STRIDE = 100_000_000;
/** How often a row that lost a race (RETRY) is sent again before it counts as unsent. */
export const MAX_ROW_RETRIES = 8;
/** Rows per recordRejectedRows mutation (the server's limit, the same for every model). */
export const REJECTED_BATCH_ROWS = MAX_BATCH_ROWS;

/** One row's outcome as the server answers it. */
export type RowOutcome = NonNullable<ProgressFieldsFragment['outcomes']>[number];

/** A row to send: its spreadsheet row number and its input. */
export interface SendingRow {
  row: number;
  input: RowInput;
}

/** A rejected row as recordRejectedRows stores it. */
export interface RejectedRowRecord {
  rowNumber: number;
  errors: FieldErrorInput[];
  /** The row's cells by header, as JSON (capped: resolvers/lib/rowErrors capRaw). */
  raw: string;
}

type ImportDocument = TypedDocumentNode<Record<string, ProgressFieldsFragment>, { input: { ingestionId: string; batchNumber: number; rows: RowInput[] } }>;

/** The model's import mutation (generated for every @importable model, clients/api/imports.ts). */
export function importDocument(model: ModelMeta): ImportDocument {
  const doc = (IMPORT_DOCUMENTS as Record<string, unknown>)[model.apiName];
  if (!doc) throw new Error(`no import mutation for model ${model.apiName} in clients/api/imports.ts: run \`npm run codegen\``);
  return doc as ImportDocument;
}

export interface BatchHooks<R extends SendingRow> {
  /** Every answer of the import mutation (first try and re-sends), before its outcomes. */
  onAnswer?: (answer: ProgressFieldsFragment, rows: R[]) => void;
  /** A row's final outcome (never RETRY); null when the answer held none for it. */
  onOutcome?: (row: R, outcome: RowOutcome | null, answer: ProgressFieldsFragment) => void;
  /** Rows about to be sent again because they lost a race (`attempt` ≥ 1). */
  onResend?: (rows: R[], attempt: number) => void;
  /** The request failed for good (after the transport retries); `rows` got no outcome. The error is thrown next. */
  onFailed?: (rows: R[], error: unknown) => void;
}

export interface BatchSenderOptions {
  client: GraphQLClient;
  model: ModelMeta;
  ingestionId: string;
  /** Transport retries of each request (default DEFAULT_RETRY). */
  retry?: RetryPolicy;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  /** Before each transport retry, e.g. to show "retrying batch 12 in 0.8 s". */
  onRetry?: (what: string, error: unknown, attempt: number, delayMs: number) => void;
}

export class BatchSender {
  private readonly document: ImportDocument;
  constructor(private readonly options: BatchSenderOptions) {
    this.document = importDocument(options.model);
  }

  private hooks(what: string) {
    const { sleep, random, onRetry } = this.options;
    return { sleep, random, onRetry: (error: unknown, attempt: number, delay: number) => onRetry?.(what, error, attempt, delay) };
  }

  /**
   * Sends one batch of valid rows (at most `model.batchRows`) as batch `firstNumber`, then the rows
   * answered RETRY as batch `attempt · RETRY_STRIDE + firstNumber`, after a short random pause, up
   * to MAX_ROW_RETRIES times. Every other outcome goes to `hooks.onOutcome`.
   * @returns the rows still answered RETRY after the last re-send (empty when every row has an outcome).
   * @throws the request's error when it failed for good (after `hooks.onFailed`).
   */
  async importRows<R extends SendingRow>(firstNumber: number, rows: R[], hooks: BatchHooks<R> = {}): Promise<R[]> {
    const { client, model, ingestionId } = this.options;
    let pending = rows;
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt > MAX_ROW_RETRIES) return pending;
      if (attempt > 0) {
        hooks.onResend?.(pending, attempt);
        await (this.options.sleep ?? realSleep)(Math.floor((this.options.random ?? Math.random)() * Math.min(2000, 50 * 2 ** attempt)));
      }
      const batchNumber = attempt * RETRY_STRIDE + firstNumber;
      const sent = pending;
      let answer: ProgressFieldsFragment;
      try {
        const data = await withRetry(
          () => client.request(this.document, { input: { ingestionId, batchNumber, rows: sent.map((r) => r.input) } }),
          this.options.retry ?? DEFAULT_RETRY,
          this.hooks(`batch ${batchNumber}`),
        );
        answer = data[model.importField]!;
        if (!answer) throw new Error(`the answer to ${model.importField} held no ${model.importField}`);
      } catch (error) {
        hooks.onFailed?.(sent, error);
        throw error;
      }
      hooks.onAnswer?.(answer, sent);
      const byRow = new Map((answer.outcomes ?? []).map((o) => [o.rowNumber, o]));
      const again: R[] = [];
      for (const r of sent) {
        const o = byRow.get(r.row) ?? null;
        if (o?.status === 'RETRY') again.push(r);
        else hooks.onOutcome?.(r, o, answer);
      }
      pending = again;
    }
    return [];
  }

  /** Records rows the client rejected (at most REJECTED_BATCH_ROWS) as batch `batchNumber`, with transport retries. */
  async recordRejected(batchNumber: number, rows: RejectedRowRecord[]): Promise<ProgressFieldsFragment> {
    const { client, ingestionId } = this.options;
    const data = await withRetry(
      () => client.request(RecordRejectedRowsDocument, { input: { ingestionId, batchNumber, rows } }),
      this.options.retry ?? DEFAULT_RETRY,
      this.hooks(`rejected rows batch ${batchNumber}`),
    );
    return data.recordRejectedRows;
  }
}

/**
 * At most `concurrency` tasks in flight. `run` waits for a free slot, then starts the task unless
 * a task has failed (its first error is `failure`) or `stopped()` says so.
 */
export class InFlight {
  private readonly tasks = new Set<Promise<void>>();
  /** The first error of a task; once set, no further task starts. */
  failure: unknown = undefined;
  failed = false;

  constructor(
    private readonly concurrency: number,
    private readonly stopped: () => boolean = () => false,
  ) {
    if (!Number.isInteger(concurrency) || concurrency < 1) throw new RangeError('concurrency must be a positive integer');
  }

  /** @returns whether the task was started (false: a task failed or the caller stopped). */
  async run(task: () => Promise<void>): Promise<boolean> {
    while (this.tasks.size >= this.concurrency) await Promise.race(this.tasks);
    if (this.failed || this.stopped()) return false;
    const p: Promise<void> = task()
      .catch((error: unknown) => {
        if (!this.failed) {
          this.failed = true;
          this.failure = error;
        }
      })
      .finally(() => this.tasks.delete(p));
    this.tasks.add(p);
    return true;
  }

  /** Waits for every task in flight. */
  async settle(): Promise<void> {
    await Promise.allSettled([...this.tasks]);
  }
}
