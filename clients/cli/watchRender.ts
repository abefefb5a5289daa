/**
 * Watching an ingestion live from its `onIngestionProgress` subscription: the progress bar, the
 * final summary and the exit code, shared by `foreman watch` and `foreman ingest --follow`.
 *
 * The subscription is opened before the current state is read (GetIngestion), so no event between
 * the two is lost; whichever is newer wins.
 */
import { createHash } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import type { Writable } from 'node:stream';
import { createClient, type ClientAuth } from '../api/client';
import { subscribe, SubscriptionError } from '../api/subscribe';
import { GetIngestionDocument, ListIngestionsDocument, OnIngestionProgressDocument, type GetIngestionQuery, type OnIngestionProgressSubscription } from '../api/generated';
import { CliError, EXIT } from './errors';
import { plural, progressLine, ProgressReporter } from './ingestOutput';
import type { Progress } from '../ingest';
import { resolveEndpoint } from './endpoint';

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

/**
 * One progress line, in the words `foreman ingest` uses for its non-terminal output:
 * `progress: 5200/10000 rows, 107 batches, 812 rows/s, created 5100, duplicate 60, invalid 40` (the
 * line is `progressLine` in ingestOutput.ts).
 */
export function renderProgressLine(c: WatchCounts, rowsPerSecond: number): string {
  return progressLine(c.processed, c.rowCount ?? c.processed, { ...c, rowsPerSecond });
}

/** The counters in the shape `foreman ingest`'s progress reporter draws. */
function engineProgress(c: WatchCounts, rowsPerSecond: number, elapsedMs: number): Progress {
  return {
    phase: 'send',
    bytesRead: 0,
    totalBytes: null,
    rowsRead: c.processed,
    rowsTotal: c.rowCount,
    created: c.created,
    duplicates: c.duplicates,
    invalid: c.invalid,
    alreadyImported: c.alreadyImported,
    retried: 0,
    skipped: 0,
    batches: c.batches,
    elapsedMs,
    rowsPerSecond,
  };
}

/**
 * The final summary headline, worded as `foreman ingest` words it:
 * `Done in 12.3 s (812 rows/s): 10,000 rows — 9,900 created, 50 duplicate, 50 invalid.`
 */
export function renderSummary(c: WatchCounts): string {
  const seconds = ((c.durationMs ?? 0) / 1000).toFixed(1);
  const rps = Math.round(c.rowsPerSecond ?? 0).toLocaleString('en-US');
  const parts = [`${n(c.created)} created`, `${n(c.duplicates)} duplicate`, `${n(c.invalid)} invalid`];
  if (c.alreadyImported) parts.push(`${n(c.alreadyImported)} already imported`);
  const lines = [`${c.status === 'COMPLETED' ? 'Done' : 'Stopped'} in ${seconds} s (${rps} rows/s): ${plural(c.rowCount ?? c.processed, 'row')} — ${parts.join(', ')}.`];
  if (c.failureReason) lines.push('', `The ingestion stopped: ${c.failureReason}`);
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
  // The watcher's own rate: rows accounted for since it first saw the ingestion, per second.
  let first: { at: number; processed: number } | null = null;
  let reporter: ProgressReporter | undefined;

  const show = (c: WatchCounts) => {
    if (options.json) {
      out.write(`${JSON.stringify(c)}\n`);
      return;
    }
    const now = Date.now();
    first ??= { at: now, processed: c.processed };
    const elapsed = (now - first.at) / 1000;
    const rate = isFinished(c) && c.rowsPerSecond !== null ? c.rowsPerSecond : elapsed > 0 ? (c.processed - first.processed) / elapsed : 0;
    if (tty) {
      // On a terminal: the very bar `foreman ingest` draws.
      reporter ??= new ProgressReporter(err as NodeJS.WriteStream, true);
      reporter.update(engineProgress(c, rate, now - first.at));
      return;
    }
    // Not a terminal: a line per 10 % (or per 10 batches when the total is unknown), and the last one.
    const step = c.rowCount ? Math.floor((c.processed / c.rowCount) * 10) : Math.floor(c.batches / 10);
    if (step !== lastStep || isFinished(c)) {
      lastStep = step;
      err.write(`${renderProgressLine(c, rate)}\n`);
    }
  };

  return new Promise<FollowResult>((resolve, reject) => {
    let settled = false;
    const finish = (c: WatchCounts) => {
      if (settled) return;
      settled = true;
      stop();
      if (!options.json) {
        reporter?.stop(c.status === 'COMPLETED' ? 'done' : 'stopped');
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
              reject(new CliError(`no ingestion with id ${options.ingestionId} at ${options.url}. \`foreman ingestions\` lists the ingestions there.`, EXIT.USAGE));
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

/** Lower-case hex SHA-256 of a file's bytes, streamed (the id `startIngestion` claims). */
async function fileSha256(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/**
 * `foreman ingest FILE --follow`: when the same bytes are being ingested right now by someone else
 * (another terminal, the web page, the S3 processor), follow that ingestion live instead of sending
 * the rows a second time. Returns the exit code when it followed one, or null when no RUNNING
 * ingestion of this file exists (the caller then ingests as usual).
 */
export async function followRunningIngestionOf(
  file: string,
  endpoint: { url: string; auth: ClientAuth },
  options: Pick<FollowOptions, 'json' | 'out' | 'err' | 'tty'> & { notice?: (line: string) => void; maxPages?: number } = {},
): Promise<number | null> {
  const sha256 = await fileSha256(file);
  const auth = endpoint.auth;
  const client = createClient({ url: endpoint.url, auth });
  let nextToken: string | null | undefined;
  for (let page = 0; page < (options.maxPages ?? 20); page += 1) {
    const { listIngestions } = await client.request(ListIngestionsDocument, { limit: 100, nextToken });
    const running = listIngestions.items.find((i) => i.sha256 === sha256 && i.status === 'RUNNING');
    if (running) {
      options.notice?.(`Following ingestion ${running.id} of ${file}, already running (started ${running.startedAt} from ${running.source}).`);
      const { exitCode } = await followIngestion({ url: endpoint.url, auth, ingestionId: running.id, json: options.json, out: options.out, err: options.err, tty: options.tty });
      return exitCode;
    }
    nextToken = listIngestions.nextToken;
    if (!nextToken) break;
  }
  return null;
}

class NoRunningEndpointError extends Error {
  override name = 'NoRunningEndpointError';
}

/**
 * What `foreman ingest --follow` calls first: with an endpoint configured (flags, environment, .env,
 * a running `foreman serve`), follows a RUNNING ingestion of the same file and returns its exit code;
 * otherwise null, and `foreman ingest` proceeds as usual. Never starts an embedded stack itself.
 */
export async function followIfRunning(file: string, flags: { endpoint?: string; apiKey?: string; json?: boolean }): Promise<number | null> {
  if (!existsSync(file)) return null;
  let endpoint: { url: string; auth: ClientAuth };
  try {
    endpoint = await resolveEndpoint({
      endpoint: flags.endpoint,
      apiKey: flags.apiKey,
      startStack: () => {
        throw new NoRunningEndpointError();
      },
    });
  } catch (error) {
    if (error instanceof NoRunningEndpointError) return null;
    throw error;
  }
  return followRunningIngestionOf(file, endpoint, { json: flags.json, notice: (line) => process.stderr.write(`${line}\n`) });
}
