/**
 * Serving the console (clients/console/serve.ts) on a bare HTTP server: the built files by name
 * only, the page with its content security policy, gzip when asked, the auth defaults same-origin.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isConsolePath, serveConsole } from '../../../clients/console/serve';

const DEFAULTS = { apiKey: 'da2-consoleservetest0000000000', iam: { region: 'eu-west-1', accessKeyId: 'AKIACONSOLETEST00001', secretAccessKey: 'secret' } };

describe('serveConsole', () => {
  let server: http.Server;
  let base: string;

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      const { pathname } = new URL(req.url ?? '/', 'http://localhost');
      if (isConsolePath(pathname)) void serveConsole(req, res, DEFAULTS);
      else res.writeHead(418).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  /** A GET without fetch's automatic gzip decoding, so the test sees the bytes as sent. */
  function get(path: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
    return new Promise((resolve, reject) => {
      http
        .get(`${base}${path}`, { headers }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
        })
        .on('error', reject);
    });
  }

  it('claims /console and what is under /console/, nothing else', () => {
    expect(isConsolePath('/console')).toBe(true);
    expect(isConsolePath('/console/workers/graphql.js')).toBe(true);
    expect(isConsolePath('/consoles')).toBe(false);
    expect(isConsolePath('/app/')).toBe(false);
  });

  it('serves the page with its policy, and every file the page and its workers need', async () => {
    const page = await get('/console/');
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=UTF-8');
    expect(page.headers['content-security-policy']).toContain("worker-src 'self'");
    expect(page.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    const html = page.body.toString('utf8');
    for (const file of [...html.matchAll(/(?:src|href)="([^":]+)"/g)].map((m) => m[1]!)) {
      expect((await get(`/console/${file}`)).status, file).toBe(200);
    }
    // src/workers.ts asks for these three by name.
    for (const worker of ['editor', 'json', 'graphql']) {
      const response = await get(`/console/workers/${worker}.js`);
      expect(response.status, worker).toBe(200);
      expect(response.headers['content-type']).toBe('text/javascript; charset=UTF-8');
    }
    // The stylesheet's font (Monaco's icons) is a file of the build, served under its hashed name.
    const css = (await get('/console/console.css')).body.toString('utf8');
    const font = /url\("?\.\/(assets\/codicon-[A-Z0-9]+\.ttf)"?\)/.exec(css)?.[1];
    expect(font).toBeDefined();
    expect((await get(`/console/${font}`)).headers['content-type']).toBe('font/ttf');
  });

  it('sends the same bytes gzipped when the browser accepts gzip', async () => {
    const plain = await get('/console/console.js');
    const zipped = await get('/console/console.js', { 'accept-encoding': 'gzip, deflate, br' });
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(zipped.headers['content-encoding']).toBe('gzip');
    expect(zipped.body.byteLength).toBeLessThan(plain.body.byteLength);
    expect(gunzipSync(zipped.body).equals(plain.body)).toBe(true);
  });

  it('moves /console to /console/ so the page’s relative paths resolve', async () => {
    const response = await get('/console');
    expect(response.status).toBe(301);
    expect(response.headers.location).toBe('/console/');
  });

  it('gives the auth defaults to the console’s own origin only', async () => {
    const response = await get('/console/defaults.json', { origin: 'https://evil.example' });
    expect(JSON.parse(response.body.toString('utf8'))).toEqual(DEFAULTS);
    // No CORS header: a page of another origin cannot read the credentials.
    expect(response.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('serves built files by name only: nothing else on disk', async () => {
    for (const path of ['/console/build.ts', '/console/src/main.ts', '/console/..%2fserve.ts', '/console/workers/', '/console/nothing.js']) {
      const response = await get(path);
      expect(response.status, path).toBe(404);
      expect(response.body.toString('utf8'), path).toMatch(/^Nothing at /);
    }
    // WHATWG URL parsing turns %2e%2e into "..": the path leaves /console/ before routing, so the
    // console never sees it (this test server answers 418 for anything else).
    expect((await get('/console/%2e%2e/package.json')).status).toBe(418);
  });
});
