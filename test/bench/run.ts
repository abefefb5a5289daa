/**
 * Foreman's ingestion benchmarks (docs/architecture.md "Performance goals"), as ratios measured side by side in one
 * run — never timed assertions in tests. `npm run bench` (or `npx tsx test/bench/run.ts`).
 *
 * 1. dry run (parse + map + validate, hashing included) rows/s ÷ bare csv-parse rows/s over the
 *    same file — target ≥ 0.5;
 * 2. end-to-end ingest rows/s on the local stack ÷ raw TransactWriteItems of the same items straight
 *    to the same DynamoDB Local with the same concurrency — target ≥ 0.8;
 * 3. peak RSS of `foreman ingest` (a separate process) ingesting a big file — target ≪ 200 MB for
 *    1,000,000 rows.
 *
 * 4. start-up: `foreman serve` ready time (spawn → banner, median of 5 after a warm-up run, so the
 *    disk caches — resolver bundles, TLS-less — are warm) next to a bare DynamoDB Local start, and
 *    the whole `foreman ingest` of a one-batch file on the embedded stack (start, first batch, stop).
 *
 * 5. peak RSS of `foreman ingest` for a 10,000- and a 100,000-row .xlsx workbook — target ≤ 1.5×.
 *
 * 6. the dry run's server check (docs/ingestion.md, "The dry run asks the server"): on a stack holding
 *    the first half of a file's customers already, the dry run (scan + checkFile + check<Plural>
 *    batches) rows/s next to the real run of the same file, the dry run without an API, and whether
 *    the dry run's counts are the real run's.
 *
 * 7. CLI start-up: `foreman --help` and `foreman models` from the compiled CLI ÷ the same through
 *    tsx (median of 5, alternating).
 *
 * Flags: --dry-rows N (default 300000) --e2e-rows N (default 5000) --rounds N (default 3) --rss-rows N (default 100000,
 * 0 skips) --concurrency N (default 4) --only dry|e2e|rss|xlsx|cli|startup|check
 */
import { spawn } from 'node:child_process';
import { createReadStream, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { parse } from 'csv-parse';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { ingestFile } from '../../clients/ingest';
import { fileSource, nodeSha256 } from '../../clients/ingest/node';
import { startLocalStack } from '../../infra/local/stack';
import type { LocalStack } from '../../infra/local/contracts';
import { MAX_BATCH_ROWS } from '../../resolvers/lib/rules';
import { GENERATED_HEADER, customerRow, generateCustomers } from './generate';
import { stackClients } from '../helpers/localStack';
import { dateCell, writeXlsx, type XCell } from '../helpers/xlsx';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const only = (() => {
  const i = process.argv.indexOf('--only');
  return i > 0 ? process.argv[i + 1] : undefined;
})();
const DRY_ROWS = arg('--dry-rows', 300_000);
const E2E_ROWS = arg('--e2e-rows', 5_000);
const RSS_ROWS = arg('--rss-rows', 100_000);
const CONCURRENCY = arg('--concurrency', 4);
const ROUNDS = arg('--rounds', 3);
const ROOT = path.resolve(import.meta.dirname, '../..');
const dir = mkdtempSync(path.join(os.tmpdir(), 'foreman-bench-'));
const log = (line: string) => process.stdout.write(`${line}\n`);
const results: Record<string, unknown> = {};

async function bareCsvParse(file: string): Promise<number> {
  let n = 0;
  for await (const record of createReadStream(file, { highWaterMark: 256 * 1024 }).pipe(parse())) {
    if (record) n++;
  }
  return n - 1;
}

async function dryRun(file: string): Promise<number> {
  const s = await ingestFile({ fileName: file, source: fileSource(file), createHasher: nodeSha256, dryRun: true });
  return s.rows;
}

async function time<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t = performance.now();
  const value = await fn();
  return { ms: performance.now() - t, value };
}

