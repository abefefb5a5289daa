// @ts-check
/**
 * The compiled CLI. esbuild bundles clients/cli/main.ts and everything of Foreman's it reaches
 * (infra/, functions/, schema/, clients/api/…) into ES modules under `build/cli/<id>/` — `main.js`
 * plus lazily loaded chunks, so `foreman models` never loads the local stack — with node_modules
 * left as they are (imported at run time from the project's node_modules, like any package's
 * `dist/`). `npm install` runs this (the `prepare` script); `npm run build:cli` runs it by hand.
 *
 * `build/cli/current.json` names the current build and every source file it was made from (size,
 * modification time, SHA-256). bin/foreman.js asks `compiledCli()` whether that build still matches
 * the sources: one stat per source (about 200, a few milliseconds), and a hash only of a file whose
 * time changed, so touching a file is not a change but editing it is. When the sources changed, the
 * `foreman` command compiles again before it runs (`buildCli()`, well under a second): tests and
 * developers never run stale code.
 *
 * Plain JavaScript on purpose: the command runs it before anything can load TypeScript.
 * Builds are written to a temporary directory and renamed into place, and current.json is replaced
 * by a rename, so CLI processes started together (a test suite) can build side by side safely.
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** Changes whenever the build's options below change, so an older build is not taken for current. */
const FORMAT = 'foreman-cli-1';
/** Builds kept besides the current one (a long-running `foreman serve` may still load chunks of its own). */
const KEEP = 3;

/**
 * The directory of Foreman's package.json at or above this file (as infra/root.ts finds it).
 * @param {string} from
 * @returns {string}
 */
export function findPackageRoot(from) {
  let dir = path.resolve(from);
  for (;;) {
    const manifest = path.join(dir, 'package.json');
    if (existsSync(manifest)) {
      try {
        if (JSON.parse(readFileSync(manifest, 'utf8')).name === 'foreman') return dir;
      } catch {
        // not a readable package.json: keep walking
      }
    }
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`No Foreman package.json at or above ${from}.`);
    dir = parent;
  }
}

const here = fileURLToPath(import.meta.url);
export const root = findPackageRoot(path.dirname(here));
/** Where builds go (gitignored with the rest of build/). */
export const buildDir = path.join(root, 'build', 'cli');
const currentFile = path.join(buildDir, 'current.json');

/**
 * @typedef {{ file: string, size: number, mtimeMs: number, sha256: string }} Input
 * @typedef {{ format: string, id: string, entry: string, builtAt: string, inputs: Input[] }} Manifest
 */

