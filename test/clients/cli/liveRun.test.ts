/**
 * The real `foreman ingest` on the real local stack (issue 10, point 5): sends retried under a live
 * bar on a real pseudo-terminal (util-linux `script`) leave a readable screen, and after Ctrl-C the
 * summary names exactly the rows that were not sent.
 */
import { spawn } from 'node:child_process';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { subscribe } from '../../../clients/api/subscribe';
import { OnIngestionsChangedDocument } from '../../../clients/api/generated';
import { startTestStack, type TestStack } from '../../helpers/localStack';
import { screen } from '../../helpers/terminal';
import { BIN } from './run';

let stack: TestStack;
let dir: string;
beforeAll(async () => {
  stack = await startTestStack();
  dir = mkdtempSync(path.join(os.tmpdir(), 'foreman-live-'));
});
afterAll(async () => {
  await stack?.stop();
  rmSync(dir, { recursive: true, force: true });
});

function customers(file: string, n: number, domain: string): string {
  const lines = ['email,name'];
  for (let i = 1; i <= n; i++) lines.push(`c${i}@${domain},Customer ${i}`);
  const full = path.join(dir, file);
  writeFileSync(full, `${lines.join('\n')}\n`);
  return full;
}

/**
 * A proxy to the stack's GraphQL endpoint that answers HTTP 503 (as AppSync does when it is
 * briefly unavailable) instead of forwarding the import mutations numbered in `failing`.
 */
