/**
 * An in-memory stand-in for the ingestion resolvers, speaking the protocol as docs/architecture.md
 * describes it for any model of MODELS (`Import<Plural>` answers under the model's importField; a
 * claim per @unique value, keyed as the server keys it; batch markers replaying stored outcomes;
 * RESUMED/DUPLICATE on start; listIngestionBatches with the rows each marker accounted for;
 * getIngestion), with knobs to inject failures. References are not checked. Unit
 * tests of the engine use it; integration tests use the real stack.
 */
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import type { OperationDefinitionNode } from 'graphql';
import { EndpointUnreachableError, GraphQLHttpError, type GraphQLClient } from '../../../clients/api/client';
import type { ProgressFieldsFragment } from '../../../clients/api/generated';
import { MODELS, claimKey, type ModelMeta, type RowInput } from '../../../clients/ingest';

type Outcome = NonNullable<ProgressFieldsFragment['outcomes']>[number];

interface IngestionRec {
  id: string;
  fileName: string;
  sha256: string;
  status: 'RUNNING' | 'COMPLETED' | 'FAILED';
  created: number;
  duplicates: number;
  invalid: number;
  alreadyImported: number;
  batches: number;
}

export interface Call {
  op: string;
  input: Record<string, unknown>;
  variables?: Record<string, unknown>;
}

export class FakeServer {
  ingestions = new Map<string, IngestionRec>();
  bySha = new Map<string, string>();
  /** claim key (e.g. `customer.email#ada@example.com`) → owner */
  claims = new Map<string, { id: string; ingestionId: string; rowNumber: number }>();
  /** `<ingestion>#<batch>` → the batch's outcomes and the rows it accounted for (every outcome but RETRY). */
  markers = new Map<string, { batchNumber: number; kind: 'IMPORT' | 'REJECTED'; outcomes: Outcome[]; done: number[] }>();
  calls: Call[] = [];
  inFlight = 0;
  maxInFlight = 0;
  /** Throw this many transient failures before answering the next import calls. */
  failNext = 0;
  failWith: () => Error = () => new EndpointUnreachableError('http://fake/graphql', new Error('ECONNREFUSED'));
  /** Row numbers answered RETRY once (as if a concurrent ingestion had claimed first). */
  retryOnce = new Set<number>();
  /** Answer every call with HTTP 401. */
  unauthorized = false;
  /** SHA-256s whose ingestion is someone else's: checkFile hides it (DUPLICATE without it, or IN_PROGRESS). */
  othersFiles = new Set<string>();
  /** Rows a check answers INVALID with this error (as the server does for an unknown reference). */
  checkErrors = new Map<number, { field: string; code: string; message: string }>();
  /** Milliseconds a check of rows starting at this row waits before answering (to answer batches out of order). */
  checkDelay: (firstRow: number) => number = () => 1;
  /** Fail the checks of batches starting at these rows, for good (not transient). */
  failChecksAt = new Set<number>();
  private seq = 0;

  client(): GraphQLClient {
    const request = async (doc: TypedDocumentNode<unknown, unknown>, variables?: Record<string, unknown>) => {
      const op = (doc.definitions[0] as OperationDefinitionNode).name!.value;
      const input = (variables?.input ?? variables ?? {}) as Record<string, unknown>;
      this.calls.push({ op, input, variables });
      this.inFlight++;
      this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
      try {
        await new Promise((r) => setTimeout(r, 1));
        if (this.unauthorized) throw new GraphQLHttpError('HTTP 401 from fake: UnauthorizedException: You are not authorized', 401, 'UnauthorizedException', '{}');
        if (this.failNext > 0 && op !== 'StartIngestion') {
          this.failNext--;
          throw this.failWith();
        }
        return this.handle(op, input, variables ?? {});
      } finally {
        this.inFlight--;
      }
    };
    return { options: { url: 'http://fake/graphql', auth: { mode: 'API_KEY', apiKey: 'k' } }, request, execute: request } as unknown as GraphQLClient;
  }

  private progress(ing: IngestionRec, extra: Partial<ProgressFieldsFragment> = {}): ProgressFieldsFragment {
    return {
      ingestionId: ing.id,
      stage: 'IMPORTING',
      status: ing.status,
      batchNumber: null,
      replayed: false,
      rowCount: null,
      created: ing.created,
      duplicates: ing.duplicates,
      invalid: ing.invalid,
      alreadyImported: ing.alreadyImported,
      processed: ing.created + ing.duplicates + ing.invalid + ing.alreadyImported,
      batches: ing.batches,
      outcomes: null,
      durationMs: null,
      rowsPerSecond: null,
      failureReason: null,
      updatedAt: new Date(0).toISOString(),
      ...extra,
    } as ProgressFieldsFragment;
  }

