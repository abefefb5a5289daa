/**
 * `foreman ingest` on the files issue 12's review used to break its messages: unreadable files,
 * paths that are not files, an invalid byte deep in a file, a 50 MB cell, 100,000 unmapped
 * columns. Each exits with the documented code, one plain line on stderr, and with --json one
 * JSON object on stdout.
 */
import { spawn } from 'node:child_process';
import { chmodSync, copyFileSync, createWriteStream, mkdtempSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { beforeAll, describe, expect, it } from 'vitest';
import { BIN, ROOT, runCli, type CliResult } from './run';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'foreman-messages-'));
  chmodSync(dir, 0o755);
});

/** Runs the CLI as an unprivileged user (root reads any file, so a permission test must not be root). */
function runAsNobody(args: string[]): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const asRoot = process.getuid?.() === 0;
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: ROOT,
      env: { ...process.env, FOREMAN_GRAPHQL_URL: '', FOREMAN_API_KEY: '', HOME: os.tmpdir() },
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(asRoot ? { uid: 65534, gid: 65534 } : {}),
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

function expectOneLine(r: CliResult, code: number, message: RegExp) {
  expect(r.code).toBe(code);
  expect(r.stderr.trim()).toMatch(message);
  expect(r.stderr.trim().split('\n')).toHaveLength(1);
}

describe('paths that cannot be read', () => {
  it('exits 2 with "permission denied" for a file it may not read, with --json too', async () => {
    const file = path.join(dir, 'secret.csv');
    copyFileSync(path.join(ROOT, 'samples/customers_valid.csv'), file);
    chmodSync(file, 0o000);
    const r = await runAsNobody(['ingest', file, '--dry-run', '--json']);
    expectOneLine(r, 2, /^foreman: cannot read .*secret\.csv: permission denied\. Check the path and its permissions and try again\.$/);
    expect(JSON.parse(r.stdout)).toMatchObject({ outcome: 'UNUSABLE_FILE', problem: 'UNREADABLE', exitCode: 2 });
  });

  it.each([
    ['a directory', () => dir, 'a directory'],
    ['a FIFO', () => {
      const fifo = path.join(dir, 'pipe.csv');
      execFileSync('mkfifo', [fifo]);
      return fifo;
    }, 'a named pipe \\(FIFO\\)'],
    ['/dev/zero', () => '/dev/zero', 'a character device'],
  ])('refuses %s with exit 2 and prints its JSON object under --json', async (_name, make, what) => {
    const target = make();
    const r = await runCli(['ingest', target, '--json']);
    expectOneLine(r, 2, new RegExp(`^foreman: .* is ${what}, not a file\\. Give the path of a CSV, \\.xlsx or JSON file\\.$`));
    expect(JSON.parse(r.stdout)).toEqual({ fileName: target, outcome: 'UNUSABLE_FILE', problem: 'NOT_A_FILE', message: expect.stringContaining('not a file'), exitCode: 2 });
  });

  it('exits 2 with the system reason when reading fails part-way (EIO), JSON included', async () => {
    // /proc/self/mem is a regular file that opens but cannot be read at offset 0.
    const r = await runCli(['ingest', '/proc/self/mem', '--dry-run', '--json']);
    expectOneLine(r, 2, /^foreman: cannot read \/proc\/self\/mem: .*\(EIO\)\. Check the file and try again\.$/);
    expect(JSON.parse(r.stdout)).toMatchObject({ outcome: 'UNUSABLE_FILE', problem: 'UNREADABLE', exitCode: 2 });
  });
});

describe('messages about the content', () => {
  it('names the row holding an invalid byte (row 5,001), not the last row of the chunk before', async () => {
    // A UTF-8 file (row 2 holds an é) with one Latin-1 byte in row 5,001.
    const file = path.join(dir, 'bad-byte.csv');
    let text = 'email,name\nzoe@bytes.example,Zoé\n';
    for (let row = 3; row <= 5000; row++) text += `r${row}@bytes.example,Name ${row}\n`;
    const prefix = Buffer.from(`${text}r5001@bytes.example,Ren`);
    writeFileSync(file, Buffer.concat([prefix, Buffer.from([0xe9]), Buffer.from('\nr5002@bytes.example,Ok\n')]));
    const r = await runCli(['ingest', file, '--dry-run', '--json']);
    expectOneLine(r, 2, new RegExp(`bad-byte\\.csv: row 5,001 holds bytes that are not valid UTF-8 \\(at byte ${prefix.length.toLocaleString('en-US')} of the file\\)`));
    expect(JSON.parse(r.stdout)).toMatchObject({ outcome: 'UNUSABLE_FILE', problem: 'ENCODING', where: { row: 5001 }, exitCode: 2 });
  });

  it('calls a properly quoted 50 MB cell too long, naming the size limit', async () => {
    const file = path.join(dir, 'huge-cell.csv');
    const out = createWriteStream(file);
    out.write('email,name,notes\nok@huge.example,Ok,short\nbig@huge.example,Big,"');
    const block = 'x'.repeat(1024 * 1024);
    for (let i = 0; i < 50; i++) if (!out.write(block)) await once(out, 'drain');
    out.end('"\nafter@huge.example,After,fine\n');
    await once(out, 'finish');
    const r = await runCli(['ingest', file, '--dry-run', '--json']);
    expectOneLine(r, 2, /huge-cell\.csv: row 3 is longer than 8,388,608 characters \(8 MiB\), the most one row may hold, so the file cannot be ingested\. Shorten or split the long cell/);
    expect(r.stderr).not.toMatch(/usually/);
    expect(JSON.parse(r.stdout)).toMatchObject({ problem: 'RECORD_TOO_LARGE', where: { row: 3 }, exitCode: 2 });
  });

  it('summarises 99,998 unmapped columns as the first ten and a count', async () => {
    const file = path.join(dir, 'wide-header.csv');
    const extra = Array.from({ length: 99_998 }, (_, i) => `extra${i}`);
    writeFileSync(file, `email,name,${extra.join(',')}\nw@wide.example,Wide,${extra.map(() => '').join(',')}\n`);
    const r = await runCli(['ingest', file, '--dry-run']);
    expect(r.code).toBe(0);
    const line = r.stdout.split('\n').find((l) => l.includes('not mapped (ignored)'))!;
    expect(line).toBe(`  not mapped (ignored): ${extra.slice(0, 10).map((h) => `"${h}"`).join(', ')} and 99,988 more`);
    // The whole output stays small (the review saw 1.4 MB).
    expect(r.stdout.length).toBeLessThan(5000);
  });

  it('summarises the headers of an unknown model the same way', async () => {
    const file = path.join(dir, 'unknown-wide.csv');
    const headers = Array.from({ length: 5000 }, (_, i) => `sku${i}`);
    writeFileSync(file, `${headers.join(',')}\n${headers.map(() => '1').join(',')}\n`);
    const r = await runCli(['ingest', file, '--dry-run']);
    expectOneLine(r, 2, new RegExp(`none of the columns in row 1 \\(${headers.slice(0, 10).map((h) => `"${h}"`).join(', ')} and 4,990 more\\) matches`));
  });
});
