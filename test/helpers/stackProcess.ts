/**
 * Starts the local stack in a child process, so that its resident memory is its own and can be
 * read from /proc/<pid>/status (a memory bound, never a time bound).
 *
 * @example
 * const stack = await startStackProcess({ limits: { connectionInitTimeoutMs: 200 } });
 * expect(stack.rssBytes()).toBeLessThan(300 * 1024 * 1024);
 * await stack.stop();
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { repoRoot } from '../../infra/bundle';
import type { LocalStackOptions } from '../../infra/local/contracts';

export interface StackProcess {
  graphqlUrl: string;
  realtimeUrl: string;
  apiKey: string;
  /** An ID token of the stack's built-in admin (`Authorization` header). */
  token: string;
  pid: number;
  /** VmRSS of the stack's process, in bytes. */
  rssBytes(): number;
  alive(): boolean;
  stop(): Promise<void>;
}

export function rssOf(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = /^VmRSS:\s+(\d+) kB$/m.exec(status);
  if (!kb) throw new Error(`No VmRSS in /proc/${pid}/status`);
  return Number(kb[1]) * 1024;
}

export async function startStackProcess(options: LocalStackOptions = {}): Promise<StackProcess> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'foreman-stack-process-'));
  const all: LocalStackOptions = { inMemory: true, dataDir, host: '127.0.0.1', port: 0, tlsPort: null, quiet: true, ...options };
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', path.join(repoRoot, 'test/helpers/stackChild.ts'), JSON.stringify(all)], {
    cwd: repoRoot,
    stdio: ['pipe', 'pipe', 'pipe'],
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const ready = await new Promise<{ graphqlUrl: string; realtimeUrl: string; apiKey: string; token: string; pid: number }>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const line = out.split('\n')[0];
      if (out.includes('\n') && line) resolve(JSON.parse(line) as { graphqlUrl: string; realtimeUrl: string; apiKey: string; token: string; pid: number });
    });
    child.once('exit', (code) => reject(new Error(`The stack process exited (${code}) before it was ready: ${stderr}`)));
  });
  return {
    ...ready,
    rssBytes: () => rssOf(ready.pid),
    alive: () => child.exitCode === null && child.signalCode === null,
    async stop() {
      child.stdin!.end();
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      await exited;
      clearTimeout(timer);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
