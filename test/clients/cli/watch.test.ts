/**
 * `foreman watch` and the shared follow/render code, against the real-time endpoint on a bare server
 * (stand-in auth) whose POST /graphql answers GetIngestion with a canned ingestion.
 */
import http from 'node:http';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attachRealtime } from '../../../infra/local/realtime';
import type { RealtimeHandle } from '../../../infra/local/contracts';
import { repoRoot } from '../../../infra/bundle';
import { exitCodeFor, followIngestion, renderProgressLine, renderSummary, type WatchCounts } from '../../../clients/cli/watchRender';
import { CliError } from '../../../clients/cli/errors';
import { API_KEY, fakeAuthenticator, fakeRuntime, listen, loadSchema } from '../../infra/local/realtime/doubles';
import { startTestStack, type TestStack, stackClients } from '../../helpers/localStack';
import { subscribe } from '../../../clients/api/subscribe';
import { OnIngestionsChangedDocument } from '../../../clients/api/generated';
import { progressEvent, type Progress } from '../../helpers/progress';
import { screen } from '../../helpers/terminal';

function counts(partial: Partial<WatchCounts>): WatchCounts {
  return {
    ingestionId: 'ing',
    stage: 'IMPORTING',
    status: 'RUNNING',
    rowCount: 1000,
    processed: 0,
    created: 0,
    duplicates: 0,
    invalid: 0,
    alreadyImported: 0,
    batches: 0,
    durationMs: null,
    rowsPerSecond: null,
    failureReason: null,
    updatedAt: '2026-01-01T00:00:00.000Z',
    ...partial,
  };
}

function event(ingestionId: string, processed: number, over: Partial<Progress> = {}): Progress {
  const batches = Math.ceil(processed / 100);
  return progressEvent(ingestionId, processed, { batchNumber: batches, batches, rowCount: 1000, updatedAt: new Date().toISOString(), ...over });
}

function ingestion(id: string, over: Record<string, unknown> = {}) {
  return {
    id,
    fileName: 'f.csv',
    sha256: 'a'.repeat(64),
    model: 'CUSTOMER',
    source: 'CLI',
    status: 'RUNNING',
    rowCount: 1000,
    created: 0,
    duplicates: 0,
    invalid: 0,
    alreadyImported: 0,
    processed: 0,
    batches: 0,
    startedAt: '2026-01-01T00:00:00.000Z',
    finishedAt: null,
    durationMs: null,
    rowsPerSecond: null,
    failureReason: null,
    updatedAt: '2026-01-01T00:00:00.000Z',
    ...over,
  };
}

describe('rendering', () => {
  it('prints progress lines in the words of foreman ingest', () => {
    expect(renderProgressLine(counts({ processed: 500, created: 480, duplicates: 15, invalid: 5, batches: 11 }), 812.4)).toBe(
      'progress: 500/1000 rows, 11 batches, 812 rows/s, created 480, duplicate 15, invalid 5',
    );
  });

  it('summarises the final counters as foreman ingest does', () => {
    const text = renderSummary(counts({ status: 'COMPLETED', stage: 'FINISHED', processed: 1000, created: 990, invalid: 10, durationMs: 2500, rowsPerSecond: 400 }));
    expect(text).toBe('Done in 2.5 s (400 rows/s): 1,000 rows — 990 created, 0 duplicate, 10 invalid.\n');
    const failed = renderSummary(counts({ status: 'FAILED', stage: 'FINISHED', processed: 10, created: 10, durationMs: 100, rowsPerSecond: 100, failureReason: 'file unreadable' }));
    expect(failed).toContain('Stopped in 0.1 s');
    expect(failed).toContain('The ingestion stopped: file unreadable');
  });

  it('exits 0 only when no row was rejected and the ingestion did not fail', () => {
    expect(exitCodeFor(counts({ status: 'COMPLETED', created: 1000, alreadyImported: 5 }))).toBe(0);
    expect(exitCodeFor(counts({ status: 'COMPLETED', duplicates: 1 }))).toBe(1);
    expect(exitCodeFor(counts({ status: 'COMPLETED', invalid: 1 }))).toBe(1);
    expect(exitCodeFor(counts({ status: 'FAILED' }))).toBe(1);
  });
});