async function benchDryRun() {
  const file = path.join(dir, 'dry.csv');
  await generateCustomers(file, DRY_ROWS, { domain: 'dry.example' });
  log(`dry run: ${DRY_ROWS.toLocaleString('en-US')} rows, ${(statSync(file).size / 1e6).toFixed(1)} MB`);
  let bare = Infinity;
  let ours = Infinity;
  // Alternate, best of 3 each, so neither side gets all the warm caches.
  for (let i = 0; i < 3; i++) {
    const b = await time(() => bareCsvParse(file));
    const o = await time(() => dryRun(file));
    if (b.value !== DRY_ROWS || o.value !== DRY_ROWS) throw new Error(`row counts differ: bare ${b.value}, dry run ${o.value}`);
    bare = Math.min(bare, b.ms);
    ours = Math.min(ours, o.ms);
  }
  const bareRps = (DRY_ROWS * 1000) / bare;
  const oursRps = (DRY_ROWS * 1000) / ours;
  results.dryRun = { rows: DRY_ROWS, bareCsvParseRowsPerSecond: Math.round(bareRps), dryRunRowsPerSecond: Math.round(oursRps), ratio: +(oursRps / bareRps).toFixed(2), target: 0.5 };
  log(`  bare csv-parse ${Math.round(bareRps).toLocaleString('en-US')} rows/s, dry run ${Math.round(oursRps).toLocaleString('en-US')} rows/s → ratio ${(oursRps / bareRps).toFixed(2)} (target ≥ 0.5)`);
}

async function benchEndToEnd() {
  const stack = await startLocalStack({ inMemory: true, dataDir: path.join(dir, 'stack'), port: 0, tlsPort: null, quiet: true });
  try {
    const client = stackClients(stack).api;
    const ddb = DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: stack.dynamodb.endpoint, region: stack.dynamodb.region, credentials: stack.dynamodb.credentials }));

    // Warm both paths (JIT, JVM) on a small file first.
    log(`end to end: ${E2E_ROWS.toLocaleString('en-US')} rows a round, batches of ${MAX_BATCH_ROWS}, concurrency ${CONCURRENCY}; 1 warm-up round + ${ROUNDS} measured, order alternating`);
    const e2eOnce = async (round: number) => {
      const file = path.join(dir, `e2e-${round}.csv`);
      await generateCustomers(file, E2E_ROWS, { domain: `e2e${round}.example` });
      const e2e = await time(() => ingestFile({ fileName: file, source: fileSource(file), createHasher: nodeSha256, client, concurrency: CONCURRENCY, batchSize: MAX_BATCH_ROWS }));
      if (e2e.value.created !== E2E_ROWS) throw new Error(`expected ${E2E_ROWS} created, got ${e2e.value.created}`);
      return (E2E_ROWS * 1000) / e2e.ms;
    };

    // The same items, straight to DynamoDB Local: per batch the customers, their email claims,
    // a batch marker and the ingestion counter update — 2 items a row + 2, as the resolver writes.
    const batches: number[][] = [];
    for (let i = 0; i < E2E_ROWS; i += MAX_BATCH_ROWS) batches.push(Array.from({ length: Math.min(MAX_BATCH_ROWS, E2E_ROWS - i) }, (_, k) => i + k));
    const rawOnce = async (round: number) => {
      const ingestionId = randomUUID();
      const now = new Date().toISOString();
      const writeBatch = async (rows: number[], batchNumber: number) => {
        const items: NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']> = [];
        for (const n of rows) {
          const [email, name, phone, company, country, signupDate, notes] = customerRow(n, { domain: `raw${round}.example` }).split(',');
          const id = randomUUID();
          items.push({
            Put: {
              TableName: stack.tableNames.Customers,
              Item: { id, email, name, phone, company, country, signupDate, notes, version: 1, createdAt: now, updatedAt: now, ingestionId, rowNumber: n + 2 },
              ConditionExpression: 'attribute_not_exists(id)',
            },
          });
          items.push({
            Put: {
              TableName: stack.tableNames.Uniques,
              Item: { key: `customer.email#${email}`, kind: 'UNIQUE', model: 'Customer', field: 'email', ownerId: id, ingestionId, rowNumber: n + 2, run: 0 },
              ConditionExpression: 'attribute_not_exists(#k)',
              ExpressionAttributeNames: { '#k': 'key' },
            },
          });
        }
        items.push({
          Put: {
            TableName: stack.tableNames.Ingestions,
            Item: { pk: ingestionId, sk: `BATCH#C#${batchNumber}`, kind: 'BATCH', batchNumber, outcomes: rows.map((n) => ({ rowNumber: n + 2, status: 'CREATED', id: 'x' })) },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        });
        items.push({
          Update: { TableName: stack.tableNames.Ingestions, Key: { pk: ingestionId, sk: 'META' }, UpdateExpression: 'ADD created :n, batches :one', ExpressionAttributeValues: { ':n': rows.length, ':one': 1 } },
        });
        await ddb.send(new TransactWriteCommand({ TransactItems: items }));
      };
      const raw = await time(async () => {
        let next = 0;
        await Promise.all(
          Array.from({ length: CONCURRENCY }, async () => {
            while (next < batches.length) {
              const i = next++;
              await writeBatch(batches[i]!, i + 1);
            }
          }),
        );
      });
      return (E2E_ROWS * 1000) / raw.ms;
    };

    // DynamoDB Local's JVM compiles its hot paths during the first few thousand writes: whichever side
    // ran first would pay for it. So one unmeasured round warms both paths, then the measured rounds
    // alternate which side goes first, and the median ratio is reported.
    const rounds: { e2e: number; raw: number; ratio: number }[] = [];
    for (let round = 0; round <= ROUNDS; round++) {
      let e2eRps: number;
      let rawRps: number;
      if (round % 2 === 0) {
        e2eRps = await e2eOnce(round);
        rawRps = await rawOnce(round);
      } else {
        rawRps = await rawOnce(round);
        e2eRps = await e2eOnce(round);
      }
      const ratio = e2eRps / rawRps;
      log(`  ${round === 0 ? 'warm-up' : `round ${round}`}: foreman ingest ${Math.round(e2eRps).toLocaleString('en-US')} rows/s (hash + scan + send), raw TransactWriteItems ${Math.round(rawRps).toLocaleString('en-US')} rows/s → ratio ${ratio.toFixed(2)}`);
      if (round > 0) rounds.push({ e2e: Math.round(e2eRps), raw: Math.round(rawRps), ratio: +ratio.toFixed(2) });
    }
    const sorted = rounds.map((r) => r.ratio).sort((a, b) => a - b);
    const median = sorted[Math.floor(sorted.length / 2)]!;
    results.endToEnd = { rows: E2E_ROWS, concurrency: CONCURRENCY, rounds, medianRatio: median, target: 0.8 };
    log(`  median ratio ${median.toFixed(2)} over ${ROUNDS} rounds (target ≥ 0.8)`);
    ddb.destroy();
  } finally {
    await stack.stop();
  }
}

