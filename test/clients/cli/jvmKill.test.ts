/**
 * Issue 12's reproduction: DynamoDB Local killed (kill -9) under the local stack while `foreman
 * ingest` is sending. The stack restarts it on the same data directory and answers a transient
 * error meanwhile; the CLI waits and goes on: the ingestion completes with exact counts and one
 * customer per row. To kill it mid-run for certain, the CLI is paused (SIGSTOP) once the ingestion
 * has recorded a few batches, the JVM killed, and the CLI resumed (SIGCONT).
 *
 * The kill can land right after DynamoDB Local answered a batch's TransactWriteItems (the CLI may
 * have sent one more batch before it was paused: the server finishes it meanwhile). DynamoDB Local
 * answers a transaction before its COMMIT has run, so that batch was once lost whole (customers,
 * claims, marker, counters) while the CLI counted it created: 1,951 customers for 2,000 created. The
 * stack's client now waits for the COMMIT before answering (infra/local/dynamodb/local.ts
 * addCommitBarrier, test/infra/local/dynamodb/durability.test.ts), so the counts below are exact.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { GetIngestionDocument, ListIngestionsDocument } from '../../../clients/api/generated';
import { alive } from '../../helpers/process';
import { scanTable, stackClients, startTestStack, type TestStack } from '../../helpers/localStack';
import { BIN, ROOT } from './run';

const ROWS = 2000;
let stack: TestStack;
let dir: string;

beforeAll(async () => {
  stack = await startTestStack({ onDisk: true });
  dir = mkdtempSync(path.join(os.tmpdir(), 'foreman-jvm-kill-'));
}, 180_000);

afterAll(async () => {
  await stack?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
}, 60_000);

describe('foreman ingest while DynamoDB Local is killed under the stack', () => {
  it('completes with exact counts after the JVM is restarted', async () => {
    const file = path.join(dir, 'customers.csv');
    const rows = Array.from({ length: ROWS }, (_, i) => `kill.${i}@jvm.example,Customer ${i}`);
    writeFileSync(file, `email,name\n${rows.join('\n')}\n`);
    const token = await stack.tokenFor('jvm-killer', ['importers']);
    const cli = spawn(process.execPath, [BIN, 'ingest', file, '--endpoint', stack.graphqlUrl, '--json', '--concurrency', '1'], {
      cwd: ROOT,
      env: { ...process.env, FOREMAN_ID_TOKEN: token, FOREMAN_GRAPHQL_URL: '', FOREMAN_API_KEY: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    cli.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
    cli.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) => cli.once('close', resolve));

    // Wait until the ingestion has recorded 3 batches (of about 41), then pause the CLI.
    const { api } = stackClients(stack);
    let batchesAtPause = -1;
    while (batchesAtPause < 0) {
      const items = (await api.request(ListIngestionsDocument, { limit: 5 })).listIngestions.items;
      const mine = items.find((i) => i.fileName.endsWith('customers.csv'));
      if (mine && mine.batches >= 3) {
        cli.kill('SIGSTOP');
        batchesAtPause = (await api.request(GetIngestionDocument, { id: mine.id })).getIngestion!.batches;
      }
      expect(cli.exitCode, `the CLI ended before the JVM could be killed: ${stderr}`).toBeNull();
      await new Promise((r) => setTimeout(r, 25));
    }
    expect(batchesAtPause).toBeLessThan(Math.ceil(ROWS / 49));
    const jvm = stack.dynamodbPid();
    process.kill(jvm, 'SIGKILL');
    cli.kill('SIGCONT');

    const code = await exited;
    expect(code, `${stderr}\n${stdout}`).toBe(0);
    const summary = JSON.parse(stdout) as {
      created: number;
      duplicates: number;
      invalid: number;
      ingestionId: string;
      server: { created: number; duplicates: number; invalid: number } | null;
    };
    expect([summary.created, summary.duplicates, summary.invalid]).toEqual([ROWS, 0, 0]);
    // The ingestion's own counters (written in each batch's transaction) agree with the CLI's.
    expect(summary.server && [summary.server.created, summary.server.duplicates, summary.server.invalid]).toEqual([ROWS, 0, 0]);
    // a new JVM serves the same data directory
    expect(alive(jvm)).toBe(false);
    expect(stack.dynamodbPid()).not.toBe(jvm);
    const customers = (await scanTable(stack, stack.tableNames.Customers!)).filter((c) => String(c.email).endsWith('@jvm.example'));
    expect(customers).toHaveLength(ROWS);
    expect(new Set(customers.map((c) => c.email)).size).toBe(ROWS);
  }, 600_000);
});
