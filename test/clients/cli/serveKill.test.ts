// `kill -9` of `foreman serve` leaves no DynamoDB Local behind (the watchdog outside our process
// stops the JVM), and a restart on the same data directory works despite the stale lock and
// server record the killed process left — with the data it had written.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { LockRecord } from '../../../infra/local/dynamodb/lock';
import { alive } from '../../helpers/process';
import { BIN, ROOT } from './run';

interface Served {
  child: ChildProcess;
  url: string;
  key: string;
}

async function serve(dataDir: string): Promise<Served> {
  const child = spawn(process.execPath, [BIN, 'serve', '--api', 'examples/todo-api', '--port', '0', '--no-tls', '--data-dir', dataDir], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      stdout += d.toString();
      if (stdout.includes('Press Ctrl-C to stop.')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`serve exited early with ${code}: ${stderr}`)));
  });
  return { child, url: /GraphQL\s+(http:\/\/\S+\/graphql)/.exec(stdout)![1]!, key: /API key\s+(da2-[a-z0-9]{26})/.exec(stdout)![1]! };
}

async function gql(s: Served, query: string): Promise<unknown> {
  const res = await fetch(s.url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': s.key }, body: JSON.stringify({ query }) });
  return res.json();
}

describe('foreman serve killed with SIGKILL', () => {
  it('leaves no java process within 5 s, and serves the same data dir again', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'foreman-kill9-'));
    let second: Served | null = null;
    const first = await serve(dataDir);
    try {
      const created = (await gql(first, 'mutation { createTodo(title: "survives", owner: "ada") { id } }')) as { data: { createTodo: { id: string } } };
      const id = created.data.createTodo.id;
      const lock = JSON.parse(readFileSync(path.join(dataDir, 'dynamodb.lock'), 'utf8')) as LockRecord;
      expect(lock.pid).toBe(first.child.pid);
      const jvm = lock.jvm!.pid;
      expect(alive(jvm)).toBe(true);

      const exited = new Promise((r) => first.child.once('exit', r));
      first.child.kill('SIGKILL');
      await exited;
      // A bound on cleanup, not a speed assertion: the watchdog polls once a second.
      for (let i = 0; i < 50 && alive(jvm); i += 1) await new Promise((r) => setTimeout(r, 100));
      expect(alive(jvm)).toBe(false);

      second = await serve(dataDir);
      expect(await gql(second, `{ getTodo(id: "${id}") { title } }`)).toEqual({ data: { getTodo: { title: 'survives' } } });
    } finally {
      if (first.child.exitCode === null) first.child.kill('SIGKILL');
      if (second) {
        const gone = new Promise((r) => second!.child.once('exit', r));
        second.child.kill('SIGINT');
        await gone;
      }
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 240_000);
});
