/**
 * The HTTP face of the local AppSync: `POST /graphql` (auth first, then GraphQL, AppSync-shaped
 * answers), a landing page at `/`, the GraphQL console (GraphiQL, clients/console) at `/console/` and the web page at `/app/`
 * (with its `/config.json`, clients/web/serve.ts). The same handler
 * serves HTTP and HTTPS; the real-time WebSocket attaches to the same servers (stack.ts).
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Authenticator } from './contracts';
import type { LocalExecutor } from './graphql/executor';
import { isWebPath, serveWeb } from '../../clients/web/serve';
import { isConsolePath, serveConsole } from '../../clients/console/serve';

export interface ServerInfo {
  graphqlUrl: string;
  realtimeUrl: string;
  graphqlTlsUrl: string | null;
  apiKey: string;
  iam: { region: string; accessKeyId: string; secretAccessKey: string };
}

export interface HandlerOptions {
  executor: LocalExecutor;
  auth: Authenticator;
  info: () => ServerInfo;
  /** AppSync's request size limit is far above what anyone sends locally; refuse absurd bodies. */
  maxBodyBytes?: number;
}

const CORS_HEADERS = {
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'POST, GET, OPTIONS',
  'access-control-allow-headers': 'content-type, x-api-key, authorization, x-amz-date, x-amz-security-token, x-amz-user-agent, x-amz-content-sha256',
  'access-control-max-age': '86400',
};

function sendJson(res: ServerResponse, status: number, body: unknown, extra: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  // AppSync names every answer with a request id; clients print it in error reports.
  res.writeHead(status, {
    'content-type': 'application/json; charset=UTF-8',
    'content-length': Buffer.byteLength(text),
    'x-amzn-requestid': randomUUID(),
    ...CORS_HEADERS,
    ...extra,
  });
  res.end(text);
}

function sendHtml(res: ServerResponse, html: string): void {
  res.writeHead(200, { 'content-type': 'text/html; charset=UTF-8', 'content-length': Buffer.byteLength(html) });
  res.end(html);
}

class BodyTooLargeError extends Error {}

function readBody(req: IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        reject(new BodyTooLargeError());
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** `ctx.request.headers`: lower-case names, a repeated header as an array, never the cookie. */
export function resolverHeaders(req: IncomingMessage): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [name, values] of Object.entries(req.headersDistinct)) {
    if (name === 'cookie' || !values) continue;
    out[name] = values.length === 1 ? values[0]! : values;
  }
  return out;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function landingPage(info: ServerInfo): string {
  const curl = `curl -s ${info.graphqlUrl} -H 'content-type: application/json' -H 'x-api-key: ${info.apiKey}' -d '{"query":"{ listCustomers(limit: 5) { items { id email name } nextToken } }"}'`;
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Foreman local AppSync</title>
<style>body{font:15px/1.5 system-ui,sans-serif;max-width:52rem;margin:2rem auto;padding:0 1rem}code,pre{background:#f3f3f3;padding:.1rem .3rem;border-radius:3px}pre{padding:.6rem;overflow:auto}</style></head>
<body><h1>Foreman — local AppSync</h1>
<p>An AppSync-compatible endpoint running the project's APPSYNC_JS resolvers against DynamoDB Local.</p>
<ul>
<li>GraphQL: <code>${escapeHtml(info.graphqlUrl)}</code>${info.graphqlTlsUrl ? ` and <code>${escapeHtml(info.graphqlTlsUrl)}</code>` : ''}</li>
<li>Real-time: <code>${escapeHtml(info.realtimeUrl)}</code></li>
<li>API key (<code>x-api-key</code>): <code>${escapeHtml(info.apiKey)}</code></li>
<li>AWS_IAM (SigV4, service <code>appsync</code>, region <code>${escapeHtml(info.iam.region)}</code>): access key id <code>${escapeHtml(info.iam.accessKeyId)}</code>, secret <code>${escapeHtml(info.iam.secretAccessKey)}</code></li>
</ul>
<p><a href="/app/">Import a CSV file (the web page)</a> · <a href="/console/">Open the GraphQL console</a></p>
<pre>${escapeHtml(curl)}</pre>
</body></html>`;
}

/** The request handler shared by the HTTP and HTTPS servers. */
export function createRequestHandler(options: HandlerOptions): (req: IncomingMessage, res: ServerResponse) => void {
  const limit = options.maxBodyBytes ?? 10 * 1024 * 1024;

  async function graphql(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let body: string;
    try {
      body = await readBody(req, limit);
    } catch (error) {
      if (error instanceof BodyTooLargeError) {
        sendJson(res, 413, { errors: [{ errorType: 'PayloadTooLargeException', message: 'The request body is too large.' }] });
        return;
      }
      throw error;
    }
    const headers: Record<string, string | string[] | undefined> = { ...req.headers };
    // AppSync's ctx.identity.sourceIp comes from X-Forwarded-For; a direct caller is its own source.
    if (!headers['x-forwarded-for']) headers['x-forwarded-for'] = req.socket.remoteAddress ?? '127.0.0.1';
    const url = new URL(req.url ?? '/', 'http://localhost');
    const auth = await options.auth.authenticate({ method: 'POST', path: url.pathname + url.search, headers, body });
    if (!auth.ok) {
      sendJson(res, auth.httpStatus, { errors: [{ errorType: auth.errorType, message: auth.message }] }, { 'x-amzn-errortype': auth.errorType });
      return;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      sendJson(res, 400, { errors: [{ errorType: 'MalformedHttpRequestException', message: 'Unable to parse the JSON document.' }] });
      return;
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      sendJson(res, 400, { errors: [{ errorType: 'MalformedHttpRequestException', message: 'The request body must be a JSON object with a query.' }] });
      return;
    }
    const headersForResolvers = resolverHeaders(req);
    const response = await options.executor.execute(parsed as Record<string, unknown>, {
      mode: auth.mode,
      identity: auth.identity,
      authType: auth.authType,
      headers: headersForResolvers,
    });
    sendJson(res, 200, response);
  }

  return (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const route = `${req.method} ${url.pathname}`;
    const done = (promise: Promise<void>): void => {
      promise.catch((error: unknown) => {
        if (!res.headersSent) sendJson(res, 500, { errors: [{ errorType: 'InternalFailure', message: error instanceof Error ? error.message : String(error) }] });
        else res.end();
      });
    };
    if (req.method === 'OPTIONS') {
      res.writeHead(204, CORS_HEADERS);
      res.end();
    } else if (route === 'POST /graphql') {
      done(graphql(req, res));
    } else if (route === 'GET /' || route === 'GET /index.html') {
      sendHtml(res, landingPage(options.info()));
    } else if ((req.method === 'GET' || req.method === 'HEAD') && isConsolePath(url.pathname)) {
      done(serveConsole(req, res, { apiKey: options.info().apiKey, iam: options.info().iam }));
    } else if ((req.method === 'GET' || req.method === 'HEAD') && isWebPath(url.pathname)) {
      done(serveWeb(req, res, options.info()));
    } else if (url.pathname === '/graphql') {
      sendJson(res, 405, { errors: [{ errorType: 'MalformedHttpRequestException', message: `${req.method} is not supported: send a POST.` }] });
    } else {
      sendJson(res, 404, { errors: [{ errorType: 'NotFoundException', message: `Nothing at ${url.pathname}.` }] });
    }
  };
}
