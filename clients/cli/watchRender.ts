/**
 * Watching an ingestion live from its `onIngestionProgress` subscription: the progress bar, the
 * final summary and the exit code, shared by `foreman watch` and `foreman ingest --follow`.
 *
 * The subscription is opened before the current state is read (GetIngestion), so no event between
 * the two is lost; whichever is newer wins.
 */
import type { Writable } from 'node:stream';
import { createClient, type ClientAuth } from '../api/client';
import { subscribe, SubscriptionError } from '../api/subscribe';
import { GetIngestionDocument, OnIngestionProgressDocument, type GetIngestionQuery, type OnIngestionProgressSubscription } from '../api/generated';
import { CliError, EXIT } from './errors';

/** The counters a watcher shows; built from an `IngestionProgress` event or an `Ingestion`. */
export interface WatchCounts {
  ingestionId: string;
  stage: string;
  status: string;
  rowCount: number | null;
  processed: number;
  created: number;
  duplicates: number;
  invalid: number;
  alreadyImported: number;
  batches: number;
  durationMs: number | null;
  rowsPerSecond: number | null;
  failureReason: string | null;
  updatedAt: string;
}

type ProgressEvent = NonNullable<OnIngestionProgressSubscription['onIngestionProgress']>;
type IngestionRecord = NonNullable<GetIngestionQuery['getIngestion']>;

export function countsFromProgress(p: ProgressEvent): WatchCounts {
  return {
    ingestionId: p.ingestionId,
    stage: p.stage,
    status: p.status,
    rowCount: p.rowCount,
    processed: p.processed,
    created: p.created,
    duplicates: p.duplicates,
    invalid: p.invalid,
    alreadyImported: p.alreadyImported,
    batches: p.batches,
    durationMs: p.durationMs,
    rowsPerSecond: p.rowsPerSecond,
    failureReason: p.failureReason,
    updatedAt: p.updatedAt,
  };
}

export function countsFromIngestion(i: IngestionRecord): WatchCounts {
  return {
    ingestionId: i.id,
    stage: i.status === 'RUNNING' ? 'IMPORTING' : 'FINISHED',
    status: i.status,
    rowCount: i.rowCount,
    processed: i.processed,
    created: i.created,
    duplicates: i.duplicates,
    invalid: i.invalid,
    alreadyImported: i.alreadyImported,
    batches: i.batches,
    durationMs: i.durationMs,
    rowsPerSecond: i.rowsPerSecond,
    failureReason: i.failureReason,
    updatedAt: i.updatedAt,
  };
}

/** Over when the stage says so or the status left RUNNING. */
export function isFinished(c: WatchCounts): boolean {
  return c.stage === 'FINISHED' || c.status !== 'RUNNING';
}

/** 0 when every row was created (or was already imported); 1 when rows were rejected or it FAILED. */
export function exitCodeFor(c: WatchCounts): number {
  if (c.status === 'FAILED') return EXIT.FAILED;
  return c.duplicates + c.invalid > 0 ? EXIT.FAILED : EXIT.OK;
}

const n = (value: number) => value.toLocaleString('en-US');

/** One line: `[██████░░░░░░]  52%  5,200/10,000 rows  5,100 created · 60 duplicates · 40 invalid`. */
export function renderBar(c: WatchCounts, width = 24): string {
  const total = c.rowCount ?? null;
  const ratio = total ? Math.min(1, c.processed / total) : isFinished(c) ? 1 : 0;
  const filled = Math.round(ratio * width);
  const bar = `[${'█'.repeat(filled)}${'░'.repeat(width - filled)}]`;
  const pct = total ? `${String(Math.floor(ratio * 100)).padStart(3)}%` : '   ?';
  const rows = total ? `${n(c.processed)}/${n(total)} rows` : `${n(c.processed)} rows`;
  const parts = [`${n(c.created)} created`, `${n(c.duplicates)} duplicates`, `${n(c.invalid)} invalid`];
  if (c.alreadyImported) parts.push(`${n(c.alreadyImported)} already imported`);
  return `${bar} ${pct}  ${rows}  ${parts.join(' · ')}`;
}

/** The final summary, one fact per line. */
export function renderSummary(c: WatchCounts): string {
  const seconds = c.durationMs !== null ? `${(c.durationMs / 1000).toFixed(1)} s` : null;
  const speed = c.rowsPerSecond !== null ? `${n(Math.round(c.rowsPerSecond))} rows/s` : null;
  const timing = [seconds, speed].filter(Boolean).join(', ');
  const lines = [
    `Ingestion ${c.ingestionId}: ${c.status}${timing ? ` in ${timing}` : ''}`,
    `  rows              ${n(c.rowCount ?? c.processed)}`,
    `  created           ${n(c.created)}`,
    `  duplicates        ${n(c.duplicates)}`,
    `  invalid           ${n(c.invalid)}`,
    `  already imported  ${n(c.alreadyImported)}`,
    `  batches           ${n(c.batches)}`,
  ];
  if (c.failureReason) lines.push(`  failure           ${c.failureReason}`);
  return `${lines.join('\n')}\n`;
}

