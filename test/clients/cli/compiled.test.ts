/**
 * The compiled CLI (clients/cli/build.js, bin/foreman.js), in a fresh copy of the repository's
 * tracked sources (node_modules linked, no build/): npm's prepare script compiles it; the command
 * runs the compiled code; an edited source is compiled again before the next run, a touched one is
 * not; when compiling is impossible the command says why and runs the sources through tsx.
 */
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from './run';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env: { ...process.env, FOREMAN_RUNTIME: '', FOREMAN_GRAPHQL_URL: '', FOREMAN_API_KEY: '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

let clone: string;
const foreman = (args: string[], env: NodeJS.ProcessEnv = {}) => run(process.execPath, [path.join(clone, 'bin/foreman.js'), ...args], clone, env);
const manifest = () => JSON.parse(readFileSync(path.join(clone, 'build/cli/current.json'), 'utf8')) as { id: string; builtAt: string; inputs: { file: string }[] };

beforeAll(() => {
  clone = mkdtempSync(path.join(os.tmpdir(), 'foreman-clone-'));
  const tracked = spawnSync('git', ['ls-files', '-z'], { cwd: ROOT, encoding: 'utf8' }).stdout.split('\0');
  const wanted = /^(bin|clients|infra|functions|schema|resolvers)\/|^(package\.json|tsconfig\.json|samples\/customers_valid\.csv)$/;
  for (const file of tracked.filter((f) => wanted.test(f) && !f.startsWith('clients/web/dist/'))) {
    mkdirSync(path.dirname(path.join(clone, file)), { recursive: true });
    cpSync(path.join(ROOT, file), path.join(clone, file));
  }
  symlinkSync(path.join(ROOT, 'node_modules'), path.join(clone, 'node_modules'));
});

afterAll(() => {
  if (clone) rmSync(clone, { recursive: true, force: true });
});

describe('the compiled CLI', () => {
  it('is made by npm install\'s prepare script, into build/cli/<id>/', { timeout: 120_000 }, async () => {
    const pkg = JSON.parse(readFileSync(path.join(clone, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(pkg.scripts.prepare).toBe('node clients/cli/build.js');
    expect(existsSync(path.join(clone, 'build'))).toBe(false);
    const built = await run('npm', ['run', '--silent', 'prepare'], clone);
    expect(built.stderr).toBe('');
    expect(built.code).toBe(0);
    const { id, inputs } = manifest();
    expect(id).toMatch(/^[0-9a-f]{16}$/);
    expect(built.stdout).toMatch(new RegExp(`^compiled CLI: build/cli/${id}/main\\.js \\(\\d+ files, \\d+ KiB from ${inputs.length} sources\\) in \\d+ ms\\n$`));
    const files = inputs.map((i) => i.file);
    expect(files).toEqual(expect.arrayContaining(['clients/cli/main.ts', 'clients/cli/commands/models.ts', 'infra/local/stack.ts', 'infra/root.ts', 'clients/cli/build.js', 'tsconfig.json']));
    expect(files.some((f) => f.includes('node_modules'))).toBe(false);
    expect(existsSync(path.join(clone, 'build/cli', id, 'main.js'))).toBe(true);
  });

  it('runs --help and models from the build (FOREMAN_RUNTIME=compiled refuses the tsx fallback)', { timeout: 120_000 }, async () => {
    const help = await foreman(['--help'], { FOREMAN_RUNTIME: 'compiled' });
    expect(help.stderr).toBe('');
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: foreman \[options\] \[command\]\n/);
    expect(help.stdout).toContain('ingest [options] <file>');
    const models = await foreman(['models'], { FOREMAN_RUNTIME: 'compiled' });
    expect(models.stderr).toBe('');
    expect(models.code).toBe(0);
    expect(models.stdout).toMatch(/^Customer \(--model customer, CUSTOMER\): importCustomers, \d+ rows a batch\n/);
    const version = await foreman(['--version'], { FOREMAN_RUNTIME: 'compiled' });
    expect(version.stdout).toBe(`${(JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string }).version}\n`);
  });

  it('ingests a sample from a fresh build on the embedded stack (paths to the schema, resolvers and DynamoDB Local hold)', { timeout: 240_000 }, async () => {
    const result = await foreman(['ingest', 'samples/customers_valid.csv', '--json'], { FOREMAN_RUNTIME: 'compiled' });
    expect(result.code).toBe(0);
    // samples/customers_valid.csv: 20 rows, every one valid and distinct.
    expect(JSON.parse(result.stdout)).toMatchObject({ rows: 20, created: 20, duplicates: 0, invalid: 0, unsent: 0, rejected: [], exitCode: 0 });
  });

  it('is compiled again when a source was edited, and not when it was only touched', { timeout: 120_000 }, async () => {
    const before = manifest();
    const models = path.join(clone, 'clients/cli/commands/models.ts');
    const later = new Date(Date.now() + 5_000);
    utimesSync(models, later, later);
    expect((await foreman(['--version'])).code).toBe(0);
    expect(manifest().builtAt).toBe(before.builtAt);

    const main = path.join(clone, 'clients/cli/main.ts');
    writeFileSync(main, readFileSync(main, 'utf8').replace("'Foreman: CSV in,", "'Foreman (edited): CSV in,"));
    const help = await foreman(['--help']);
    expect(help.stderr).toBe('');
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Foreman (edited): CSV in,');
    const after = manifest();
    expect(after.id).not.toBe(before.id);
    expect(existsSync(path.join(clone, 'build/cli', before.id, 'main.js'))).toBe(true); // kept for processes still running it
  });

  it('runs the sources through tsx, saying why, when it cannot compile; FOREMAN_RUNTIME=compiled then fails', { timeout: 120_000 }, async () => {
    rmSync(path.join(clone, 'build'), { recursive: true, force: true });
    mkdirSync(path.join(clone, 'build'));
    writeFileSync(path.join(clone, 'build/cli'), 'not a directory');
    const help = await foreman(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Foreman (edited): CSV in,');
    expect(help.stderr).toMatch(
      /^foreman: running the TypeScript sources through tsx \(slower start\): the CLI has not been compiled yet \(build\/cli\/current\.json is missing\), and compiling failed \(.+; npm run build:cli shows the whole error\)\.\n$/,
    );
    const strict = await foreman(['--help'], { FOREMAN_RUNTIME: 'compiled' });
    expect(strict.code).toBe(1);
    expect(strict.stdout).toBe('');
    expect(strict.stderr).toMatch(/^foreman: cannot run the compiled CLI: the CLI has not been compiled yet .*\.\n$/);
    const sources = await foreman(['--version'], { FOREMAN_RUNTIME: 'tsx' });
    expect(sources).toMatchObject({ code: 0, stderr: '' });
    const bad = await foreman(['--help'], { FOREMAN_RUNTIME: 'fast' });
    expect(bad).toEqual({ code: 2, stdout: '', stderr: 'foreman: FOREMAN_RUNTIME is "fast"; use "compiled", "tsx" or leave it unset.\n' });
  });
});