  /** The ingestion as startIngestion and getIngestion answer it. */
  private record(ing: IngestionRec) {
    return { ...ing, processed: ing.created + ing.duplicates + ing.invalid + ing.alreadyImported, startedAt: '2026-01-01T00:00:00Z' };
  }

  private handle(op: string, input: Record<string, unknown>, variables: Record<string, unknown>): unknown {
    switch (op) {
      case 'StartIngestion': {
        const existing = this.bySha.get(input.sha256 as string);
        if (existing) {
          const ing = this.ingestions.get(existing)!;
          return { startIngestion: { outcome: ing.status === 'COMPLETED' ? 'DUPLICATE' : 'RESUMED', ingestion: this.record(ing) } };
        }
        const ing: IngestionRec = { id: `ing-${++this.seq}`, fileName: input.fileName as string, sha256: input.sha256 as string, status: 'RUNNING', created: 0, duplicates: 0, invalid: 0, alreadyImported: 0, batches: 0 };
        this.ingestions.set(ing.id, ing);
        this.bySha.set(ing.sha256, ing.id);
        return { startIngestion: { outcome: 'STARTED', ingestion: this.record(ing) } };
      }
      case 'RecordRejectedRows': {
        const ing = this.ingestions.get(input.ingestionId as string)!;
        const key = `${ing.id}#${input.batchNumber as number}`;
        if (this.markers.has(key)) return { recordRejectedRows: this.progress(ing, { replayed: true }) };
        const rows = (input.rows as { rowNumber: number }[]).map((r) => r.rowNumber);
        this.markers.set(key, { batchNumber: input.batchNumber as number, kind: 'REJECTED', outcomes: [], done: rows });
        ing.invalid += (input.rows as unknown[]).length;
        ing.batches++;
        return { recordRejectedRows: this.progress(ing, { stage: 'REJECTED_ROWS' }) };
      }
      case 'ListIngestionBatches': {
        // One page, in batch order (the real one pages and orders by marker key).
        const id = variables.ingestionId as string;
        const items = [...this.markers.entries()]
          .filter(([key]) => key.startsWith(`${id}#`))
          .map(([, m]) => ({ batchNumber: m.batchNumber, kind: m.kind, firstRow: Math.min(...m.done), lastRow: Math.max(...m.done), rowCount: m.done.length, doneRows: m.done.map((n) => ({ from: n, to: n })) }));
        return { listIngestionBatches: { items, nextToken: null } };
      }
      case 'GetIngestion': {
        const ing = this.ingestions.get(variables.id as string);
        return { getIngestion: ing ? this.record(ing) : null };
      }
      case 'FinishIngestion': {
        const ing = this.ingestions.get(input.ingestionId as string)!;
        ing.status = input.status as IngestionRec['status'];
        return { finishIngestion: this.progress(ing, { stage: 'FINISHED' }) };
      }
      case 'CheckFile': {
        const existing = this.bySha.get(input.sha256 as string);
        const ing = existing ? this.ingestions.get(existing)! : null;
        if (!ing) return { checkFile: { sha256: input.sha256, ingested: false, outcome: 'NEW', ingestion: null } };
        const hidden = this.othersFiles.has(ing.sha256);
        const outcome = ing.status === 'COMPLETED' ? 'DUPLICATE' : hidden ? 'IN_PROGRESS' : 'RESUME';
        return { checkFile: { sha256: input.sha256, ingested: true, outcome, ingestion: hidden ? null : { ...ing, startedAt: '2026-01-01T00:00:00Z' } } };
      }
      default: {
        const model = importModel(op);
        if (model) return this.importRows(model, input);
        const checked = checkModel(op);
        if (checked) return this.checkRows(checked, input);
        throw new Error(`fake server: unexpected ${op}`);
      }
    }
  }