/** Peak RSS (VmHWM) of a child process, polled from /proc until it exits. */
function runAndWatchRss(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; peakKb: number; stdout: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, ...env } });
    let peakKb = 0;
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    const timer = setInterval(() => {
      try {
        const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
        if (m) peakKb = Math.max(peakKb, Number(m[1]));
      } catch {
        // exited between polls
      }
    }, 100);
    child.on('error', reject);
    child.on('close', (code) => {
      clearInterval(timer);
      resolve({ code, peakKb, stdout });
    });
  });
}

async function benchRss() {
  if (RSS_ROWS <= 0) return;
  const file = path.join(dir, 'rss.csv');
  await generateCustomers(file, RSS_ROWS, { domain: 'rss.example' });
  const small = path.join(dir, 'rss-small.csv');
  await generateCustomers(small, 1_000, { domain: 'rss-small.example' });
  const stack = await startLocalStack({ inMemory: true, dataDir: path.join(dir, 'rss-stack'), port: 0, tlsPort: null, quiet: true });
  try {
    const bin = path.join(ROOT, 'bin/foreman.js');
    const flags = ['--endpoint', stack.graphqlUrl, '--json', '--concurrency', String(CONCURRENCY)];
    const env = await importerEnv(stack);
    log(`peak RSS: foreman ingest of 1,000 then ${RSS_ROWS.toLocaleString('en-US')} rows (${(statSync(file).size / 1e6).toFixed(1)} MB), client process only`);
    const a = await runAndWatchRss([bin, 'ingest', small, ...flags], env);
    const b = await runAndWatchRss([bin, 'ingest', file, ...flags], env);
    const summary = JSON.parse(b.stdout) as { created: number; rowsPerSecond: number; durationMs: number };
    results.rss = { smallRows: 1000, smallPeakMb: +(a.peakKb / 1024).toFixed(1), rows: RSS_ROWS, peakMb: +(b.peakKb / 1024).toFixed(1), created: summary.created, rowsPerSecond: Math.round(summary.rowsPerSecond), sendSeconds: Math.round(summary.durationMs / 1000) };
    log(`  1,000 rows: ${(a.peakKb / 1024).toFixed(1)} MB; ${RSS_ROWS.toLocaleString('en-US')} rows: ${(b.peakKb / 1024).toFixed(1)} MB peak RSS, ${summary.created.toLocaleString('en-US')} created at ${Math.round(summary.rowsPerSecond)} rows/s`);
  } finally {
    await stack.stop();
  }
}

