/**
 * Builds the web page: esbuild bundles src/main.ts (the ingestion engine and the typed client
 * included) for browsers, plus src/app.css and src/index.html. `buildWeb()` builds in memory (the
 * local stack serves that, so a fresh clone needs no build step); `npm run build:web` writes the
 * same files to clients/web/dist, the directory the CDK app deploys (infra/aws/stack.ts).
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { repoRoot } from '../../infra/root';

const here = path.join(repoRoot, 'clients/web');
export const webSourceDir = path.join(here, 'src');
export const webDistDir = path.join(here, 'dist');

/** One file of the built page. */
export interface WebAsset {
  /** Relative to the page's directory, e.g. `app.js`. */
  name: string;
  contentType: string;
  body: Uint8Array;
}

/** Content types of the files esbuild writes for a page (shared with clients/console). */
export const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=UTF-8',
  '.js': 'text/javascript; charset=UTF-8',
  '.css': 'text/css; charset=UTF-8',
  '.map': 'application/json; charset=UTF-8',
  '.ttf': 'font/ttf',
  '.txt': 'text/plain; charset=UTF-8',
};

/**
 * Bundles the page in memory.
 * @example
 * const assets = await buildWeb();
 * assets.get('index.html')?.body;
 */
export async function buildWeb(options: { minify?: boolean } = {}): Promise<Map<string, WebAsset>> {
  const result = await build({
    entryPoints: [
      { in: path.join(webSourceDir, 'main.ts'), out: 'app' },
      { in: path.join(webSourceDir, 'app.css'), out: 'app' },
    ],
    outdir: webDistDir,
    write: false,
    bundle: true,
    platform: 'browser',
    format: 'esm',
    target: ['es2022', 'chrome109', 'firefox115', 'safari16'],
    minify: options.minify ?? true,
    sourcemap: 'linked',
    legalComments: 'linked',
    // csv-parse's main entry is built on Node's stream module: the engine gets its browser build,
    // through src/csvParse.ts (which makes it accept the engine's Uint8Array chunks).
    plugins: [
      {
        name: 'csv-parse-for-browsers',
        setup(b) {
          b.onResolve({ filter: /^csv-parse$/ }, () => ({ path: path.join(webSourceDir, 'csvParse.ts') }));
        },
      },
    ],
    // Only loaded by clients/api/subscribe when there is no global WebSocket, which browsers have.
    external: ['ws'],
    define: { 'process.env.NODE_ENV': '"production"' },
    logLevel: 'silent',
  });
  const assets = new Map<string, WebAsset>();
  for (const file of result.outputFiles) {
    const name = path.relative(webDistDir, file.path).split(path.sep).join('/');
    assets.set(name, { name, contentType: CONTENT_TYPES[path.extname(name)] ?? 'application/octet-stream', body: file.contents });
  }
  const html = readFileSync(path.join(webSourceDir, 'index.html'));
  assets.set('index.html', { name: 'index.html', contentType: CONTENT_TYPES['.html']!, body: new Uint8Array(html) });
  return assets;
}

/** Builds the page into `outDir` (default clients/web/dist), replacing what was there. */
export async function writeWeb(outDir = webDistDir): Promise<WebAsset[]> {
  const assets = await buildWeb();
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  for (const asset of assets.values()) {
    const target = path.join(outDir, asset.name);
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, asset.body);
  }
  return [...assets.values()];
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  writeWeb(process.argv[2] ? path.resolve(process.argv[2]) : undefined).then(
    (assets) => {
      for (const a of assets) console.log(`${path.relative(process.cwd(), path.join(process.argv[2] ?? webDistDir, a.name))}  ${(a.body.byteLength / 1024).toFixed(1)} KiB`);
    },
    (error: unknown) => {
      console.error(`The web page did not build: ${error instanceof Error ? error.message : String(error)}`);
      process.exit(1);
    },
  );
}
