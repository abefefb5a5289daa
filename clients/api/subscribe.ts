/**
 * A typed subscription over AppSync's real-time WebSocket protocol (subprotocol `graphql-ws`), the
 * counterpart of `createClient` for subscriptions. Works with the browser's WebSocket and with
 * Node's `ws`, with Cognito user pools (JWT), IAM (SigV4) or API-key auth, against AWS AppSync and the local stack alike.
 *
 * Protocol: https://docs.aws.amazon.com/appsync/latest/devguide/real-time-websocket-client.html —
 * connect with `?header=<base64 JSON>&payload=e30=`, `connection_init` → `connection_ack`, `start`
 * (its own authorization in `extensions`) → `start_ack`, `data`…, `stop` → `complete`; the server's
 * `ka` frames prove the connection alive within `connectionTimeoutMs`.
 */
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print } from 'graphql';
import { resolveToken, signAppSyncRequest, type AppSyncGraphQLError, type ClientAuth } from './client';

/** The WebSocket surface this helper needs: the browser's WebSocket and `ws` both provide it. */
export interface WebSocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((event: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onclose: ((event: { code: number; reason: string }) => void) | null;
  onerror: ((event: unknown) => void) | null;
}

export type WebSocketConstructor = new (url: string, protocols: string[], options?: Record<string, unknown>) => WebSocketLike;

export interface SubscribeOptions {
  /** The GraphQL endpoint, e.g. `https://x.appsync-api.eu-west-1.amazonaws.com/graphql` or `http://127.0.0.1:4000/graphql`. */
  url: string;
  auth: ClientAuth;
  /** Default: derived from `url` as Amplify JS does (see `realtimeUrlFor`). */
  realtimeUrl?: string;
  /** Default: `globalThis.WebSocket`, else the `ws` package (Node 20). */
  WebSocket?: WebSocketConstructor;
  /** Passed to `ws` as its third argument, e.g. `{ ca }` to trust the local stack's certificate. */
  webSocketOptions?: Record<string, unknown>;
}

export interface SubscriptionHandlers<R> {
  /** One call per `data` frame, typed by the document. */
  next(data: R): void;
  /** The connect or start was refused, the connection dropped, or a `data` frame carried errors. */
  error?(error: SubscriptionError): void;
  /** After `unsubscribe()` (the server answered `complete`). */
  complete?(): void;
}

/** AppSync refused or ended the subscription; `errors` are AppSync's error entries. */
export class SubscriptionError extends Error {
  override name = 'SubscriptionError';
  constructor(
    message: string,
    readonly errors: (AppSyncGraphQLError & { errorCode?: number })[] = [],
    /** True when the subscription is over (refusal, dropped connection); false for errors beside data. */
    readonly fatal = true,
  ) {
    super(message);
  }
  get errorType(): string | undefined {
    return this.errors[0]?.errorType ?? undefined;
  }
}

/** Stops the subscription. `ready` settles when the server acknowledged (`start_ack`) or refused it. */
export type Unsubscribe = (() => void) & { ready: Promise<void> };

/** Same headers Amplify JS signs for real-time requests (AWS_APPSYNC_REALTIME_HEADERS). */
const REALTIME_SIGNED_HEADERS = {
  accept: 'application/json, text/javascript',
  'content-encoding': 'amz-1.0',
  'content-type': 'application/json; charset=UTF-8',
};

const STANDARD_DOMAIN = /^https:\/\/\w{26}\.appsync-api\.\w{2}(?:(?:-\w{2,})+)-\d\.amazonaws\.com(?:\.cn)?\/graphql$/i;

/**
 * The real-time URL for a GraphQL endpoint, as Amplify JS derives it: AppSync's own domain swaps
 * `appsync-api` for `appsync-realtime-api`; any other (custom domain, local stack) appends `/realtime`.
 * `https` becomes `wss`, `http` becomes `ws` (Amplify always uses `wss`; plain `ws` is for the local stack).
 */
export function realtimeUrlFor(graphqlUrl: string): string {
  const url = STANDARD_DOMAIN.test(graphqlUrl) ? graphqlUrl.replace('appsync-api', 'appsync-realtime-api') : `${graphqlUrl.replace(/\/$/, '')}/realtime`;
  return url.replace(/^https:/, 'wss:').replace(/^http:/, 'ws:');
}

async function authHeaders(graphqlUrl: URL, path: string, body: string, auth: ClientAuth): Promise<Record<string, string>> {
  if (auth.mode === 'API_KEY') return { host: graphqlUrl.host, 'x-api-key': auth.apiKey };
  // real-time-websocket-client.html, "Amazon Cognito user pools and OpenID Connect": {host, Authorization}.
  if (auth.mode === 'AMAZON_COGNITO_USER_POOLS') return { host: graphqlUrl.host, Authorization: await resolveToken(auth.token) };
  const target = new URL(graphqlUrl);
  target.pathname = path;
  return signAppSyncRequest(target, body, auth, REALTIME_SIGNED_HEADERS);
}

function base64(text: string): string {
  if (typeof Buffer !== 'undefined') return Buffer.from(text, 'utf8').toString('base64');
  return btoa(String.fromCharCode(...new TextEncoder().encode(text)));
}

async function defaultWebSocket(): Promise<WebSocketConstructor> {
  const global = (globalThis as { WebSocket?: unknown }).WebSocket;
  if (typeof global === 'function') return global as WebSocketConstructor;
  const mod = (await import('ws')) as { default: unknown };
  return mod.default as WebSocketConstructor;
}

let nextId = 0;

type VariablesArg<V> = keyof V extends never ? V | undefined : V;

/**
 * Opens one WebSocket, starts the subscription, and calls `handlers.next` with each event's data.
 * @example
 * const stop = subscribe({ url, auth: { mode: 'API_KEY', apiKey } }, OnIngestionProgressDocument, { ingestionId }, {
 *   next: ({ onIngestionProgress }) => console.log(onIngestionProgress?.processed),
 *   error: (e) => console.error(e.message),
 * });
 * await stop.ready; // start_ack received
 * stop();
 */
export function subscribe<R, V extends Record<string, unknown>>(
  options: SubscribeOptions,
  document: TypedDocumentNode<R, V>,
  variables: VariablesArg<V>,
  handlers: SubscriptionHandlers<R>,
): Unsubscribe {
  const id = `sub-${Date.now().toString(36)}-${(nextId += 1)}`;
  let socket: WebSocketLike | null = null;
  let stopped = false;
  let started = false;
  let finished = false;
  let kaTimer: ReturnType<typeof setTimeout> | undefined;
  let settleReady: { resolve: () => void; reject: (e: SubscriptionError) => void };
  const ready = new Promise<void>((resolve, reject) => {
    settleReady = { resolve, reject };
  });
  // A refusal is reported through handlers.error; `ready` rejecting must not be an unhandled rejection.
  ready.catch(() => {});

  const finish = (error?: SubscriptionError) => {
    if (finished) return;
    finished = true;
    if (kaTimer) clearTimeout(kaTimer);
    if (error) {
      settleReady.reject(error);
      handlers.error?.(error);
    } else {
      handlers.complete?.();
    }
    if (socket && socket.readyState <= 1) socket.close(1000);
  };

  const armKeepAlive = (timeoutMs: number) => {
    if (kaTimer) clearTimeout(kaTimer);
    kaTimer = setTimeout(() => finish(new SubscriptionError(`No keep-alive from ${options.url} within ${timeoutMs} ms; the connection is considered dead.`)), timeoutMs);
    (kaTimer as { unref?: () => void }).unref?.();
  };

  void (async () => {
    const graphqlUrl = new URL(options.url);
    const data = JSON.stringify({ query: print(document), variables: variables ?? {} });
    const [connect, start, WS] = await Promise.all([
      authHeaders(graphqlUrl, `${graphqlUrl.pathname.replace(/\/$/, '')}/connect`, '{}', options.auth),
      authHeaders(graphqlUrl, graphqlUrl.pathname, data, options.auth),
      options.WebSocket ? Promise.resolve(options.WebSocket) : defaultWebSocket(),
    ]);
    if (stopped) return finish();
    const url = new URL(options.realtimeUrl ?? realtimeUrlFor(options.url));
    url.searchParams.set('header', base64(JSON.stringify(connect)));
    url.searchParams.set('payload', 'e30=');
    const ws = new WS(url.toString(), ['graphql-ws'], options.webSocketOptions);
    socket = ws;
    let connectionTimeoutMs = 300_000;
    ws.onopen = () => ws.send(JSON.stringify({ type: 'connection_init' }));
    ws.onerror = () => {};
    ws.onclose = (event) => {
      if (!finished) finish(stopped ? undefined : new SubscriptionError(`The real-time connection to ${url.host} closed (${event.code}${event.reason ? ` ${event.reason}` : ''}).`));
    };
    ws.onmessage = (event) => {
      let frame: { type?: string; id?: string; payload?: { connectionTimeoutMs?: number; data?: unknown; errors?: AppSyncGraphQLError[] } };
      try {
        frame = JSON.parse(String(event.data)) as typeof frame;
      } catch {
        return;
      }
      switch (frame.type) {
        case 'connection_ack':
          connectionTimeoutMs = frame.payload?.connectionTimeoutMs ?? connectionTimeoutMs;
          armKeepAlive(connectionTimeoutMs);
          ws.send(JSON.stringify({ id, type: 'start', payload: { data, extensions: { authorization: start } } }));
          return;
        case 'ka':
          armKeepAlive(connectionTimeoutMs);
          return;
        case 'connection_error':
          return finish(new SubscriptionError(describe('Connection refused', frame.payload?.errors), frame.payload?.errors ?? []));
        case 'start_ack':
          if (frame.id !== id) return;
          started = true;
          settleReady.resolve();
          if (stopped) ws.send(JSON.stringify({ type: 'stop', id }));
          return;
        case 'data':
          if (frame.id !== id) return;
          if (frame.payload?.errors?.length) handlers.error?.(new SubscriptionError(describe('Event with errors', frame.payload.errors), frame.payload.errors, false));
          if (frame.payload?.data) handlers.next(frame.payload.data as R);
          return;
        case 'complete':
          if (frame.id === id) finish();
          return;
        case 'error':
          if (frame.id === undefined || frame.id === id) finish(new SubscriptionError(describe('Subscription refused', frame.payload?.errors), frame.payload?.errors ?? []));
          return;
      }
    };
  })().catch((error: unknown) => finish(new SubscriptionError(error instanceof Error ? error.message : String(error))));

  const unsubscribe = (() => {
    if (stopped) return;
    stopped = true;
    // Before start_ack the stop is sent when the ack arrives (see 'start_ack' above); before the
    // socket exists the connect is abandoned once the auth headers are ready.
    if (!socket || !started) return;
    if (socket.readyState !== 1) return finish();
    socket.send(JSON.stringify({ type: 'stop', id }));
    // If the server never answers `complete`, close anyway.
    const fallback = setTimeout(() => finish(), 2000);
    (fallback as { unref?: () => void }).unref?.();
  }) as Unsubscribe;
  unsubscribe.ready = ready;
  return unsubscribe;
}

function describe(prefix: string, errors: AppSyncGraphQLError[] | undefined): string {
  const first = errors?.[0];
  return first ? `${prefix}: ${first.errorType ? `${first.errorType}: ` : ''}${first.message}` : prefix;
}