  /** A check of any model: what importRows would answer, without claiming anything. */
  private async checkRows(model: ModelMeta, input: Record<string, unknown>): Promise<unknown> {
    const rows = input.rows as RowInput[];
    await new Promise((r) => setTimeout(r, this.checkDelay(rows[0]!.rowNumber)));
    if (this.failChecksAt.has(rows[0]!.rowNumber)) throw new GraphQLHttpError('HTTP 400 from fake: BadRequest: no', 400, 'BadRequest', '{}');
    const here = new Map<string, number>();
    const answers = rows.map((row) => {
      const keys = model.uniques.map((u) => [u, claimKey(model, u, row)] as const).filter(([, k]) => k !== null);
      const base = { rowNumber: row.rowNumber, id: null, errors: null, conflict: null, repeatOf: null };
      const error = this.checkErrors.get(row.rowNumber);
      if (error) return { ...base, status: 'INVALID', errors: [error] };
      const mine = keys.map(([, k]) => this.claims.get(k!)).find((c) => c && c.ingestionId === input.ingestionId && c.rowNumber === row.rowNumber);
      if (mine) return { ...base, status: 'ALREADY_IMPORTED', id: mine.id };
      for (const [unique, k] of keys) {
        const owner = this.claims.get(k!);
        const value = String(row[unique.field]).trim();
        if (owner) {
          return {
            ...base,
            status: 'DUPLICATE',
            errors: [{ field: unique.field, code: unique.code, message: 'taken' }],
            conflict: { field: unique.field, value: unique.normalize === 'EMAIL' ? value.toLowerCase() : value, existingId: owner.id, ingestionId: owner.ingestionId, rowNumber: owner.rowNumber },
          };
        }
        if (here.has(k!)) return { ...base, status: 'DUPLICATE', errors: [{ field: unique.field, code: unique.code, message: `repeat of row ${here.get(k!)}` }], repeatOf: here.get(k!) };
      }
      for (const [, k] of keys) here.set(k!, row.rowNumber);
      return { ...base, status: 'CREATED' };
    });
    return { [model.checkField]: answers };
  }

  /** One import batch of any model: a row whose unique value another row claimed is DUPLICATE of it. */
  private importRows(model: ModelMeta, input: Record<string, unknown>): unknown {
    const ing = this.ingestions.get(input.ingestionId as string)!;
    const key = `${ing.id}#${input.batchNumber as number}`;
    const marker = this.markers.get(key);
    if (marker) return { [model.importField]: this.progress(ing, { batchNumber: input.batchNumber as number, replayed: true, outcomes: marker.outcomes }) };
    const outcomes: Outcome[] = [];
    for (const row of input.rows as RowInput[]) {
      const claims = model.uniques.map((u) => [u, claimKey(model, u, row)] as const).filter(([, k]) => k !== null);
      const taken = claims.find(([, k]) => this.claims.has(k!));
      if (this.retryOnce.delete(row.rowNumber)) {
        outcomes.push({ rowNumber: row.rowNumber, status: 'RETRY', id: null, errors: null, conflict: null } as Outcome);
      } else if (taken) {
        const [unique, k] = taken;
        const owner = this.claims.get(k!)!;
        ing.duplicates++;
        const value = String(row[unique.field]).trim();
        outcomes.push({
          rowNumber: row.rowNumber,
          status: 'DUPLICATE',
          id: null,
          errors: [{ field: unique.field, code: unique.code, message: 'taken' }],
          conflict: { field: unique.field, value: unique.normalize === 'EMAIL' ? value.toLowerCase() : value, existingId: owner.id, ingestionId: owner.ingestionId, rowNumber: owner.rowNumber },
        } as Outcome);
      } else {
        const id = `${model.key}-${++this.seq}`;
        for (const [, k] of claims) this.claims.set(k!, { id, ingestionId: ing.id, rowNumber: row.rowNumber });
        ing.created++;
        outcomes.push({ rowNumber: row.rowNumber, status: 'CREATED', id, errors: null, conflict: null } as Outcome);
      }
    }
    ing.batches++;
    this.markers.set(key, { batchNumber: input.batchNumber as number, kind: 'IMPORT', outcomes, done: outcomes.filter((o) => o.status !== 'RETRY').map((o) => o.rowNumber) });
    return { [model.importField]: this.progress(ing, { batchNumber: input.batchNumber as number, outcomes }) };
  }

  /** The check queries sent (of any model). */
  checkCalls(): Call[] {
    return this.calls.filter((c) => checkModel(c.op) !== undefined);
  }

  /** The import mutations sent (of any model). */
  importCalls(): Call[] {
    return this.calls.filter((c) => importModel(c.op) !== undefined);
  }
}

/** The model an operation imports: `ImportInvoices` → Invoice (the generated documents are named after the import field). */
function importModel(op: string): ModelMeta | undefined {
  return MODELS.find((m) => m.importField.toLowerCase() === op.toLowerCase());
}

/** The model an operation checks: `CheckInvoices` → Invoice. */
function checkModel(op: string): ModelMeta | undefined {
  return MODELS.find((m) => m.checkField.toLowerCase() === op.toLowerCase());
}

/** A ByteSource over in-memory bytes, cut into chunks of `chunk` bytes. */
export function bytesSource(bytes: Uint8Array | string, chunk = 7): () => AsyncIterable<Uint8Array> {
  const data = typeof bytes === 'string' ? new TextEncoder().encode(bytes) : bytes;
  return async function* () {
    for (let i = 0; i < data.length; i += chunk) yield data.subarray(i, i + chunk);
  };
}
