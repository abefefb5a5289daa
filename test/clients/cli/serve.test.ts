// `foreman serve` as a user runs it: it prints what to connect with, answers on the printed URL with
// the printed key, stops cleanly on Ctrl-C (SIGINT), and says plainly what is wrong when Java is
// missing or the port is taken.
import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { BIN, ROOT, runCli } from './run';

describe('foreman serve', () => {
  it('prints the URL, the user pool and IAM credentials, answers a token from `foreman users token`, and stops cleanly on Ctrl-C', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'foreman-serve-'));
    const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--no-tls', '--data-dir', dataDir], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      let stdout = '';
      await new Promise<void>((resolve, reject) => {
        child.stdout!.on('data', (d: Buffer) => {
          stdout += d.toString();
          if (stdout.includes('Press Ctrl-C to stop.')) resolve();
        });
        child.once('exit', (code) => reject(new Error(`serve exited early with ${code}`)));
      });
      const url = /GraphQL\s+(http:\/\/\S+\/graphql)/.exec(stdout)?.[1];
      // --port 0 asks the OS for a free port: the printed URL must carry the port actually bound,
      // never the 0 that was asked for.
      expect(url).toMatch(/^http:\/\/(127\.0\.0\.1|localhost):[1-9]\d{0,4}\/graphql$/);
      expect(stdout).toContain(`User pool      ${new URL(url!).origin}/cognito/`);
      // No API key: people sign in (docs/auth.md).
      expect(stdout).not.toMatch(/API key|x-api-key/);
      expect(stdout).toMatch(/AWS_ACCESS_KEY_ID=\S+/);
      expect(stdout).toContain(`curl -s ${url}`);
      const token = (await runCli(['users', 'token', 'foreman-admin', '--data-dir', dataDir])).stdout.trim();
      const res = await fetch(url!, { method: 'POST', headers: { 'content-type': 'application/json', authorization: token }, body: JSON.stringify({ query: '{ listCustomers { nextToken } }' }) });
      expect(await res.json()).toEqual({ data: { listCustomers: { nextToken: null } } });

      const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      child.kill('SIGINT');
      expect(await exit).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      rmSync(dataDir, { recursive: true, force: true });
    }
    // A fresh node + tsx + JVM on two shared cores: allow more than the default minute.
  }, 180_000);

  it('exits 1 saying Java 17 is required when java is missing', async () => {
    // node itself is started by absolute path; nothing else on PATH, so no java.
    const result = await runCli(['serve', '--in-memory', '--port', '0', '--no-tls'], { env: { PATH: '/nonexistent' } });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/foreman: Java 17 is required for DynamoDB Local: install/);
  });

  it('exits 1 naming the port when it is taken', async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as net.AddressInfo).port;
    try {
      const result = await runCli(['serve', '--in-memory', '--port', String(port), '--no-tls']);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(`foreman: Port ${port} on 127.0.0.1 is already in use`);
    } finally {
      blocker.close();
    }
  });
});