describe('following an ingestion', () => {
  let server: http.Server;
  let realtime: RealtimeHandle;
  let url: string;
  const ingestions = new Map<string, Record<string, unknown> | null>();
  const queried = new Map<string, () => void>();

  /** Resolves when the watcher has subscribed and read the current state (it reads after start_ack). */
  function whenQueried(id: string): Promise<void> {
    return new Promise((resolve) => queried.set(id, resolve));
  }

  beforeAll(async () => {
    const schema = loadSchema();
    server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        const { variables } = JSON.parse(body) as { variables: { id: string } };
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ data: { getIngestion: ingestions.get(variables.id) ?? null } }));
        queried.get(variables.id)?.();
      });
    });
    realtime = attachRealtime(server, { schema, auth: fakeAuthenticator(schema), runtime: fakeRuntime({}), env: {} }, { codeSource: async () => null });
    url = `http://127.0.0.1:${await listen(server)}/graphql`;
  });
  afterAll(async () => {
    await realtime.close();
    await new Promise((r) => server.close(r));
  });

  it('shows the live bar from the subscription and the summary, exiting 1 when rows were rejected', async () => {
    ingestions.set('w1', ingestion('w1'));
    const out = new PassThrough();
    const err = new PassThrough();
    let stdout = '';
    let stderr = '';
    out.on('data', (c: Buffer) => (stdout += c.toString()));
    err.on('data', (c: Buffer) => (stderr += c.toString()));
    const ready = whenQueried('w1');
    const following = followIngestion({ url, auth: { mode: 'API_KEY', apiKey: API_KEY }, ingestionId: 'w1', out, err, tty: false });
    await ready;
    for (let p = 100; p <= 1000; p += 100) realtime.publish({ fieldName: 'importCustomers', arguments: {}, payload: event('w1', p, { created: p - 10, invalid: 10 }) });
    realtime.publish({
      fieldName: 'finishIngestion',
      arguments: {},
      payload: event('w1', 1000, { stage: 'FINISHED', status: 'COMPLETED', created: 990, invalid: 10, durationMs: 4000, rowsPerSecond: 250 }),
    });
    const result = await following;
    expect(result.exitCode).toBe(1);
    expect(result.final).toMatchObject({ status: 'COMPLETED', created: 990, invalid: 10 });
    // One bar line per 10 % step, in increasing order, ending at 100 %.
    const bars = stderr.trim().split('\n');
    const processed = bars.map((b) => Number(/(\d+)\/1000 rows/.exec(b)?.[1]));
    expect(processed).toEqual([...processed].sort((a, b) => a - b));
    expect(processed).toEqual(expect.arrayContaining([100, 500, 900, 1000]));
    expect(bars.at(-1)).toMatch(/^progress: 1000\/1000 rows, 10 batches, 250 rows\/s, created 990, duplicate 0, invalid 10$/);
    expect(stdout).toBe(renderSummary(result.final));
  });

  it('draws foreman ingest’s own progress bar on a terminal', async () => {
    ingestions.set('tty', ingestion('tty'));
    const err = Object.assign(new PassThrough(), { isTTY: true, columns: 160 });
    let drawn = '';
    err.on('data', (c: Buffer) => (drawn += c.toString()));
    const ready = whenQueried('tty');
    const following = followIngestion({ url, auth: { mode: 'API_KEY', apiKey: API_KEY }, ingestionId: 'tty', out: new PassThrough(), err, tty: true });
    await ready;
    realtime.publish({ fieldName: 'importCustomers', arguments: {}, payload: event('tty', 500) });
    realtime.publish({ fieldName: 'finishIngestion', arguments: {}, payload: event('tty', 1000, { stage: 'FINISHED', status: 'COMPLETED', rowsPerSecond: 300 }) });
    expect((await following).exitCode).toBe(0);
    // foreman ingest's live bar, redrawn in place: what the terminal shows at the end is the last
    // state, stage "done", at the rate the ingestion reported.
    const lines = screen(drawn);
    expect(lines[0]).toMatch(new RegExp(`^done {6}${'█'.repeat(24)} 100% \\| 1,000/1,000 rows \\| 300 rows/s \\| \\d+s elapsed$`));
    expect(lines[1]).toBe('          created 1,000 | duplicate 0 | invalid 0');
  });

  it('prints the summary straight away for an ingestion that already finished', async () => {
    ingestions.set('w2', ingestion('w2', { status: 'COMPLETED', processed: 1000, created: 1000, durationMs: 1000, rowsPerSecond: 1000 }));
    const out = new PassThrough();
    const result = await followIngestion({ url, auth: { mode: 'API_KEY', apiKey: API_KEY }, ingestionId: 'w2', out, err: new PassThrough(), tty: false });
    expect(result.exitCode).toBe(0);
    expect(result.final.created).toBe(1000);
  });

  it('refuses an ingestion id that does not exist', async () => {
    await expect(followIngestion({ url, auth: { mode: 'API_KEY', apiKey: API_KEY }, ingestionId: 'nope', out: new PassThrough(), err: new PassThrough() })).rejects.toBeInstanceOf(CliError);
  });

  it('prints JSON lines with --json, the last one FINISHED', async () => {
    ingestions.set('w3', ingestion('w3'));
    const out = new PassThrough();
    let stdout = '';
    out.on('data', (c: Buffer) => (stdout += c.toString()));
    const ready = whenQueried('w3');
    const following = followIngestion({ url, auth: { mode: 'API_KEY', apiKey: API_KEY }, ingestionId: 'w3', json: true, out, err: new PassThrough() });
    await ready;
    realtime.publish({ fieldName: 'importCustomers', arguments: {}, payload: event('w3', 500) });
    realtime.publish({ fieldName: 'finishIngestion', arguments: {}, payload: event('w3', 1000, { stage: 'FINISHED', status: 'COMPLETED' }) });
    expect((await following).exitCode).toBe(0);
    const lines = stdout.trim().split('\n').map((l) => JSON.parse(l) as WatchCounts);
    expect(lines.map((l) => l.processed)).toEqual([0, 500, 1000]);
    expect(lines.at(-1)?.stage).toBe('FINISHED');
  });

  it('runs as `foreman watch` in its own process and exits with the ingestion’s code', async () => {
    ingestions.set('w4', ingestion('w4'));
    const ready = whenQueried('w4');
    const child = spawn(process.execPath, [path.join(repoRoot, 'bin/foreman.js'), 'watch', 'w4', '--endpoint', url, '--api-key', API_KEY], {
      cwd: repoRoot,
      env: { ...process.env, FOREMAN_GRAPHQL_URL: '', FOREMAN_API_KEY: '' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    await ready;
    for (let p = 250; p <= 1000; p += 250) realtime.publish({ fieldName: 'importCustomers', arguments: {}, payload: event('w4', p) });
    realtime.publish({ fieldName: 'finishIngestion', arguments: {}, payload: event('w4', 1000, { stage: 'FINISHED', status: 'COMPLETED', durationMs: 2000, rowsPerSecond: 500 }) });
    expect(await exited).toBe(0);
    expect(stderr).toContain('progress: 1000/1000 rows');
    expect(stdout).toBe('Done in 2.0 s (500 rows/s): 1,000 rows — 1,000 created, 0 duplicate, 0 invalid.\n');
  });
});

describe('foreman watch in a second process during a 10,000-row foreman ingest', () => {
  let stack: TestStack;
  let dir: string;
  let token: string;

  beforeAll(async () => {
    stack = await startTestStack();
    dir = mkdtempSync(path.join(os.tmpdir(), 'foreman-watch-'));
    // Both terminals sign in as the stack's built-in admin (FOREMAN_ID_TOKEN, as a script would).
    token = await stack.tokenFor('foreman-admin', ['admins']);
  });
  afterAll(async () => {
    await stack?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  function run(args: string[]): { exited: Promise<number | null>; out: () => string; err: () => string } {
    const child = spawn(process.execPath, [path.join(repoRoot, 'bin/foreman.js'), ...args, '--endpoint', stack.graphqlUrl], {
      cwd: dir,
      env: { ...process.env, FOREMAN_GRAPHQL_URL: '', FOREMAN_API_KEY: '', FOREMAN_ID_TOKEN: token },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    return { exited: new Promise((resolve) => child.on('exit', resolve)), out: () => stdout, err: () => stderr };
  }

  it('shows the live progress and ends with the same summary and exit code as the ingesting terminal', { timeout: 300_000 }, async () => {
    // 10,000 rows: 9,971 distinct customers, 20 repeating an earlier email, 9 with a broken email.
    const lines = ['email,name'];
    for (let i = 1; i <= 10_000; i += 1) {
      if (i % 500 === 0) lines.push(`customer${i - 1}@watch.example,Repeat ${i}`);
      else if (i % 1000 === 1 && i > 1) lines.push(`not-an-email-${i},Broken ${i}`);
      else lines.push(`customer${i}@watch.example,Customer ${i}`);
    }
    const file = path.join(dir, 'customers_10k.csv');
    writeFileSync(file, `${lines.join('\n')}\n`);

    // Learn the ingestion's id from its first event, then start the watcher in its own process.
    let watcher: ReturnType<typeof run> | undefined;
    let onWatcher!: (w: ReturnType<typeof run>) => void;
    const watcherStarted = new Promise<ReturnType<typeof run>>((resolve) => (onWatcher = resolve));
    const stop = subscribe({ url: stack.graphqlUrl, auth: stackClients(stack).api.options.auth }, OnIngestionsChangedDocument, {}, {
      next: ({ onIngestionsChanged }) => {
        if (watcher || !onIngestionsChanged) return;
        watcher = run(['watch', onIngestionsChanged.ingestionId]);
        stop();
        onWatcher(watcher);
      },
    });
    await stop.ready;
    const ingesting = run(['ingest', file]);
    const watching = await watcherStarted;
    const [ingestCode, watchCode] = await Promise.all([ingesting.exited, watching.exited]);

    const ingestHeadline = `${ingesting.out()}\n${ingesting.err()}`.split('\n').find((l) => l.startsWith('Done in'));
    const watchHeadline = watching.out().split('\n')[0];
    expect(ingestHeadline).toMatch(/^Done in [\d.]+ s \([\d,]+ rows\/s\): 10,000 rows — 9,971 created, 20 duplicate, 9 invalid\.$/);
    expect(watchHeadline).toBe(ingestHeadline);
    expect(ingestCode).toBe(1);
    expect(watchCode).toBe(ingestCode);
    // The live progress: several lines with growing counts, the last at 10,000.
    const progress = watching
      .err()
      .split('\n')
      .filter((l) => l.startsWith('progress: '))
      .map((l) => Number(/^progress: (\d+)\//.exec(l)?.[1]));
    expect(progress.length).toBeGreaterThan(2);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    expect(progress.at(-1)).toBe(10_000);
  });

  it('ingest --follow in a second terminal follows the running ingestion of the same file instead of sending it again', { timeout: 300_000 }, async () => {
    const lines = ['email,name'];
    for (let i = 1; i <= 3000; i += 1) lines.push(`follow${i}@watch.example,Follower ${i}`);
    const file = path.join(dir, 'customers_3k.csv');
    writeFileSync(file, `${lines.join('\n')}\n`);

    let second: ReturnType<typeof run> | undefined;
    let onSecond!: (w: ReturnType<typeof run>) => void;
    const secondStarted = new Promise<ReturnType<typeof run>>((resolve) => (onSecond = resolve));
    const stop = subscribe({ url: stack.graphqlUrl, auth: stackClients(stack).api.options.auth }, OnIngestionsChangedDocument, {}, {
      next: () => {
        if (second) return;
        second = run(['ingest', file, '--follow']);
        stop();
        onSecond(second);
      },
    });
    await stop.ready;
    const first = run(['ingest', file]);
    const follower = await secondStarted;
    const [firstCode, followerCode] = await Promise.all([first.exited, follower.exited]);

    const headline = `${first.out()}`.split('\n').find((l) => l.startsWith('Done in'));
    expect(headline).toMatch(/^Done in [\d.]+ s \([\d,]+ rows\/s\): 3,000 rows — 3,000 created, 0 duplicate, 0 invalid\.$/);
    expect(follower.err()).toMatch(/^Following ingestion [\w-]+ of .*customers_3k\.csv, already running/m);
    expect(follower.out().split('\n')[0]).toBe(headline);
    expect([firstCode, followerCode]).toEqual([0, 0]);
  });

  it('ingest --follow ingests as usual when the file is not being ingested', { timeout: 120_000 }, async () => {
    const file = path.join(dir, 'small.csv');
    writeFileSync(file, 'email,name\nsolo1@watch.example,Solo One\nsolo2@watch.example,Solo Two\n');
    const alone = run(['ingest', file, '--follow']);
    expect(await alone.exited).toBe(0);
    expect(alone.out()).toMatch(/^Done in [\d.]+ s \([\d,]+ rows\/s\): 2 rows — 2 created, 0 duplicate, 0 invalid\.$/m);
    expect(alone.err()).not.toContain('Following ingestion');
  });
});
