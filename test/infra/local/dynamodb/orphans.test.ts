// No DynamoDB Local JVM outlives the process that started it, whether that process is interrupted
// (Ctrl-C), terminated, or exits on its own.
import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { alive } from '../../../helpers/process';

const script = fileURLToPath(new URL('./holdDynamoDb.ts', import.meta.url));

async function gone(pid: number): Promise<boolean> {
  // The JVM needs a moment to act on the signal; give it up to 30 s before calling it an orphan.
  for (let i = 0; i < 300 && alive(pid); i += 1) await new Promise((r) => setTimeout(r, 100));
  return !alive(pid);
}

async function startHolder(): Promise<{ child: ReturnType<typeof spawn>; jvm: number }> {
  const child = spawn(process.execPath, ['--import', 'tsx', script], { stdio: ['ignore', 'pipe', 'ignore'] });
  const jvm = await new Promise<number>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /^(\d+)\n/.exec(out);
      if (m) resolve(Number(m[1]));
    });
    child.once('exit', (code) => reject(new Error(`holder exited early (${code})`)));
  });
  return { child, jvm };
}

describe('DynamoDB Local never outlives its parent', () => {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    it(`kills the JVM when the parent gets ${signal}`, async () => {
      const { child, jvm } = await startHolder();
      expect(alive(jvm)).toBe(true);
      const exited = new Promise<NodeJS.Signals | null>((resolve) => child.once('exit', (_code, sig) => resolve(sig)));
      child.kill(signal);
      // The parent still dies of the signal (our handler re-raises it) …
      expect(await exited).toBe(signal);
      // … and takes the JVM with it.
      expect(await gone(jvm)).toBe(true);
    });
  }
});