/**
 * Peak RSS of `foreman ingest` for a 10,000-row and a 100,000-row .xlsx workbook (the same rows as
 * the CSV generator's, the date column as Excel date cells): the streaming reader keeps memory flat
 * in the sheet's length; issue 10's target is the big one within 1.5× of the small one.
 */
async function benchXlsxRss() {
  const small = 10_000;
  const big = 100_000;
  const write = (rows: number, file: string) => {
    const sheetRows: XCell[][] = [GENERATED_HEADER.split(',')];
    for (let n = 0; n < rows; n++) {
      const cells: XCell[] = customerRow(n, { domain: `xlsx${rows}.example` }).split(',');
      cells[5] = dateCell(cells[5] as string);
      sheetRows.push(cells);
    }
    writeFileSync(file, writeXlsx([{ name: 'Customers', rows: sheetRows }]));
  };
  const smallFile = path.join(dir, 'rss-small.xlsx');
  const bigFile = path.join(dir, 'rss-big.xlsx');
  write(small, smallFile);
  write(big, bigFile);
  const stack = await startLocalStack({ inMemory: true, dataDir: path.join(dir, 'xlsx-stack'), port: 0, tlsPort: null, quiet: true });
  try {
    const bin = path.join(ROOT, 'bin/foreman.js');
    const flags = ['--endpoint', stack.graphqlUrl, '--json', '--concurrency', String(CONCURRENCY)];
    const env = await importerEnv(stack);
    log(`peak RSS: foreman ingest of a ${small.toLocaleString('en-US')}-row and a ${big.toLocaleString('en-US')}-row .xlsx (${(statSync(smallFile).size / 1e6).toFixed(1)} and ${(statSync(bigFile).size / 1e6).toFixed(1)} MB), client process only`);
    const a = await runAndWatchRss([bin, 'ingest', smallFile, ...flags], env);
    const b = await runAndWatchRss([bin, 'ingest', bigFile, ...flags], env);
    const created = [a, b].map((r) => (JSON.parse(r.stdout) as { created: number }).created);
    if (created[0] !== small || created[1] !== big) throw new Error(`expected ${small} and ${big} created, got ${created.join(' and ')}`);
    const ratio = +(b.peakKb / a.peakKb).toFixed(2);
    results.xlsxRss = { smallRows: small, smallPeakMb: +(a.peakKb / 1024).toFixed(1), rows: big, peakMb: +(b.peakKb / 1024).toFixed(1), ratio, target: 1.5 };
    log(`  ${small.toLocaleString('en-US')} rows: ${(a.peakKb / 1024).toFixed(1)} MB; ${big.toLocaleString('en-US')} rows: ${(b.peakKb / 1024).toFixed(1)} MB peak RSS — ${ratio}× (target ≤ 1.5×)`);
  } finally {
    await stack.stop();
  }
}

/** The environment that signs `foreman ingest` in to `stack` as an importer of the local user pool (no API key mode: docs/auth.md). */
async function importerEnv(stack: LocalStack): Promise<NodeJS.ProcessEnv> {
  if (!stack.userPool.findUser('bench')) await stack.userPool.addUser({ username: 'bench', groups: ['importers'] });
  const tokens = await stack.userPool.issueTokens('bench', { origin: new URL(stack.graphqlUrl).origin });
  return { FOREMAN_ID_TOKEN: tokens.IdToken, FOREMAN_GRAPHQL_URL: '', FOREMAN_API_KEY: '' };
}

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/** Spawns the CLI and resolves when `ready(stdout)` holds (ms since spawn), or when it exits. */
function timeCli(args: string[], cwd: string, ready: ((stdout: string) => boolean) | null, env: NodeJS.ProcessEnv = {}): Promise<{ ms: number; child: ReturnType<typeof spawn>; code: number | null }> {
  const started = performance.now();
  const child = spawn(process.execPath, [path.join(ROOT, 'bin/foreman.js'), ...args], { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (ready?.(out)) resolve({ ms: performance.now() - started, child, code: null });
    });
    child.once('exit', (code) => {
      if (ready && !ready(out)) reject(new Error(`foreman ${args[0]} exited ${code}: ${err.trim().slice(-500)}`));
      else resolve({ ms: performance.now() - started, child, code });
    });
  });
}

