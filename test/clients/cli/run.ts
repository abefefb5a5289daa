/**
 * Runs `node bin/foreman.js …` as a user would, capturing output and exit code. The environment
 * names no endpoint, and dry runs ask no API (FOREMAN_OFFLINE=1: a dry run would otherwise start
 * an embedded local stack in the repository, as `foreman ingest` does): a test of the dry run's
 * server check passes `env: { FOREMAN_OFFLINE: '' }` and an endpoint.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';

export const ROOT = path.resolve(import.meta.dirname, '../../..');
export const BIN = path.join(ROOT, 'bin/foreman.js');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function runCli(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; stdin?: string } = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const env = { ...process.env, FOREMAN_GRAPHQL_URL: '', FOREMAN_API_KEY: '', FOREMAN_OFFLINE: '1', ...options.env };
    const child = spawn(process.execPath, [BIN, ...args], { cwd: options.cwd ?? ROOT, env, stdio: [options.stdin === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
    child.stdin?.end(options.stdin);
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
