/**
 * The AppSync real-time WebSocket endpoint of the local stack, attached to the same HTTP(S) server
 * as `/graphql`, fed by `publish(MutationEvent)` after every mutation field.
 *
 * Protocol (https://docs.aws.amazon.com/appsync/latest/devguide/real-time-websocket-client.html):
 *   upgrade on /graphql/realtime (also /graphql, AppSync's path on its realtime host) with subprotocol
 *   `graphql-ws`; credentials in `?header=…&payload=e30=`, in a `header-<base64url>` subprotocol or in
 *   plain headers; `connection_init` → `connection_ack {connectionTimeoutMs}` (or `connection_error`
 *   and close); periodic `ka`; `start` (own authorization in `extensions`) → `start_ack` | `error`;
 *   `data`; `stop` → `complete`.
 * Semantics (aws-appsync-real-time-data.html, aws-appsync-real-time-enhanced-filtering.html): argument
 * filters, enhanced filters from the subscription resolver (never combined with argument filters),
 * auth directives at `start`, the mutation's selection is what subscribers receive.
 */
import type { IncomingMessage, Server as HttpServer } from 'node:http';
import type { Server as HttpsServer } from 'node:https';
import type { Duplex } from 'node:stream';
import { WebSocketServer, WebSocket, type RawData } from 'ws';
import type { GraphQLSchema } from 'graphql';
import type { AuthResult, MutationEvent, RealtimeDeps, RealtimeHandle } from '../contracts';
import { connectHeaders, normaliseHeaders, offeredSubprotocols, type HeaderMap } from './connectAuth';
import { parseSubscriptionFilter, matchesFilter, type SubscriptionFilter } from './filters';
import {
  CONNECTION_TIMEOUT_MS,
  DEFAULT_KEEP_ALIVE_INTERVAL_MS,
  GRAPHQL_WS,
  MAX_PAYLOAD_BYTES,
  fieldUnauthorizedError,
  realtimeAuthError,
  unauthorizedError,
  unsupportedOperationError,
  type ErrorEntry,
  type ServerMessage,
} from './protocol';
import { SubscriptionResolverRunner, wiringCodeSource, type SubscriptionCodeSource } from './resolvers';
import { CONNECTION_INIT_TIMEOUT_MS, QUERY_DEPTH_LIMIT } from '../../limits';
import { matchesArguments, prepareStart, shapePayload, shapingSchema, subscribedMutations, type PreparedStart } from './subscriptions';

export interface RealtimeOptions {
  /** `ka` period. Default one minute, as AppSync; tests use a few milliseconds. */
  keepAliveIntervalMs?: number;
  /** Subscription resolver code; default: the wiring table, bundled. */
  codeSource?: SubscriptionCodeSource;
  /** Where to report what AppSync reports only in CloudWatch (e.g. a dropped oversized payload). */
  log?: (line: string) => void;
  /** Default 240 KB, AppSync's limit. */
  maxPayloadBytes?: number;
  /**
   * A connection that has not sent `connection_init` by then is closed (4408). Default 300,000 ms,
   * AppSync's documented connection timeout (infra/limits.ts); tests use a few milliseconds.
   */
  connectionInitTimeoutMs?: number;
  /** AppSync's queryDepthLimit for subscription documents. Default infra/limits.ts. */
  queryDepthLimit?: number;
  /** Refuses an upgrade before the handshake (the stack's Host/Origin check, infra/local/boundary.ts). */
  verifyUpgrade?: (request: IncomingMessage) => { status: number; errorType: string; message: string } | null;
}

/** The close code for a connection that never sent `connection_init` (graphql-ws uses the same; AppSync documents none). */
export const INIT_TIMEOUT_CLOSE_CODE = 4408;

export const REALTIME_PATHS = ['/graphql/realtime', '/graphql'];

interface ActiveSubscription {
  id: string;
  start: PreparedStart;
  filter: SubscriptionFilter | null;
}