export interface FollowOptions {
  url: string;
  auth: ClientAuth;
  ingestionId: string;
  /** One JSON object per event on `out` instead of the bar and summary. */
  json?: boolean;
  /** Summary (or JSON lines). Default process.stdout. */
  out?: Writable;
  /** The live bar. Default process.stderr. */
  err?: Writable;
  /** Redraw the bar in place (TTY) or print a line per 10 % step. Default: `err.isTTY`. */
  tty?: boolean;
  /** e.g. `{ ca }` for a `wss://` endpoint with the local stack's certificate. */
  webSocketOptions?: Record<string, unknown>;
}

export interface FollowResult {
  final: WatchCounts;
  exitCode: number;
}

/**
 * Follows one ingestion to its end, rendering as it goes.
 * @example
 * const { exitCode } = await followIngestion({ url, auth: { mode: 'API_KEY', apiKey }, ingestionId });
 */
export async function followIngestion(options: FollowOptions): Promise<FollowResult> {
  const out = options.out ?? process.stdout;
  const err = options.err ?? process.stderr;
  const tty = options.tty ?? Boolean((err as { isTTY?: boolean }).isTTY);
  let latest: WatchCounts | null = null;
  let lastStep = -1;
  let lastBatchesPrinted = -1;

  const show = (c: WatchCounts) => {
    if (options.json) {
      out.write(`${JSON.stringify(c)}\n`);
      return;
    }
    const line = renderBar(c);
    if (tty) {
      err.write(`\r${line}\x1b[K`);
      return;
    }
    // Not a terminal: a line per 10 % (or per 10 batches when the total is unknown), and the last one.
    const step = c.rowCount ? Math.floor((c.processed / c.rowCount) * 10) : Math.floor(c.batches / 10);
    if (step !== lastStep || (isFinished(c) && c.batches !== lastBatchesPrinted)) {
      lastStep = step;
      lastBatchesPrinted = c.batches;
      err.write(`${line}\n`);
    }
  };

  return new Promise<FollowResult>((resolve, reject) => {
    let settled = false;
    const finish = (c: WatchCounts) => {
      if (settled) return;
      settled = true;
      stop();
      if (!options.json) {
        if (tty) err.write('\n');
        out.write(renderSummary(c));
      }
      resolve({ final: c, exitCode: exitCodeFor(c) });
    };
    const accept = (c: WatchCounts) => {
      if (settled) return;
      // Events can cross the initial read; keep the newest state.
      if (latest && c.processed < latest.processed && !isFinished(c)) return;
      latest = c;
      show(c);
      if (isFinished(c)) finish(c);
    };

    const stop = subscribe({ url: options.url, auth: options.auth, webSocketOptions: options.webSocketOptions }, OnIngestionProgressDocument, { ingestionId: options.ingestionId }, {
      next: (data) => {
        if (data.onIngestionProgress) accept(countsFromProgress(data.onIngestionProgress));
      },
      error: (error) => {
        if (!error.fatal || settled) return;
        settled = true;
        reject(new CliError(`cannot watch ${options.ingestionId} at ${options.url}: ${error.message}`, EXIT.FAILED));
      },
    });

    stop.ready.then(
      async () => {
        try {
          const client = createClient({ url: options.url, auth: options.auth });
          const { getIngestion } = await client.request(GetIngestionDocument, { id: options.ingestionId });
          if (!getIngestion) {
            if (!latest && !settled) {
              settled = true;
              stop();
              reject(new CliError(`no ingestion with id ${options.ingestionId} at ${options.url}.`, EXIT.FAILED));
            }
            return;
          }
          if (!latest || isFinished(countsFromIngestion(getIngestion))) accept(countsFromIngestion(getIngestion));
        } catch (error) {
          // Without the current state we still follow the live events.
          err.write(`foreman: could not read ingestion ${options.ingestionId} (${error instanceof Error ? error.message : String(error)}); following live events only.\n`);
        }
      },
      (error: unknown) => {
        if (settled) return;
        settled = true;
        reject(new CliError(`cannot watch ${options.ingestionId} at ${options.url}: ${error instanceof SubscriptionError ? error.message : String(error)}`, EXIT.FAILED));
      },
    );
  });
}