/**
 * The CLI's own start-up: `foreman --help` and `foreman models` (no stack, no network) run from the
 * compiled CLI (build/cli, FOREMAN_RUNTIME=compiled) and from the TypeScript sources through tsx
 * (FOREMAN_RUNTIME=tsx), alternating which goes first, median of 5 after a warm-up pair.
 */
async function benchCliStart() {
  const RUNS = 5;
  const { buildCli, compiledCli } = (await import(path.join(ROOT, 'clients/cli/build.js'))) as { buildCli(): Promise<unknown>; compiledCli(): { entry: string } | { reason: string } };
  if (!('entry' in compiledCli())) await buildCli();
  log(`CLI start-up: compiled ÷ tsx, median of ${RUNS} alternating runs after a warm-up pair`);
  const bare: number[] = [];
  for (let i = 0; i <= RUNS; i += 1) {
    const t = performance.now();
    await new Promise((r) => spawn(process.execPath, ['-e', '0'], { stdio: 'ignore' }).once('exit', r));
    if (i > 0) bare.push(performance.now() - t);
  }
  const rows: Record<string, unknown> = { bareNodeMs: Math.round(median(bare)) };
  for (const args of [['--help'], ['models']]) {
    const times: Record<'compiled' | 'tsx', number[]> = { compiled: [], tsx: [] };
    for (let i = 0; i <= RUNS; i += 1) {
      const order: ('compiled' | 'tsx')[] = i % 2 ? ['compiled', 'tsx'] : ['tsx', 'compiled'];
      for (const runtime of order) {
        const run = await timeCli(args, ROOT, null, { FOREMAN_RUNTIME: runtime });
        if (run.code !== 0) throw new Error(`foreman ${args.join(' ')} (${runtime}) exited ${run.code}`);
        if (i > 0) times[runtime].push(run.ms);
      }
    }
    const [c, t] = [median(times.compiled), median(times.tsx)];
    rows[args[0]!.replace(/^--/, '')] = { compiledMs: Math.round(c), tsxMs: Math.round(t), ratio: +(c / t).toFixed(2) };
    log(`  foreman ${args.join(' ').padEnd(7)} compiled ${(c / 1000).toFixed(2)} s, tsx ${(t / 1000).toFixed(2)} s: compiled ÷ tsx = ${(c / t).toFixed(2)} (bare node -e 0: ${(median(bare) / 1000).toFixed(2)} s)`);
  }
  results.cliStart = rows;
}

async function benchStartup() {
  const { startDynamoDbLocal } = await import('../../infra/local/dynamodb/local');
  const RUNS = 5;
  log(`start-up: median of ${RUNS} after one warm-up run (2 shared cores; other processes may load the machine)`);
  const bare: number[] = [];
  for (let i = 0; i <= RUNS; i += 1) {
    const t = performance.now();
    const ddb = await startDynamoDbLocal({ inMemory: false, dataDir: path.join(dir, 'bare-ddb'), quiet: true });
    if (i > 0) bare.push(performance.now() - t);
    await ddb.stop();
  }
  const serveDir = path.join(dir, 'serve-data');
  const serve: number[] = [];
  for (let i = 0; i <= RUNS; i += 1) {
    const run = await timeCli(['serve', '--port', '0', '--no-tls', '--data-dir', serveDir], ROOT, (out) => out.includes('Press Ctrl-C to stop.'));
    if (i > 0) serve.push(run.ms);
    const exited = new Promise((r) => run.child.once('exit', r));
    run.child.kill('SIGINT');
    await exited;
  }
  // `foreman ingest` with no endpoint configured starts the embedded stack itself; one batch's worth
  // of rows, a new file each run (the same bytes again would be a duplicate), the same folder so its
  // .foreman caches stay warm.
  const cwd = path.join(dir, 'ingest-cwd');
  const { mkdirSync } = await import('node:fs');
  mkdirSync(cwd, { recursive: true });
  const ingest: number[] = [];
  for (let i = 0; i <= RUNS; i += 1) {
    const file = path.join(cwd, `batch-${i}.csv`);
    await generateCustomers(file, 40, { domain: `startup${i}.example` });
    const run = await timeCli(['ingest', file, '--json'], cwd, null);
    if (run.code !== 0) throw new Error(`foreman ingest exited ${run.code}`);
    if (i > 0) ingest.push(run.ms);
  }
  results.startup = { bareDynamoDbLocalMs: Math.round(median(bare)), serveReadyMs: Math.round(median(serve)), serveRatio: +(median(serve) / median(bare)).toFixed(2), embeddedIngestOneBatchMs: Math.round(median(ingest)) };
  log(`  bare DynamoDB Local ready: ${(median(bare) / 1000).toFixed(2)} s (in-process, no Node start-up)`);
  log(`  foreman serve ready:       ${(median(serve) / 1000).toFixed(2)} s (spawn → banner; goal < 3 s) = ${(median(serve) / median(bare)).toFixed(2)}× bare`);
  log(`  foreman ingest, 1 batch:   ${(median(ingest) / 1000).toFixed(2)} s (spawn → exit on the embedded stack: start, first batch, stop)`);
}

