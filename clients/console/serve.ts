/**
 * The GraphQL console on a local stack: `/console/` (GraphiQL, built in memory on the first request
 * — a stack that nobody opens the console on, like the one `foreman ingest` embeds, never loads
 * esbuild for it) and `/console/defaults.json` (what the auth picker starts with: this stack's API
 * key and local IAM credentials, the same values its landing page and banner print).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { gzipSync } from 'node:zlib';
import type { WebAsset } from '../web/build';
import type { ConsoleDefaults } from './src/auth';

/** Where the console lives on the local stack. */
export const CONSOLE_PATH = '/console/';

/** The page itself is the only HTML: everything from this origin, workers included. */
const CSP = "default-src 'self'; script-src 'self'; worker-src 'self'; style-src 'self' 'unsafe-inline'; font-src 'self' data:; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

interface ServedAsset extends WebAsset {
  gzipped: Uint8Array | null;
}

let built: Promise<Map<string, ServedAsset>> | null = null;

/** The built console, bundled once per process; a failed build is tried again on the next request. */
export function consoleAssets(): Promise<Map<string, ServedAsset>> {
  if (!built) {
    built = import('./build').then(async ({ buildConsole }) => {
      const assets = new Map<string, ServedAsset>();
      // Compressed once: the page is about 7 MB, 2 MB gzipped.
      for (const [name, asset] of await buildConsole()) assets.set(name, { ...asset, gzipped: asset.body.byteLength > 1024 ? gzipSync(asset.body) : null });
      return assets;
    });
    built.catch(() => {
      built = null;
    });
  }
  return built;
}

/** Does this path belong to the console? */
export function isConsolePath(pathname: string): boolean {
  return pathname === '/console' || pathname.startsWith(CONSOLE_PATH);
}

function send(res: ServerResponse, status: number, contentType: string, body: string | Uint8Array, extra: Record<string, string> = {}): void {
  res.writeHead(status, {
    'content-type': contentType,
    'content-length': typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength,
    'cache-control': 'no-cache',
    'x-content-type-options': 'nosniff',
    ...extra,
  });
  res.end(body);
}

/** Answers a GET or HEAD for a path `isConsolePath` accepted. */
export async function serveConsole(req: IncomingMessage, res: ServerResponse, defaults: ConsoleDefaults): Promise<void> {
  const { pathname } = new URL(req.url ?? '/', 'http://localhost');
  if (pathname === '/console') {
    send(res, 301, 'text/plain; charset=UTF-8', `Moved to ${CONSOLE_PATH}`, { location: CONSOLE_PATH });
    return;
  }
  if (pathname === `${CONSOLE_PATH}defaults.json`) {
    // Same origin only (no CORS header): another site's page cannot read the credentials.
    send(res, 200, 'application/json; charset=UTF-8', JSON.stringify(defaults));
    return;
  }
  let assets: Map<string, ServedAsset>;
  try {
    assets = await consoleAssets();
  } catch (error) {
    send(res, 500, 'text/plain; charset=UTF-8', `The console did not build: ${error instanceof Error ? error.message : String(error)}`);
    return;
  }
  // Only the built files by name: nothing else on disk is reachable from here.
  const asset = assets.get(pathname === CONSOLE_PATH ? 'index.html' : pathname.slice(CONSOLE_PATH.length));
  if (!asset) {
    send(res, 404, 'text/plain; charset=UTF-8', `Nothing at ${pathname}.`);
    return;
  }
  const extra: Record<string, string> = { vary: 'accept-encoding' };
  if (asset.name === 'index.html') extra['content-security-policy'] = CSP;
  const gzip = asset.gzipped && /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
  send(res, 200, asset.contentType, gzip ? asset.gzipped! : asset.body, gzip ? { ...extra, 'content-encoding': 'gzip' } : extra);
}