/** @param {string} file */
function sha256(file) {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

/**
 * Does the current build match the sources?
 * @returns {{ entry: string } | { reason: string }} the compiled entry's file URL, or why not
 */
export function compiledCli() {
  /** @type {Manifest} */
  let manifest;
  try {
    manifest = JSON.parse(readFileSync(currentFile, 'utf8'));
  } catch {
    return { reason: 'the CLI has not been compiled yet (build/cli/current.json is missing)' };
  }
  if (manifest.format !== FORMAT) return { reason: 'the compiled CLI was made by an older build script' };
  for (const input of manifest.inputs) {
    const file = path.join(root, input.file);
    let stat;
    try {
      stat = statSync(file);
    } catch {
      return { reason: `${input.file} is gone since the CLI was compiled` };
    }
    if (stat.size !== input.size || (stat.mtimeMs !== input.mtimeMs && sha256(file) !== input.sha256)) {
      return { reason: `${input.file} changed since the CLI was compiled` };
    }
  }
  const entry = path.join(buildDir, manifest.entry);
  if (!existsSync(entry)) return { reason: `build/cli/${manifest.entry} is missing` };
  return { entry: pathToFileURL(entry).href };
}

/**
 * Compiles the CLI and makes it current.
 * @returns {Promise<{ entry: string, id: string, files: number, bytes: number, sources: number, ms: number }>}
 */
export async function buildCli() {
  const started = performance.now();
  const { build, version } = await import('esbuild');
  mkdirSync(buildDir, { recursive: true });
  const tmp = path.join(buildDir, `.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
  try {
    const result = await build({
      entryPoints: { main: path.join(root, 'clients/cli/main.ts') },
      absWorkingDir: root,
      outdir: tmp,
      bundle: true,
      splitting: true,
      format: 'esm',
      platform: 'node',
      target: 'node20.19',
      packages: 'external',
      // Marks the compiled form (infra/runtime.ts): TypeScript chosen at run time then needs tsx's loader.
      define: { __FOREMAN_COMPILED__: 'true' },
      sourcemap: 'linked',
      metafile: true,
      logLevel: 'silent',
      chunkNames: 'chunks/[name]-[hash]',
    });
    const sources = Object.keys(result.metafile.inputs).filter((f) => !f.includes('node_modules/'));
    // The build's own recipe counts as a source: changing this file or tsconfig.json rebuilds.
    for (const extra of [path.relative(root, here), 'tsconfig.json']) if (!sources.includes(extra)) sources.push(extra);
    sources.sort();
    /** @type {Input[]} */
    const inputs = sources.map((file) => {
      const stat = statSync(path.join(root, file));
      return { file, size: stat.size, mtimeMs: stat.mtimeMs, sha256: sha256(path.join(root, file)) };
    });
    const id = createHash('sha256')
      .update(`${FORMAT}\n${version}\n${inputs.map((i) => `${i.file} ${i.sha256}`).join('\n')}`)
      .digest('hex')
      .slice(0, 16);
    const target = path.join(buildDir, id);
    try {
      renameSync(tmp, target);
    } catch (error) {
      // Another process built the same sources first: theirs is identical.
      if (!existsSync(path.join(target, 'main.js'))) throw error;
    }
    /** @type {Manifest} */
    const manifest = { format: FORMAT, id, entry: `${id}/main.js`, builtAt: new Date().toISOString(), inputs };
    const next = `${currentFile}.${process.pid}-${randomBytes(4).toString('hex')}`;
    writeFileSync(next, `${JSON.stringify(manifest, null, 1)}\n`);
    renameSync(next, currentFile);
    prune(id);
    const outputs = Object.entries(result.metafile.outputs).filter(([f]) => f.endsWith('.js'));
    return {
      entry: path.join(target, 'main.js'),
      id,
      files: outputs.length,
      bytes: outputs.reduce((sum, [, o]) => sum + o.bytes, 0),
      sources: inputs.length,
      ms: performance.now() - started,
    };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/**
 * Removes all but the newest KEEP earlier builds, and temporary directories older than an hour.
 * @param {string} current
 */
function prune(current) {
  const now = Date.now();
  const dirs = readdirSync(buildDir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && d.name !== current)
    .map((d) => ({ name: d.name, mtimeMs: statSync(path.join(buildDir, d.name)).mtimeMs }));
  const builds = dirs.filter((d) => !d.name.startsWith('.')).sort((a, b) => b.mtimeMs - a.mtimeMs);
  const stale = [...builds.slice(KEEP), ...dirs.filter((d) => d.name.startsWith('.tmp-') && now - d.mtimeMs > 3_600_000)];
  for (const d of stale) rmSync(path.join(buildDir, d.name), { recursive: true, force: true });
}

// `node clients/cli/build.js` (npm's prepare step, `npm run build:cli`).
if (process.argv[1] && path.resolve(process.argv[1]) === here) {
  try {
    const built = await buildCli();
    process.stdout.write(
      `compiled CLI: ${path.relative(process.cwd(), built.entry) || built.entry} (${built.files} files, ${(built.bytes / 1024).toFixed(0)} KiB from ${built.sources} sources) in ${Math.round(built.ms)} ms\n`,
    );
  } catch (error) {
    process.stderr.write(`build:cli: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  }
}