async function benchCheck() {
  const stack = await startLocalStack({ inMemory: true, dataDir: path.join(dir, 'check-stack'), port: 0, tlsPort: null, quiet: true });
  try {
    const client = stackClients(stack).api;
    const rows = E2E_ROWS;
    const half = Math.floor(rows / 2);
    // Already there: the first half of the file's customers.
    const existing = path.join(dir, 'check-existing.csv');
    await generateCustomers(existing, half, { domain: 'check.example' });
    const seeded = await ingestFile({ fileName: existing, source: fileSource(existing), createHasher: nodeSha256, client, concurrency: CONCURRENCY });
    if (seeded.created !== half) throw new Error(`expected ${half} created, got ${seeded.created}`);
    // The file: the same first half (duplicates), then new customers.
    const file = path.join(dir, 'check.csv');
    await writeFile(file, [GENERATED_HEADER, ...Array.from({ length: rows }, (_, n) => customerRow(n, { domain: n < half ? 'check.example' : 'check-new.example' }))].join('\n') + '\n');
    const run = (dryRun: boolean, withApi: boolean) => time(() => ingestFile({ fileName: file, source: fileSource(file), createHasher: nodeSha256, client: withApi ? client : undefined, dryRun, concurrency: CONCURRENCY }));
    const offline = await run(true, false);
    const dry = await run(true, true);
    const real = await run(false, true);
    const predicted = { created: dry.value.check!.wouldCreate, duplicates: dry.value.duplicates, invalid: dry.value.invalid };
    const actual = { created: real.value.created, duplicates: real.value.duplicates, invalid: real.value.invalid };
    const rps = (ms: number) => Math.round((rows * 1000) / ms);
    results.dryRunCheck = {
      rows,
      concurrency: CONCURRENCY,
      offlineDryRunRowsPerSecond: rps(offline.ms),
      checkedDryRunRowsPerSecond: rps(dry.ms),
      realRunRowsPerSecond: rps(real.ms),
      checkedDryRunOverRealRun: +(real.ms / dry.ms).toFixed(2),
      predicted,
      actual,
      same: JSON.stringify(predicted) === JSON.stringify(actual),
    };
    log(`dry run with the API's check: ${rows.toLocaleString('en-US')} rows (half of them existing customers), concurrency ${CONCURRENCY}`);
    log(`  dry run without an API ${rps(offline.ms).toLocaleString('en-US')} rows/s, with the check ${rps(dry.ms).toLocaleString('en-US')} rows/s, the real run ${rps(real.ms).toLocaleString('en-US')} rows/s`);
    log(`  predicted ${JSON.stringify(predicted)}, the real run ${JSON.stringify(actual)}`);
  } finally {
    await stack.stop();
  }
}

try {
  if (!only || only === 'dry') await benchDryRun();
  if (!only || only === 'e2e') await benchEndToEnd();
  if (!only || only === 'rss') await benchRss();
  if (!only || only === 'xlsx') await benchXlsxRss();
  if (!only || only === 'cli') await benchCliStart();
  if (!only || only === 'startup') await benchStartup();
  if (!only || only === 'check') await benchCheck();
  log(JSON.stringify(results, null, 2));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
