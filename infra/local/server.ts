/**
 * The HTTP face of the local AppSync: `POST /graphql` (auth first, then GraphQL, AppSync-shaped
 * answers), a landing page at `/`, the GraphQL console (GraphiQL, clients/console) at `/console/`, and
 * whatever routes the host application passes in (Foreman's web page at `/app/` with its `/config.json`). The same handler
 * serves HTTP and HTTPS; the real-time WebSocket attaches to the same servers (stack.ts).
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { BodyTooLargeError, readBodyWithin, TrustBoundary } from './boundary';
import type { Authenticator } from './contracts';
import type { LocalExecutor } from './graphql/executor';
import { MAX_REQUEST_BYTES } from '../limits';
import { isConsolePath, serveConsole } from '../../clients/console/serve';

export interface ServerInfo {
  graphqlUrl: string;
  realtimeUrl: string;
  graphqlTlsUrl: string | null;
  apiKey: string;
  iam: { region: string; accessKeyId: string; secretAccessKey: string };
}

/**
 * A route the host application adds (web page, config.json, console…): return true when it takes
 * the request (it answers it, possibly later), false to let the next route look at it.
 */
export type ExtraRoute = (req: IncomingMessage, res: ServerResponse, info: ServerInfo) => boolean;

export interface HandlerOptions {
  /** Tried in order after POST /graphql and CORS preflight, before the built-in pages. */
  routes?: ExtraRoute[];
  executor: LocalExecutor;
  auth: Authenticator;
  info: () => ServerInfo;
  /** The hosts and origins this stack serves (filled in by stack.ts once its ports are known). */
  boundary: TrustBoundary;
  /** Larger request bodies are refused with 413 before they are read. Default infra/limits.ts MAX_REQUEST_BYTES. */
  maxBodyBytes?: number;
}

function sendJson(res: ServerResponse, status: number, body: unknown, extra: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  // AppSync names every answer with a request id; clients print it in error reports.
  res.writeHead(status, {
    'content-type': 'application/json; charset=UTF-8',
    'content-length': Buffer.byteLength(text),
    'x-amzn-requestid': randomUUID(),
    ...extra,
  });
  res.end(text);
}

function sendHtml(res: ServerResponse, html: string): void {
  res.writeHead(200, { 'content-type': 'text/html; charset=UTF-8', 'content-length': Buffer.byteLength(html) });
  res.end(html);
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
  // Without an API key (Foreman's stack), a user pool token: `foreman users token NAME` prints one.
  const credential = info.apiKey ? `-H 'x-api-key: ${info.apiKey}'` : `-H "authorization: $(npx foreman users token foreman-admin)"`;
  const curl = `curl -s ${info.graphqlUrl} -H 'content-type: application/json' ${credential} -d '{"query":"{ listCustomers(limit: 5) { items { id email name } nextToken } }"}'`;
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Foreman local AppSync</title>
<style>body{font:15px/1.5 system-ui,sans-serif;max-width:52rem;margin:2rem auto;padding:0 1rem}code,pre{background:#f3f3f3;padding:.1rem .3rem;border-radius:3px}pre{padding:.6rem;overflow:auto}</style></head>
<body><h1>Foreman — local AppSync</h1>
<p>An AppSync-compatible endpoint running the project's APPSYNC_JS resolvers against DynamoDB Local.</p>
<ul>
<li>GraphQL: <code>${escapeHtml(info.graphqlUrl)}</code>${info.graphqlTlsUrl ? ` and <code>${escapeHtml(info.graphqlTlsUrl)}</code>` : ''}</li>
<li>Real-time: <code>${escapeHtml(info.realtimeUrl)}</code></li>
${info.apiKey ? `<li>API key (<code>x-api-key</code>): <code>${escapeHtml(info.apiKey)}</code></li>` : `<li>Sign in: the local user pool at <code>/cognito/</code> (Cognito's protocol); <code>npx foreman users add NAME --group importers</code>, <code>npx foreman users token NAME</code> for an <code>authorization</code> header</li>`}
<li>AWS_IAM (SigV4, service <code>appsync</code>, region <code>${escapeHtml(info.iam.region)}</code>): access key id <code>${escapeHtml(info.iam.accessKeyId)}</code>, secret <code>${escapeHtml(info.iam.secretAccessKey)}</code></li>
</ul>
<p><a href="/app/">Import a CSV file (the web page)</a> · <a href="/console/">Open the GraphQL console</a></p>
<pre>${escapeHtml(curl)}</pre>
</body></html>`;
}

/** The request handler shared by the HTTP and HTTPS servers. */
export function createRequestHandler(options: HandlerOptions): (req: IncomingMessage, res: ServerResponse) => void {
  const limit = options.maxBodyBytes ?? MAX_REQUEST_BYTES;
  const { boundary } = options;

  async function graphql(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let body: string;
    try {
      body = await readBodyWithin(req, limit);
    } catch (error) {
      if (error instanceof BodyTooLargeError) {
        // The rest of the body is drained, not kept (infra/local/boundary.ts).
        sendJson(res, 413, { errors: [{ errorType: 'PayloadTooLargeException', message: error.message }] }, { 'x-amzn-errortype': 'PayloadTooLargeException' });
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
    const refusal = boundary.check(req);
    if (refusal) {
      req.resume();
      sendJson(res, refusal.status, { errors: [{ errorType: refusal.errorType, message: refusal.message }] }, { connection: 'close', 'x-amzn-errortype': refusal.errorType });
      return;
    }
    // A grant for the stack's own origins only (the http and https listeners call each other).
    for (const [name, value] of Object.entries(boundary.corsHeaders(req.headers.origin))) res.setHeader(name, value);
    const url = new URL(req.url ?? '/', 'http://localhost');
    const route = `${req.method} ${url.pathname}`;
    const done = (promise: Promise<void>): void => {
      promise.catch((error: unknown) => {
        if (!res.headersSent) sendJson(res, 500, { errors: [{ errorType: 'InternalFailure', message: error instanceof Error ? error.message : String(error) }] });
        else res.end();
      });
    };
    if (req.method === 'OPTIONS') {
      res.writeHead(204);
      res.end();
    } else if (route === 'POST /graphql') {
      done(graphql(req, res));
    } else if (options.routes?.some((r) => r(req, res, options.info()))) {
      // taken by a host route
    } else if (route === 'GET /' || route === 'GET /index.html') {
      sendHtml(res, landingPage(options.info()));
    } else if ((req.method === 'GET' || req.method === 'HEAD') && isConsolePath(url.pathname)) {
      done(serveConsole(req, res, { apiKey: options.info().apiKey, iam: options.info().iam }));
    } else if (url.pathname === '/graphql') {
      sendJson(res, 405, { errors: [{ errorType: 'MalformedHttpRequestException', message: `${req.method} is not supported: send a POST.` }] });
    } else {
      sendJson(res, 404, { errors: [{ errorType: 'NotFoundException', message: `Nothing at ${url.pathname}.` }] });
    }
  };
}
