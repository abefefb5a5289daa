/**
 * The dry run's server check (docs/ingestion.md, "The dry run asks the server"): read-only questions
 * to the API, so that a dry run says what a real run would do.
 *
 * - `checkFileOnServer`: `checkFile(sha256)` — would startIngestion start (NEW), answer DUPLICATE, resume
 *   the caller's unfinished ingestion (RESUME) or refuse someone else's (IN_PROGRESS)?
 * - `RowChecker`: the valid rows in batches of the model's `batchRows` to its generated
 *   `check<Plural>` query (`CHECK_DOCUMENTS[model.apiName]`), a few in flight, answered in file order.
 *   The server answers each batch as the import would (duplicates of existing records, unknown
 *   references, the model's hook); a repeat of a value an earlier row *in another batch* would take
 *   is decided here, as the real run decides it by sending repeats last: the first row in file order
 *   that would be created owns the value, and a later row is DUPLICATE of it (`repeatOf`), with the
 *   message the server gives a repeat within one batch.
 *
 * Only rows that may repeat an earlier value (the scan's Bloom filter, ./repeats) have their keys
 * remembered, so memory grows with the repeated values, not with the file; and no more than
 * 4 × concurrency batches are sent ahead of the first unanswered one, so answers do not pile up
 * behind a slow batch.
 */
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import type { GraphQLClient } from '../api/client';
import { CheckFileDocument, type FileCheckOutcome, type RowCheckFieldsFragment } from '../api/generated';
import { CHECK_DOCUMENTS } from '../api/imports';
import type { ModelMeta, RowInput } from './models';
import { claimKey, normalizeUnique } from './repeats';
import { DEFAULT_RETRY, withRetry, type RetryPolicy } from './retry';
import { InFlight } from './sender';

/** One row's verdict: what the server (or, for a repeat across batches, the engine) says a real run would make of it. */
export type RowVerdict = RowCheckFieldsFragment;

/** The earlier ingestion of the same bytes, when the caller may read it. */
export interface PreviousIngestion {
  ingestionId: string;
  fileName: string;
  startedAt: string;
  status: string;
}

/**
 * What the dry run learnt from the server. `status`: CHECKED (the file and every valid row were
 * asked), SKIPPED (no server was asked or none answered: `reason` says why; rows were checked
 * locally only), INCOMPLETE (the server stopped answering part-way: rows from `uncheckedFrom` on
 * were checked locally only).
 */
export interface ServerCheck {
  status: 'CHECKED' | 'SKIPPED' | 'INCOMPLETE';
  reason: string | null;
  /** What startIngestion would answer (null when the file was not asked about). */
  file: FileCheckOutcome | null;
  previous: PreviousIngestion | null;
  /** Rows the server answered. */
  rowsChecked: number;
  /** Rows a real run would create now. */
  wouldCreate: number;
  /** INCOMPLETE: the first row the server did not answer. */
  uncheckedFrom: number | null;
  /** How long the questions took (not counting starting an endpoint). */
  durationMs: number;
}

/** Asks checkFile; a wrong or dead endpoint fails after a few tries, as startIngestion does. */
export async function checkFileOnServer(client: GraphQLClient, sha256: string, policy: RetryPolicy = DEFAULT_RETRY, hooks: Parameters<typeof withRetry>[2] = {}) {
  const data = await withRetry(() => client.request(CheckFileDocument, { sha256 }), { ...policy, attempts: Math.min(policy.attempts, 3), unreachableMs: undefined }, hooks);
  const { outcome, ingestion } = data.checkFile;
  const previous: PreviousIngestion | null = ingestion ? { ingestionId: ingestion.id, fileName: ingestion.fileName, startedAt: ingestion.startedAt, status: ingestion.status } : null;
  return { outcome, previous };
}

interface CheckDocumentVariables {
  rows: RowInput[];
  ingestionId?: string | null;
}

type CheckDocument = TypedDocumentNode<Record<string, RowCheckFieldsFragment[]>, CheckDocumentVariables>;

/** The model's check query (generated for every @importable model, clients/api/imports.ts). */
export function checkDocument(model: ModelMeta): CheckDocument {
  const doc = (CHECK_DOCUMENTS as Record<string, unknown>)[model.apiName];
  if (!doc) throw new Error(`no check query for model ${model.apiName} in clients/api/imports.ts: run \`npm run codegen\``);
  return doc as CheckDocument;
}

/** A row to check: its spreadsheet row number and its input. */
export interface CheckingRow {
  row: number;
  input: RowInput;
}

export interface RowCheckerOptions<R extends CheckingRow> {
  client: GraphQLClient;
  model: ModelMeta;
  /** The unfinished ingestion a real run would resume (checkFile's RESUME), or null. */
  ingestionId: string | null;
  /** Claim keys that may repeat an earlier row's (the scan's Bloom filter said so): only these are remembered. */
  repeatKeys: ReadonlySet<string>;
  concurrency: number;
  retry?: RetryPolicy;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  onRetry?: (what: string, error: unknown, attempt: number, delayMs: number) => void;
  /** Stop sending (the batches in flight are still answered). */
  stopped?: () => boolean;
  /** Every row's final verdict, in file order. */
  onVerdict: (row: R, verdict: RowVerdict) => void;
}

/**
 * Checks batches of rows (call `add` in file order, then `finish`). Verdicts come out in file order
 * whatever order the answers arrive in; after a batch fails for good nothing more is sent, and
 * `finish` says from which row on nothing was answered.
 */
