/**
 * `<dataDir>/dynamodb.lock`: DynamoDB Local's files can have one owner at a time. The lock names
 * its owner by more than a pid — pid plus the process's start time from /proc (Linux), so a pid
 * reused by an unrelated process after a crash is not mistaken for the owner — and the JVM the
 * owner started, so a JVM orphaned by a killed owner is stopped before a new one opens the files.
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export interface LockRecord {
  pid: number;
  /** /proc/<pid>/stat field 22 (clock ticks since boot); null where /proc is absent. */
  startTime: string | null;
  jvm?: { pid: number; startTime: string | null };
}

/** The process's start time as /proc reports it, or null (no /proc, or no such process). */
export function processStartTime(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: count from the last ')'.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null;
  } catch {
    return null;
  }
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Is the process that wrote this (pid, start time) still the one running under that pid? */
export function sameProcessAlive(pid: number, startTime: string | null): boolean {
  if (!Number.isInteger(pid) || pid <= 0 || !pidAlive(pid)) return false;
  if (startTime === null) return true;
  const now = processStartTime(pid);
  return now === null || now === startTime;
}

export function lockPath(dataDir: string): string {
  return path.join(dataDir, 'dynamodb.lock');
}

/** The lock's record; an old plain-pid lock reads as a pid without start time; unreadable = none. */
export function readLock(dataDir: string): LockRecord | null {
  const file = lockPath(dataDir);
  if (!existsSync(file)) return null;
  const text = readFileSync(file, 'utf8').trim();
  if (/^\d+$/.test(text)) return { pid: Number(text), startTime: null };
  try {
    const record = JSON.parse(text) as LockRecord;
    return typeof record.pid === 'number' ? record : null;
  } catch {
    return null;
  }
}

/** The live owner of `dataDir`'s lock other than us, if any. */
export function lockOwner(dataDir: string): LockRecord | null {
  const record = readLock(dataDir);
  return record && record.pid !== process.pid && sameProcessAlive(record.pid, record.startTime) ? record : null;
}

/**
 * Takes the lock (the caller checked `lockOwner` first). A JVM left behind by a dead owner is
 * stopped first (SIGTERM, then SIGKILL), waiting up to 10 s for it to go.
 */
export async function takeLock(dataDir: string): Promise<void> {
  const stale = readLock(dataDir);
  if (stale?.jvm && sameProcessAlive(stale.jvm.pid, stale.jvm.startTime)) {
    const jvm = stale.jvm;
    try {
      process.kill(jvm.pid, 'SIGTERM');
    } catch {
      // gone meanwhile
    }
    for (let i = 0; i < 100 && sameProcessAlive(jvm.pid, jvm.startTime); i += 1) {
      if (i === 50) {
        try {
          process.kill(jvm.pid, 'SIGKILL');
        } catch {
          // gone
        }
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  writeLock(dataDir, null);
}

/** Records (or updates) us as the owner, with the JVM we run now. */
export function writeLock(dataDir: string, jvmPid: number | null): void {
  const record: LockRecord = { pid: process.pid, startTime: processStartTime(process.pid) };
  if (jvmPid !== null) record.jvm = { pid: jvmPid, startTime: processStartTime(jvmPid) };
  writeFileSync(lockPath(dataDir), `${JSON.stringify(record)}\n`);
}

export function releaseLock(dataDir: string): void {
  const record = readLock(dataDir);
  if (record?.pid === process.pid) rmSync(lockPath(dataDir), { force: true });
}