interface Connection {
  socket: WebSocket;
  auth: Promise<AuthResult>;
  acked: boolean;
  subscriptions: Map<string, ActiveSubscription>;
  pendingStarts: Set<string>;
  /** Messages are handled one after another, so a stop cannot overtake its start. */
  queue: Promise<void>;
  /** Closes the connection if `connection_init` does not come in time; cleared by the ack or the close. */
  initTimer: NodeJS.Timeout | null;
}

function send(socket: WebSocket, message: ServerMessage): void {
  if (socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(message));
}

function refuseUpgrade(socket: Duplex, status: number, reason: string, body: unknown): void {
  const text = JSON.stringify(body);
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(text)}\r\n\r\n${text}`,
  );
}

/**
 * Serves the AppSync real-time protocol on `server`'s `/graphql/realtime`.
 * @example
 * const realtime = attachRealtime(httpServer, { schema, auth, runtime, env });
 * realtime.publish({ fieldName: 'importCustomers', arguments: { input }, payload: { ingestionId, processed } });
 */
export function attachRealtime(server: HttpServer | HttpsServer, deps: RealtimeDeps, options: RealtimeOptions = {}): RealtimeHandle {
  const keepAliveMs = options.keepAliveIntervalMs ?? DEFAULT_KEEP_ALIVE_INTERVAL_MS;
  const maxPayload = options.maxPayloadBytes ?? MAX_PAYLOAD_BYTES;
  const initTimeoutMs = options.connectionInitTimeoutMs ?? CONNECTION_INIT_TIMEOUT_MS;
  const log = options.log ?? (() => {});
  const topology = subscribedMutations(deps.schema);
  const shaping: GraphQLSchema = shapingSchema(deps.schema);
  const runner = new SubscriptionResolverRunner(deps.runtime, options.codeSource ?? wiringCodeSource);
  const connections = new Set<Connection>();

  const wss = new WebSocketServer({
    noServer: true,
    // ws would otherwise buffer frames of up to 100 MiB; over-240 KB starts still get their error frame.
    maxPayload: Math.max(maxPayload * 4, 1024 * 1024),
    handleProtocols: (protocols) => (protocols.has(GRAPHQL_WS) ? GRAPHQL_WS : false),
  });

  const keepAlive = setInterval(() => {
    for (const c of connections) if (c.acked) send(c.socket, { type: 'ka' });
  }, keepAliveMs);
  keepAlive.unref();

  function onUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    if (!REALTIME_PATHS.includes(path)) {
      // Someone else may serve other upgrade paths; if nobody does, answer rather than hang.
      if (server.listenerCount('upgrade') === 1) refuseUpgrade(socket, 404, 'Not Found', { message: `No WebSocket endpoint at ${path}` });
      return;
    }
    const refusal = options.verifyUpgrade?.(request);
    if (refusal) {
      refuseUpgrade(socket, refusal.status, 'Forbidden', { errors: [{ errorType: refusal.errorType, message: refusal.message }] });
      return;
    }
    if (!offeredSubprotocols(request).includes(GRAPHQL_WS)) {
      refuseUpgrade(socket, 400, 'Bad Request', {
        errorType: 'BadRequestException',
        message: `The real-time endpoint requires the '${GRAPHQL_WS}' subprotocol.`,
      });
      return;
    }
    wss.handleUpgrade(request, socket, head, (ws) => onConnection(ws, request));
  }
  server.on('upgrade', onUpgrade);

  function onConnection(socket: WebSocket, request: IncomingMessage): void {
    const headers = connectHeaders(request);
    const auth: Promise<AuthResult> = headers
      ? deps.auth.authenticate({ method: 'POST', path: '/graphql/connect', headers, body: '{}' }).catch((error: unknown) => ({
          ok: false as const,
          errorType: 'UnauthorizedException',
          message: error instanceof Error ? error.message : String(error),
          httpStatus: 401,
        }))
      : Promise.resolve({ ok: false as const, errorType: 'UnauthorizedException', message: unauthorizedError().message, httpStatus: 401 });
    const connection: Connection = { socket, auth, acked: false, subscriptions: new Map(), pendingStarts: new Set(), queue: Promise.resolve(), initTimer: null };
    connections.add(connection);
    connection.initTimer = setTimeout(() => {
      connection.initTimer = null;
      if (!connection.acked) socket.close(INIT_TIMEOUT_CLOSE_CODE, 'Connection initialisation timeout');
    }, initTimeoutMs);
    connection.initTimer.unref();
    const forget = (): void => {
      if (connection.initTimer) clearTimeout(connection.initTimer);
      connection.initTimer = null;
      connections.delete(connection);
    };
    socket.on('close', forget);
    socket.on('error', forget);
    socket.on('message', (raw, isBinary) => {
      connection.queue = connection.queue
        .then(() => onMessage(connection, raw, isBinary))
        .catch((error: unknown) => log(`realtime: ${error instanceof Error ? error.stack : String(error)}`));
    });
  }

  async function onMessage(c: Connection, raw: RawData, isBinary: boolean): Promise<void> {
    const text = isBinary ? '' : raw.toString();
    let message: { type?: unknown; id?: unknown; payload?: unknown };
    try {
      message = JSON.parse(text) as typeof message;
    } catch {
      send(c.socket, { type: 'error', payload: { errors: [unsupportedOperationError()] } });
      return;
    }
    if (message.type === 'connection_init') {
      const result = await c.auth;
      if (!result.ok) {
        // Frame as captured from AppSync (amplify-flutter#2763); then AppSync drops the connection.
        // AWS documents no close code; we close normally (1000).
        send(c.socket, {
          type: 'connection_error',
          payload: { errors: [realtimeAuthError(result)] },
        });
        c.socket.close(1000);
        return;
      }
      c.acked = true;
      if (c.initTimer) clearTimeout(c.initTimer);
      c.initTimer = null;
      send(c.socket, { type: 'connection_ack', payload: { connectionTimeoutMs: CONNECTION_TIMEOUT_MS } });
      // AppSync sends a first `ka` right after the ack (amplify-js#9226 logs), then periodically.
      send(c.socket, { type: 'ka' });
      return;
    }
    // "Messages sent before the connection_ack are ignored" (real-time-websocket-client.html).
    if (!c.acked) return;
    if (message.type === 'start') return startSubscription(c, message, text);
    if (message.type === 'stop') return stopSubscription(c, message.id);
    send(c.socket, { type: 'error', payload: { errors: [unsupportedOperationError()] } });
  }

  async function startSubscription(c: Connection, message: { id?: unknown; payload?: unknown }, text: string): Promise<void> {
    const id = message.id;
    if (typeof id !== 'string' || id === '') {
      send(c.socket, { type: 'error', payload: { errors: [{ errorType: 'BadRequestException', message: 'A start message needs an id.' }] } });
      return;
    }
    const fail = (errors: ErrorEntry[]) => send(c.socket, { type: 'error', id, payload: { errors } });
    // Local choice [U]: AWS documents that ids must be unique but not the exact error it sends.
    if (c.subscriptions.has(id) || c.pendingStarts.has(id)) {
      return fail([{ errorType: 'DuplicatedOperationError', message: `Subscription id ${id} is already in use on this connection.` }]);
    }
    // Local choice [U]: the 240 KB limit applies to messages; AWS does not document the refusal's wording.
    if (Buffer.byteLength(text) > maxPayload) {
      return fail([{ errorType: 'BadRequestException', message: `The start message exceeds the ${maxPayload / 1024} KB limit.` }]);
    }
    c.pendingStarts.add(id);
    try {
      const payload = (message.payload ?? {}) as { data?: unknown; extensions?: { authorization?: unknown } };
      const authorization = payload.extensions?.authorization;
      const data = typeof payload.data === 'string' ? payload.data : JSON.stringify(payload.data ?? null);
      if (!authorization || typeof authorization !== 'object') return fail([unauthorizedError()]);
      const headers: HeaderMap = normaliseHeaders(authorization as Record<string, unknown>);
      const auth = await deps.auth.authenticate({ method: 'POST', path: '/graphql', headers, body: data });
      if (!auth.ok) return fail([realtimeAuthError(auth)]);

      const prepared = prepareStart(deps.schema, payload.data, options.queryDepthLimit ?? QUERY_DEPTH_LIMIT);
      if (!prepared.ok) return fail(prepared.errors);
      const start = prepared.start;
      if (!deps.auth.isFieldAllowed('Subscription', start.fieldName, auth.mode, auth.identity)) {
        return fail([fieldUnauthorizedError('Subscription', start.fieldName)]);
      }
      const resolution = await runner.resolve(start.fieldName, {
        arguments: start.arguments,
        source: null,
        identity: auth.identity,
        request: { headers: headers as Record<string, string | string[]>, domainName: null },
        info: {
          fieldName: start.fieldName,
          parentTypeName: 'Subscription',
          variables: start.variables,
          selectionSetList: start.selectionSetList,
          selectionSetGraphQL: start.selectionSetGraphQL,
        },
        env: deps.env,
        stash: {},
        authType: auth.authType,
      });
      if (!resolution.ok) {
        const e = resolution.error;
        return fail([{ ...(e.errorType ? { errorType: e.errorType } : {}), message: e.message }]);
      }
      let filter: SubscriptionFilter | null = null;
      if (resolution.hasFilter && resolution.filter !== null && resolution.filter !== undefined) {
        try {
          filter = parseSubscriptionFilter(resolution.filter);
        } catch (error) {
          return fail([{ errorType: 'InvalidSubscriptionFilter', message: (error as Error).message }]);
        }
      }
      if (c.socket.readyState !== WebSocket.OPEN) return;
      c.subscriptions.set(id, { id, start, filter });
      send(c.socket, { type: 'start_ack', id });
    } finally {
      c.pendingStarts.delete(id);
    }
  }

  function stopSubscription(c: Connection, id: unknown): void {
    if (typeof id === 'string' && c.subscriptions.delete(id)) {
      send(c.socket, { type: 'complete', id });
      return;
    }
    // Local choice [U]: AWS does not document the answer to a stop for an id it does not know.
    send(c.socket, {
      type: 'error',
      ...(typeof id === 'string' ? { id } : {}),
      payload: { errors: [{ errorType: 'UnknownOperationError', message: `No subscription with id ${String(id)} on this connection.` }] },
    });
  }

  function publish(event: MutationEvent): void {
    // Subscribers with the same document and variables get the same payload: shape it once.
    const shaped = new Map<string, string>();
    for (const [subscriptionField, mutations] of topology) {
      if (!mutations.has(event.fieldName)) continue;
      for (const c of connections) {
        if (!c.acked) continue;
        for (const sub of c.subscriptions.values()) {
          if (sub.start.fieldName !== subscriptionField) continue;
          // Enhanced filters replace argument filters; the two are never combined.
          const matches = sub.filter ? matchesFilter(sub.filter, event.payload) : matchesArguments(sub.start.arguments, event.payload);
          if (!matches) continue;
          let payload = shaped.get(sub.start.shapeKey);
          if (payload === undefined) {
            payload = JSON.stringify(shapePayload(shaping, sub.start, event.payload));
            shaped.set(sub.start.shapeKey, payload);
          }
          const frame = `{"id":${JSON.stringify(sub.id)},"type":"data","payload":${payload}}`;
          if (Buffer.byteLength(frame) > maxPayload) {
            // AppSync drops it silently (aws-appsync-community#33, #175); the mutation is unaffected.
            log(`realtime: ${event.fieldName} → ${subscriptionField} payload of ${Buffer.byteLength(frame)} bytes exceeds ${maxPayload}; not delivered`);
            continue;
          }
          if (c.socket.readyState === WebSocket.OPEN) c.socket.send(frame);
        }
      }
    }
  }

  return {
    publish,
    connectionCount: () => connections.size,
    async close() {
      clearInterval(keepAlive);
      server.off('upgrade', onUpgrade);
      for (const c of connections) {
        if (c.initTimer) clearTimeout(c.initTimer);
        c.socket.terminate();
      }
      connections.clear();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}