export class RowChecker<R extends CheckingRow> {
  private readonly document: CheckDocument;
  private readonly inFlight: InFlight;
  /** Answers waiting for an earlier batch's, by sequence number. */
  private readonly answered = new Map<number, { rows: R[]; verdicts: RowVerdict[] }>();
  private readonly firstRows = new Map<number, number>();
  private nextToSend = 0;
  private nextToDrain = 0;
  /** Claim key → the first row that would be created with it (keys in `repeatKeys` only). */
  private readonly owners = new Map<string, number>();
  /** Batches sent but not yet handed out at most: a slow early batch cannot make later answers pile up. */
  private readonly window: number;
  private waiting: (() => void)[] = [];
  /** A batch failed for good: nothing more is sent, and nobody waits for the window. */
  private broken = false;
  rowsChecked = 0;

  constructor(private readonly options: RowCheckerOptions<R>) {
    this.document = checkDocument(options.model);
    this.inFlight = new InFlight(options.concurrency, () => options.stopped?.() === true);
    this.window = options.concurrency * 4;
  }

  private wake(): void {
    const waiting = this.waiting;
    this.waiting = [];
    for (const resolve of waiting) resolve();
  }

  /** Whether a batch failed for good (its error: `failure`). */
  get failed(): boolean {
    return this.inFlight.failed;
  }

  get failure(): unknown {
    return this.inFlight.failure;
  }

  /** Sends `rows` (at most the model's batchRows) as the next batch; waits for a free slot. @returns false once nothing more is sent. */
  async add(rows: R[]): Promise<boolean> {
    while (this.nextToSend - this.nextToDrain >= this.window && !this.broken) await new Promise<void>((resolve) => this.waiting.push(resolve));
    if (this.broken) return false;
    const seq = this.nextToSend++;
    this.firstRows.set(seq, rows[0]!.row);
    const { client, model, ingestionId } = this.options;
    const hooks = { sleep: this.options.sleep, random: this.options.random, onRetry: (e: unknown, a: number, d: number) => this.options.onRetry?.(`check of rows ${rows[0]!.row}–${rows.at(-1)!.row}`, e, a, d) };
    return this.inFlight.run(async () => {
      try {
        const data = await withRetry(() => client.request(this.document, { rows: rows.map((r) => r.input), ingestionId }), this.options.retry ?? DEFAULT_RETRY, hooks);
        const answers = data[model.checkField];
        if (!answers) throw new Error(`the answer to ${model.checkField} held no ${model.checkField}`);
        const byRow = new Map(answers.map((a) => [a.rowNumber, a]));
        const verdicts = rows.map((r) => byRow.get(r.row) ?? { rowNumber: r.row, status: 'INVALID' as const, id: null, errors: [{ field: 'row', code: 'NO_VERDICT', message: `the server returned no verdict for row ${r.row}` }], conflict: null, repeatOf: null });
        this.answered.set(seq, { rows, verdicts });
        this.drain();
      } catch (error) {
        this.broken = true;
        throw error;
      } finally {
        this.wake();
      }
    });
  }

  /** Waits for every batch; @returns the first row nothing was answered for (null when every batch was). */
  async finish(): Promise<number | null> {
    await this.inFlight.settle();
    this.drain();
    return this.nextToDrain < this.nextToSend ? this.firstRows.get(this.nextToDrain)! : null;
  }

  /** Hands out the answered batches that follow the last one handed out, in file order. */
  private drain(): void {
    for (let next = this.answered.get(this.nextToDrain); next; next = this.answered.get(this.nextToDrain)) {
      this.answered.delete(this.nextToDrain);
      this.firstRows.delete(this.nextToDrain);
      this.nextToDrain++;
      next.rows.forEach((r, i) => {
        const verdict = this.decide(r, next.verdicts[i]!);
        this.rowsChecked++;
        this.options.onVerdict(r, verdict);
      });
    }
  }

  /**
   * The verdict of a real run, where rows repeating an earlier value go last: a row the server would
   * create, or answered DUPLICATE on a later unique, is DUPLICATE of the first earlier row (of another
   * batch) that would be created with one of its values.
   */
  private decide(r: R, v: RowVerdict): RowVerdict {
    const { model, repeatKeys } = this.options;
    if (repeatKeys.size === 0 || (v.status !== 'CREATED' && v.status !== 'DUPLICATE')) return v;
    const keys = model.uniques.map((u) => claimKey(model, u, r.input));
    let decided = v;
    const conflictField = v.status === 'DUPLICATE' ? (v.conflict?.field ?? v.errors?.[0]?.field) : undefined;
    for (let j = 0; j < model.uniques.length; j++) {
      const unique = model.uniques[j]!;
      if (unique.field === conflictField) break;
      const owner = keys[j] ? this.owners.get(keys[j]!) : undefined;
      if (owner !== undefined) {
        const label = model.columns[unique.field]?.label ?? unique.field;
        const value = normalizeUnique(String(r.input[unique.field] ?? ''), unique.normalize === 'EMAIL' ? 'EMAIL' : 'TRIM');
        decided = { rowNumber: r.row, status: 'DUPLICATE', id: null, errors: [{ field: unique.field, code: unique.code, message: `${label} ${value} already belongs to row ${owner} of this file.` }], conflict: null, repeatOf: owner };
        break;
      }
    }
    if (decided.status === 'CREATED') {
      for (const key of keys) if (key && repeatKeys.has(key) && !this.owners.has(key)) this.owners.set(key, r.row);
    }
    return decided;
  }
}