async function flakyProxy(failing: Set<number>): Promise<{ url: string; server: Server; failed: () => number }> {
  const target = new URL(stack.graphqlUrl);
  let imports = 0;
  let failed = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      if (body.includes('mutation ImportCustomers') && failing.has(++imports)) {
        failed++;
        res.writeHead(503, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ errors: [{ errorType: 'ServiceUnavailable', message: 'Service Unavailable' }] }));
        return;
      }
      const forward = request({ host: target.hostname, port: target.port, path: target.pathname, method: req.method, headers: { ...req.headers, host: target.host } }, (upstream) => {
        res.writeHead(upstream.statusCode ?? 502, upstream.headers);
        upstream.pipe(res);
      });
      forward.end(body);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`, server, failed: () => failed };
}

describe('foreman ingest on a terminal', () => {
  it('prints each retry notice whole, on its own line above the bar, and ends with a clean summary', { timeout: 180_000 }, async () => {
    const file = customers('retried.csv', 300, 'retry.example');
    const proxy = await flakyProxy(new Set([2, 3, 5]));
    try {
      // `script` gives the CLI a real pseudo-terminal (stdout and stderr both on it) and copies the screen bytes to its stdout.
      const command = [process.execPath, BIN, 'ingest', file, '--batch-size', '20', '--concurrency', '1', '--endpoint', proxy.url].map((a) => `'${a}'`).join(' ');
      const token = await stack.tokenFor('foreman-admin', ['admins']);
      const child = spawn('script', ['-qfec', command, '/dev/null'], { cwd: dir, env: { ...process.env, FOREMAN_GRAPHQL_URL: '', FOREMAN_API_KEY: '', FOREMAN_ID_TOKEN: token, COLUMNS: '120' } });
      let raw = '';
      child.stdout.on('data', (d: Buffer) => (raw += d.toString()));
      const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
      expect(code).toBe(0);
      expect(proxy.failed()).toBe(3);

      const lines = screen(raw);
      const retries = lines.filter((l) => l.includes('retrying'));
      // One batch at a time: import requests 2 and 3 are batch 2's first two tries, request 5 is
      // batch 3's first. Three notices, each a whole line of its own.
      expect(retries.map((l) => /^retrying (batch \d+) in \d+\.\d s \((attempt \d)\): HTTP 503 from http:\/\/127\.0\.0\.1:\d+\/graphql: ServiceUnavailable: Service Unavailable$/.exec(l)?.slice(1).join(' '))).toEqual([
        'batch 2 attempt 2',
        'batch 2 attempt 3',
        'batch 3 attempt 2',
      ]);
      // The bar never shares a line with anything else, and only its final state stays on screen.
      expect(lines.filter((l) => l.includes('░') || l.includes('█')).map((l) => l.split(' ')[0])).toEqual(['checked', 'done']);
      expect(lines.find((l) => l.startsWith('done'))).toMatch(/^done {6}█+ 100% \| 300\/300 rows \| [\d,]+ rows\/s \| \d+s elapsed$/);
      expect(lines).toContain('          created 300 | duplicate 0 | invalid 0');
      expect(lines.some((l) => /^Done in [\d.]+ s \([\d,]+ rows\/s\): 300 rows — 300 created, 0 duplicate, 0 invalid\.$/.test(l))).toBe(true);
      // The summary comes after the bar, and the "Ingestion" line before it.
      const at = (re: RegExp) => lines.findIndex((l) => re.test(l));
      expect(at(/^Ingestion {2}/)).toBeLessThan(at(/^done /));
      expect(at(/^done /)).toBeLessThan(at(/^Done in /));
    } finally {
      await new Promise<void>((r) => proxy.server.close(() => r()));
    }
  });
});

describe('foreman ingest stopped with Ctrl-C', () => {
  it('finishes the batches in flight and lists the row ranges not sent; created and not sent make up the file', { timeout: 300_000 }, async () => {
    const rows = 20_000;
    const file = customers('interrupted.csv', rows, 'sigint.example');
    const idsFile = path.join(dir, 'ids.csv');
    const token = await stack.tokenFor('foreman-admin', ['admins']);
    const child = spawn(process.execPath, [BIN, 'ingest', file, '--json', '--ids-out', idsFile, '--concurrency', '2', '--endpoint', stack.graphqlUrl], {
      cwd: dir,
      env: { ...process.env, FOREMAN_GRAPHQL_URL: '', FOREMAN_API_KEY: '', FOREMAN_ID_TOKEN: token },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const closed = new Promise<number | null>((resolve) => child.on('close', resolve));
    // Ctrl-C once the first batches are written (the terminal sends SIGINT to the process).
    const stop = subscribe({ url: stack.graphqlUrl, auth: { mode: 'AMAZON_COGNITO_USER_POOLS', token } }, OnIngestionsChangedDocument, {}, {
      next: ({ onIngestionsChanged }) => {
        if (onIngestionsChanged && onIngestionsChanged.processed > 0 && child.exitCode === null && !child.killed) {
          child.kill('SIGINT');
          stop();
        }
      },
    });
    await stop.ready;
    const code = await closed;
    stop();

    expect(code).toBe(1);
    const summary = JSON.parse(stdout) as { outcome: string; rows: number; created: number; unsent: number; unsentRows: { from: number; to: number }[] };
    expect(summary.outcome).toBe('FAILED');
    expect(summary.rows).toBe(rows);
    expect(summary.unsent).toBeGreaterThan(0);
    expect(summary.created + summary.unsent).toBe(rows);

    // The file has no blank lines, so the ranges hold exactly the unsent rows, and with the
    // created rows (from --ids-out) they cover spreadsheet rows 2…20,001 once each.
    const unsent = summary.unsentRows.flatMap((r) => Array.from({ length: r.to - r.from + 1 }, (_, i) => r.from + i));
    expect(unsent).toHaveLength(summary.unsent);
    const created = readFileSync(idsFile, 'utf8')
      .trim()
      .split('\r\n')
      .slice(1)
      .map((l) => Number(l.split(',')[0]));
    expect(created).toHaveLength(summary.created);
    expect([...created, ...unsent].sort((a, b) => a - b)).toEqual(Array.from({ length: rows }, (_, i) => i + 2));

    const n = (v: number) => v.toLocaleString('en-US');
    const ranges = summary.unsentRows.map((r) => (r.from === r.to ? n(r.from) : `${n(r.from)}–${n(r.to)}`)).join(', ');
    expect(stderr).toContain('stopping after the batches in flight; run the same command again to resume');
    expect(stderr).toContain(`Not sent (${n(summary.unsent)}): rows ${ranges}.`);
    expect(stderr).toContain('Running the same command again sends them.');
  });
});
