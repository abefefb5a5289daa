/**
 * The web page on the local stack: `/app/` (the page, built in memory on first request, so a fresh
 * clone needs no build step) and `/config.json` (also at `/app/config.json`, next to the page, as
 * the CDK app deploys it) with the same shape infra/aws/stack.ts writes.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { buildWeb, type WebAsset } from './build';

/** Where the page lives on the local stack. */
export const WEB_PATH = '/app/';

/** config.json as infra/aws/stack.ts writes it next to the deployed page, plus the local pool's endpoint. */
export type WebConfigJson = import('../../infra/aws/stack').WebConfig;

/** What the local stack knows about itself (a subset of infra/local/server.ts ServerInfo) and its user pool. */
export interface LocalEndpointInfo {
  graphqlUrl: string;
  realtimeUrl: string;
  iam: { region: string };
  userPool: { userPoolId: string; userPoolClientId: string };
}

let built: Promise<Map<string, WebAsset>> | null = null;

/** The built page, bundled once per process; a failed build is tried again on the next request. */
export function webAssets(): Promise<Map<string, WebAsset>> {
  if (!built) {
    built = buildWeb();
    built.catch(() => {
      built = null;
    });
  }
  return built;
}

/** Does this path belong to the page? */
export function isWebPath(pathname: string): boolean {
  return pathname === '/config.json' || pathname === '/app' || pathname.startsWith(WEB_PATH);
}

/**
 * The page's config for this request: URLs on the host and scheme the browser used (HTTP or
 * HTTPS, `localhost` or `127.0.0.1`), so the page talks back to the server that served it.
 */
export function localWebConfig(req: IncomingMessage, info: LocalEndpointInfo): WebConfigJson {
  const host = req.headers.host;
  const tls = (req.socket as Partial<TLSSocket>).encrypted === true;
  const usable = typeof host === 'string' && /^[A-Za-z0-9.\-[\]:]+$/.test(host);
  const origin = usable ? `${tls ? 'https' : 'http'}://${host}` : new URL(info.graphqlUrl).origin;
  return {
    graphqlUrl: usable ? `${origin}/graphql` : info.graphqlUrl,
    realtimeUrl: usable ? `${tls ? 'wss' : 'ws'}://${host}/graphql/realtime` : info.realtimeUrl,
    region: info.iam.region,
    // Never an API key (BRIEF contract 3): the page signs in to the local user pool (infra/local/auth).
    authMode: 'AMAZON_COGNITO_USER_POOLS',
    userPoolId: info.userPool.userPoolId,
    userPoolClientId: info.userPool.userPoolClientId,
    cognitoEndpoint: `${origin}/cognito/`,
  };
}

function send(res: ServerResponse, status: number, contentType: string, body: string | Uint8Array, extra: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': contentType, 'content-length': typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength, 'cache-control': 'no-cache', 'x-content-type-options': 'nosniff', ...extra });
  res.end(body);
}

/** Answers a GET for a path `isWebPath` accepted. */
export async function serveWeb(req: IncomingMessage, res: ServerResponse, info: LocalEndpointInfo): Promise<void> {
  const { pathname } = new URL(req.url ?? '/', 'http://localhost');
  if (pathname === '/config.json' || pathname === `${WEB_PATH}config.json`) {
    // CORS: infra/local/server.ts grants the stack's own origins only (never `*`).
    send(res, 200, 'application/json; charset=UTF-8', JSON.stringify(localWebConfig(req, info)));
    return;
  }
  if (pathname === '/app') {
    send(res, 301, 'text/plain; charset=UTF-8', `Moved to ${WEB_PATH}`, { location: WEB_PATH });
    return;
  }
  let assets: Map<string, WebAsset>;
  try {
    assets = await webAssets();
  } catch (error) {
    send(res, 500, 'text/plain; charset=UTF-8', `The web page did not build: ${error instanceof Error ? error.message : String(error)}`);
    return;
  }
  // Only the built files by name: nothing else on disk is reachable from here.
  const asset = assets.get(pathname === WEB_PATH ? 'index.html' : pathname.slice(WEB_PATH.length));
  if (!asset) {
    send(res, 404, 'text/plain; charset=UTF-8', `Nothing at ${pathname}.`);
    return;
  }
  send(res, 200, asset.contentType, asset.body);
}
