/**
 * `<dataDir>/server.json`: how a `foreman serve` announces itself while it serves, so that
 * `foreman ingest` and `foreman watch` reuse it. Apart from stack.ts so that the CLI can read the
 * record without loading the local AppSync.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** What `foreman serve` writes to `<dataDir>/server.json`. */
export interface ServerRecord {
  graphqlUrl: string;
  realtimeUrl: string;
  apiKey: string;
  pid: number;
}

/** The record's path for a data directory. */
export function serverRecordPath(dataDir: string): string {
  return path.resolve(dataDir, 'server.json');
}

/** Is a process with this pid alive (signal 0 checks without signalling; EPERM means it exists)? */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * The record as written, or null when there is none or it cannot be read (a half-written file).
 * Its fields are not checked: callers decide what they need (and whether its process is alive).
 */
export function readServerRecord(dataDir: string): Partial<ServerRecord> | null {
  const file = serverRecordPath(dataDir);
  if (!existsSync(file)) return null;
  try {
    const record: unknown = JSON.parse(readFileSync(file, 'utf8'));
    return record !== null && typeof record === 'object' ? (record as Partial<ServerRecord>) : null;
  } catch {
    return null;
  }
}
