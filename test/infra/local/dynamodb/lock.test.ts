// dynamodb.lock names its owner by pid and process start time: a live process under a reused pid
// is not mistaken for the owner, an old plain-pid lock still reads, and a JVM orphaned by a dead
// owner is stopped before the new owner takes the files.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { lockOwner, lockPath, processStartTime, readLock, takeLock } from '../../../../infra/local/dynamodb/lock';
import { alive } from '../../../helpers/process';

const dirs: string[] = [];
const temp = (): string => {
  const d = mkdtempSync(path.join(os.tmpdir(), 'lock-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function sleeper() {
  const child = spawn('sleep', ['60'], { stdio: 'ignore' });
  return child;
}

describe('dynamodb.lock', () => {
  it('reads the start time of a live process from /proc, and none for a dead pid', () => {
    expect(processStartTime(process.pid)).toMatch(/^\d+$/);
    expect(processStartTime(2 ** 22 + 7)).toBeNull();
  });

  it('a live owner with the recorded start time owns the lock; the same pid with another start time does not', () => {
    const dir = temp();
    const other = sleeper();
    try {
      const startTime = processStartTime(other.pid!);
      writeFileSync(lockPath(dir), JSON.stringify({ pid: other.pid, startTime }));
      expect(lockOwner(dir)?.pid).toBe(other.pid);
      // The pid was reused by another process since the lock was written.
      writeFileSync(lockPath(dir), JSON.stringify({ pid: other.pid, startTime: String(Number(startTime) - 1) }));
      expect(lockOwner(dir)).toBeNull();
    } finally {
      other.kill();
    }
  });

  it('reads an old plain-pid lock as a pid without start time', () => {
    const dir = temp();
    writeFileSync(lockPath(dir), '12345\n');
    expect(readLock(dir)).toEqual({ pid: 12345, startTime: null });
  });

  it("stops the JVM a dead owner left behind before taking the lock, and records itself", async () => {
    const dir = temp();
    const orphan = sleeper();
    writeFileSync(lockPath(dir), JSON.stringify({ pid: 2 ** 22 + 7, startTime: '1', jvm: { pid: orphan.pid, startTime: processStartTime(orphan.pid!) } }));
    const gone = new Promise((r) => orphan.once('exit', r));
    await takeLock(dir);
    await gone;
    expect(alive(orphan.pid!)).toBe(false);
    expect(readLock(dir)).toMatchObject({ pid: process.pid });
  });
});
