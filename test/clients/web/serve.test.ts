/**
 * The web page as the local stack serves it (clients/web/serve.ts) and as `npm run build:web`
 * writes it for the CDK app (clients/web/build.ts). Plain HTTP(S) servers on port 0; no browser.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'acorn';
import { generate } from 'selfsigned';
import { writeWeb } from '../../../clients/web/build';
import { isWebPath, serveWeb, type LocalEndpointInfo } from '../../../clients/web/serve';
import { repoRoot } from '../../../infra/bundle';

const INFO: LocalEndpointInfo = { graphqlUrl: 'http://127.0.0.1:4000/graphql', realtimeUrl: 'ws://127.0.0.1:4000/graphql/realtime', iam: { region: 'us-east-1' }, userPool: { userPoolId: 'us-east-1_AbCdEf123', userPoolClientId: 'abcdefghijklmnopqrstuvwxyz' } };

function handler(req: http.IncomingMessage, res: http.ServerResponse): void {
  const { pathname } = new URL(req.url ?? '/', 'http://x');
  if (!isWebPath(pathname)) {
    res.writeHead(418).end();
    return;
  }
  void serveWeb(req, res, INFO);
}

function listen(server: http.Server | https.Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
}

/** GET with an explicit Host header (fetch does not let one set it). */
function get(port: number, urlPath: string, options: { host?: string; tls?: boolean; ca?: string } = {}): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const lib = options.tls ? https : http;
    const req = lib.request({ host: '127.0.0.1', port, path: urlPath, headers: options.host ? { host: options.host } : {}, ca: options.ca, servername: 'localhost' }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('the web page on the local stack', () => {
  let server: http.Server;
  let tlsServer: https.Server;
  let port: number;
  let tlsPort: number;
  let cert: string;

  beforeAll(async () => {
    server = http.createServer(handler);
    port = await listen(server);
    const pems = await generate([{ name: 'commonName', value: 'localhost' }], {
      keySize: 2048,
      extensions: [{ name: 'subjectAltName', altNames: [{ type: 2, value: 'localhost' }] }],
    } as Parameters<typeof generate>[1]);
    cert = pems.cert;
    tlsServer = https.createServer({ key: pems.private, cert: pems.cert }, handler);
    tlsPort = await listen(tlsServer);
  });
  afterAll(async () => {
    await new Promise((r) => server.close(r));
    await new Promise((r) => tlsServer.close(r));
  });

  it('claims /app, /app/… and /config.json, and nothing else', () => {
    expect(['/app', '/app/', '/app/app.js', '/config.json'].every(isWebPath)).toBe(true);
    expect(['/', '/graphql', '/console', '/application', '/config.json.bak'].some(isWebPath)).toBe(false);
  });

  it('redirects /app to /app/ so the page’s relative URLs resolve', async () => {
    const r = await get(port, '/app');
    expect(r.status).toBe(301);
    expect(r.headers.location).toBe('/app/');
  });

  it('serves the built page: HTML with a strict script policy, the bundle and the stylesheet', async () => {
    const page = await get(port, '/app/');
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=UTF-8');
    expect(page.body).toContain(`script-src 'self'`);
    expect(page.body).toContain('<script type="module" src="app.js"></script>');
    const js = await get(port, '/app/app.js');
    expect(js.status).toBe(200);
    expect(js.headers['content-type']).toBe('text/javascript; charset=UTF-8');
    expect(js.body.length).toBeGreaterThan(10_000);
    expect((await get(port, '/app/app.css')).headers['content-type']).toBe('text/css; charset=UTF-8');
  });

  it('serves only built files: sources and paths outside the page answer 404', async () => {
    for (const p of ['/app/main.ts', '/app/src/main.ts', '/app/../package.json', '/app/%2e%2e/package.json', '/app/build.ts']) {
      const r = await get(port, p);
      // "/app/../package.json" is normalised by the client to /package.json, which is not the page's.
      expect([404, 418], p).toContain(r.status);
    }
  });

  it('answers config.json in the CDK app’s shape, on the host and scheme the browser used', async () => {
    const plain = JSON.parse((await get(port, '/config.json', { host: `localhost:${port}` })).body) as unknown;
    // BRIEF contract 3: the pool and its web client, the local pool's endpoint, never an API key.
    expect(plain).toEqual({
      graphqlUrl: `http://localhost:${port}/graphql`,
      realtimeUrl: `ws://localhost:${port}/graphql/realtime`,
      region: 'us-east-1',
      authMode: 'AMAZON_COGNITO_USER_POOLS',
      userPoolId: 'us-east-1_AbCdEf123',
      userPoolClientId: 'abcdefghijklmnopqrstuvwxyz',
      cognitoEndpoint: `http://localhost:${port}/cognito/`,
    });
    // Next to the page too, where the page (which fetches the relative "config.json") finds it.
    expect(JSON.parse((await get(port, '/app/config.json', { host: `localhost:${port}` })).body)).toEqual(plain);
    const tls = JSON.parse((await get(tlsPort, '/config.json', { tls: true, ca: cert, host: `localhost:${tlsPort}` })).body) as { graphqlUrl: string; realtimeUrl: string; cognitoEndpoint: string };
    expect(tls.graphqlUrl).toBe(`https://localhost:${tlsPort}/graphql`);
    expect(tls.cognitoEndpoint).toBe(`https://localhost:${tlsPort}/cognito/`);
    expect(tls.realtimeUrl).toBe(`wss://localhost:${tlsPort}/graphql/realtime`);
  });

  it('falls back to the stack’s own URLs when the Host header is unusable', async () => {
    const r = JSON.parse((await get(port, '/config.json', { host: 'evil"host' })).body) as { graphqlUrl: string; realtimeUrl: string };
    expect(r.graphqlUrl).toBe(INFO.graphqlUrl);
    expect(r.realtimeUrl).toBe(INFO.realtimeUrl);
  });
});

describe('npm run build:web', () => {
  let out: string;
  beforeAll(() => {
    out = mkdtempSync(path.join(os.tmpdir(), 'foreman-web-dist-'));
  });
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('writes a self-contained page for the CDK app: index.html and the files it names', async () => {
    await writeWeb(out);
    const html = readFileSync(path.join(out, 'index.html'), 'utf8');
    for (const ref of [...html.matchAll(/(?:src|href)="([^"#:]+)"/g)].map((m) => m[1]!)) expect(existsSync(path.join(out, ref)), ref).toBe(true);
    const js = readFileSync(path.join(out, 'app.js'), 'utf8');
    // Bundled for browsers: no static imports left, no Node built-ins; only the `ws` fallback of
    // clients/api/subscribe stays a dynamic import that browsers (which have WebSocket) never run.
    const program = parse(js, { ecmaVersion: 'latest', sourceType: 'module' });
    expect(program.body.filter((node) => node.type === 'ImportDeclaration')).toEqual([]);
    expect(js).not.toMatch(/["']node:/);
    expect([...js.matchAll(/import\(\s*["']([^"']+)["']\s*\)/g)].map((m) => m[1])).toEqual(['ws']);
  });

  it('keeps the page sources out of the CDK app’s reach: only dist/ holds an index.html', () => {
    // infra/aws/stack.ts deploys the first of clients/web/dist, clients/web/public, clients/web with an index.html.
    expect(existsSync(path.join(repoRoot, 'clients/web/index.html'))).toBe(false);
    expect(existsSync(path.join(repoRoot, 'clients/web/public/index.html'))).toBe(false);
  });
});
