/**
 * Builds the GraphQL console: GraphiQL (npm `graphiql`, React, the Monaco editor) with our AppSync
 * fetcher and auth picker, bundled by esbuild into memory — the page, its stylesheet, the editor's
 * font and the three Monaco workers (editor, JSON, GraphQL). Nothing is fetched from a CDN. The
 * local stack builds it on the first request for `/console/` (serve.ts), never at start-up.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { CONTENT_TYPES, type WebAsset } from '../web/build';
import { repoRoot } from '../../infra/root';

const here = path.join(repoRoot, 'clients/console');
export const consoleSourceDir = path.join(here, 'src');
/** Only names output paths; nothing is written there. */
const outDir = path.join(here, 'dist');

/**
 * Bundles the console in memory; names are relative to the console's directory (`console.js`,
 * `workers/graphql.js`, `chunks/…`).
 * @example
 * const assets = await buildConsole();
 * assets.get('index.html')?.body;
 */
export async function buildConsole(options: { minify?: boolean } = {}): Promise<Map<string, WebAsset>> {
  const result = await build({
    entryPoints: [
      { in: path.join(consoleSourceDir, 'main.ts'), out: 'console' },
      // Monaco asks MonacoEnvironment.getWorker (src/workers.ts) for these by label.
      { in: 'monaco-editor/esm/vs/editor/editor.worker.js', out: 'workers/editor' },
      { in: 'monaco-editor/esm/vs/language/json/json.worker.js', out: 'workers/json' },
      { in: 'monaco-graphql/esm/graphql.worker.js', out: 'workers/graphql' },
    ],
    outdir: outDir,
    write: false,
    bundle: true,
    // Not split: CSS imported by a lazily loaded chunk would land in a stylesheet nobody links.
    assetNames: 'assets/[name]-[hash]',
    platform: 'browser',
    format: 'esm',
    target: ['es2022', 'chrome109', 'firefox115', 'safari16'],
    minify: options.minify ?? true,
    sourcemap: false,
    legalComments: 'linked',
    loader: { '.ttf': 'file' },
    // clients/api/subscribe loads `ws` only where there is no global WebSocket; browsers have one.
    external: ['ws'],
    define: { 'process.env.NODE_ENV': '"production"' },
    logLevel: 'silent',
  });
  const assets = new Map<string, WebAsset>();
  for (const file of result.outputFiles) {
    const name = path.relative(outDir, file.path).split(path.sep).join('/');
    assets.set(name, { name, contentType: CONTENT_TYPES[path.extname(name)] ?? 'application/octet-stream', body: file.contents });
  }
  const html = readFileSync(path.join(consoleSourceDir, 'index.html'));
  assets.set('index.html', { name: 'index.html', contentType: CONTENT_TYPES['.html']!, body: new Uint8Array(html) });
  return assets;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const started = performance.now();
  buildConsole().then(
    (assets) => {
      let total = 0;
      for (const a of [...assets.values()].sort((x, y) => y.body.byteLength - x.body.byteLength)) {
        total += a.body.byteLength;
        console.log(`${a.name}  ${(a.body.byteLength / 1024).toFixed(1)} KiB`);
      }
      console.log(`${assets.size} files, ${(total / 1024).toFixed(1)} KiB in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    },
    (error: unknown) => {
      console.error(`The console did not build: ${error instanceof Error ? error.message : String(error)}`);
      process.exit(1);
    },
  );
}
