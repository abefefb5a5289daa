/**
 * `startLocalStack()`: the embedded AppSync in one call — DynamoDB Local, the wiring table's
 * tables, the APPSYNC_JS runtime with every wired resolver loaded, `POST /graphql` over HTTP (and
 * HTTPS with a generated self-signed certificate), the real-time WebSocket on both, API key and
 * IAM auth. What `foreman serve`, `foreman ingest` and the integration tests start.
 */
import { randomInt } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { generate } from 'selfsigned';
import { tables, type TableId } from '../wiring';
import { createAuthenticator, LOCAL_IAM } from './auth';
import { TrustBoundary } from './boundary';
import { DEFAULT_LIMITS } from '../limits';
import type { LocalStack, LocalStackOptions, MutationEvent, RealtimeHandle } from './contracts';
import { LOCAL_DYNAMODB_CREDENTIALS, LOCAL_DYNAMODB_REGION, PortInUseError, portTaken, startDynamoDbLocal, type DynamoDbLocal } from './dynamodb/local';
import { ensureTables } from './dynamodb/tables';
import { createExecutor, type LocalWiring } from './graphql/executor';
import { buildLocalSchema } from './graphql/schema';
import { attachRealtime } from './realtime';
import { createRuntime } from './runtime';
import { createRequestHandler } from './server';
import { isProcessAlive, readServerRecord, serverRecordPath, type ServerRecord } from './serverRecord';

export { JavaMissingError, PortInUseError } from './dynamodb/local';
export { WiredCodeError } from './graphql/executor';
export type { ServerRecord } from './serverRecord';

/** Another stack already serves this data directory (DynamoDB Local's files can have one owner). */
export class StackAlreadyRunningError extends Error {
  override name = 'StackAlreadyRunningError';
  constructor(
    readonly pid: number,
    dataDir: string,
    url: string | null,
  ) {
    super(
      url
        ? `A Foreman local stack (pid ${pid}) is already serving ${dataDir} at ${url}: use it, or stop it first.`
        : `Another Foreman process (pid ${pid}) is using the local data in ${dataDir}: wait for it to finish or stop it first.`,
    );
  }
}

/** Options beyond the contract (`foreman serve`, tests). */
export interface InternalStackOptions {
  /**
   * Announce this stack in `<dataDir>/server.json` while it serves, so that `foreman ingest`
   * reuses it (`foreman serve` does; embedded and test stacks do not).
   */
  announce?: boolean;
  /** Serve another wiring (test fixtures). */
  wiring?: LocalWiring;
  /** Handler console lines. */
  onLog?: (line: string) => void;
}

const API_KEY_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

/** An AppSync-looking API key: `da2-` and 26 lower-case alphanumerics. */
export function generateApiKey(): string {
  let key = 'da2-';
  for (let i = 0; i < 26; i += 1) key += API_KEY_ALPHABET[randomInt(API_KEY_ALPHABET.length)];
  return key;
}

/** The stack serving `dataDir` right now, if any (stale records of dead processes are ignored). */
export function runningStack(dataDir = '.foreman'): ServerRecord | null {
  const record = readServerRecord(dataDir);
  return record && typeof record.pid === 'number' && record.pid !== process.pid && isProcessAlive(record.pid) ? (record as ServerRecord) : null;
}

function loadOrCreateApiKey(dataDir: string): string {
  const file = path.join(dataDir, 'local.json');
  if (existsSync(file)) {
    try {
      const saved = JSON.parse(readFileSync(file, 'utf8')) as { apiKey?: unknown };
      if (typeof saved.apiKey === 'string' && saved.apiKey) return saved.apiKey;
    } catch {
      // unreadable: write a fresh one
    }
  }
  const apiKey = generateApiKey();
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(file, `${JSON.stringify({ apiKey, createdAt: new Date().toISOString() }, null, 2)}\n`);
  return apiKey;
}

async function loadOrCreateCertificate(dataDir: string, host: string): Promise<{ key: string; cert: string }> {
  const dir = path.join(dataDir, 'tls');
  const keyFile = path.join(dir, 'key.pem');
  const certFile = path.join(dir, 'cert.pem');
  if (existsSync(keyFile) && existsSync(certFile)) return { key: readFileSync(keyFile, 'utf8'), cert: readFileSync(certFile, 'utf8') };
  const altNames: { type: 2 | 7; value?: string; ip?: string }[] = [
    { type: 2, value: 'localhost' },
    { type: 7, ip: '127.0.0.1' },
    { type: 7, ip: '::1' },
  ];
  if (host !== '127.0.0.1' && host !== 'localhost' && host !== '0.0.0.0') altNames.push(/^[\d.]+$/.test(host) ? { type: 7, ip: host } : { type: 2, value: host });
  const pems = await generate([{ name: 'commonName', value: 'localhost' }], {
    keySize: 2048,
    algorithm: 'sha256',
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames },
    ],
  } as Parameters<typeof generate>[1]);
  mkdirSync(dir, { recursive: true });
  writeFileSync(keyFile, pems.private, { mode: 0o600 });
  writeFileSync(certFile, pems.cert);
  return { key: pems.private, cert: pems.cert };
}

function listen(server: http.Server | https.Server, port: number, host: string, what: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException): void => {
      reject(error.code === 'EADDRINUSE' ? new PortInUseError(port, host, what) : error);
    };
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

function closeServer(server: http.Server | https.Server): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) {
      resolve();
      return;
    }
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

function urlHost(host: string): string {
  const shown = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  return shown.includes(':') ? `[${shown}]` : shown;
}

/**
 * Starts the whole local stack.
 * @throws JavaMissingError, PortInUseError, StackAlreadyRunningError, WiredCodeError (a wired resolver file is missing or refused)
 * @example
 * const stack = await startLocalStack({ inMemory: true, port: 0, tlsPort: null });
 * console.log(stack.graphqlUrl, stack.apiKey);
 * await stack.stop();
 */
export async function startLocalStack(options: LocalStackOptions = {}, internal: InternalStackOptions = {}): Promise<LocalStack> {
  const dataDir = path.resolve(options.dataDir ?? '.foreman');
  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? 4000;
  const tlsPort = options.tlsPort === undefined ? 4443 : options.tlsPort;
  const inMemory = options.inMemory ?? false;
  const limits = { ...DEFAULT_LIMITS, ...options.limits };

  const announce = internal.announce ?? false;
  if (announce) {
    const running = runningStack(dataDir);
    if (running) throw new StackAlreadyRunningError(running.pid, dataDir, running.graphqlUrl);
  }
  // DynamoDB Local's files can have one owner at a time.
  const lockFile = path.join(dataDir, 'dynamodb.lock');
  if (!inMemory && existsSync(lockFile)) {
    const owner = Number(readFileSync(lockFile, 'utf8').trim());
    if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && isProcessAlive(owner)) throw new StackAlreadyRunningError(owner, dataDir, runningStack(dataDir)?.graphqlUrl ?? null);
  }
  // Fail on a taken port before paying for a JVM start.
  for (const [p, what] of [
    [port, 'GraphQL over HTTP'],
    [tlsPort, 'GraphQL over HTTPS'],
  ] as const) {
    if (p && (await portTaken(p, host))) throw new PortInUseError(p, host, `wanted for ${what}`);
  }

  // An in-memory stack leaves nothing behind unless asked to: its key lives only as long as it.
  const apiKey = options.apiKey ?? (inMemory ? generateApiKey() : loadOrCreateApiKey(dataDir));
  const tableNames = Object.fromEntries(tables.map((t) => [t.id, t.localName])) as Record<TableId, string>;
  const env = Object.fromEntries(tables.map((t) => [t.envVar, tableNames[t.id]]));

  const cleanups: (() => Promise<void>)[] = [];
  const cleanup = async (): Promise<void> => {
    for (const fn of cleanups.splice(0).reverse()) await fn().catch(() => undefined);
  };

  try {
    if (!inMemory) {
      mkdirSync(dataDir, { recursive: true });
      writeFileSync(lockFile, `${process.pid}\n`);
      cleanups.push(async () => rmSync(lockFile, { force: true }));
    }
    const ddb: DynamoDbLocal = await startDynamoDbLocal({ inMemory, dataDir, quiet: options.quiet ?? false });
    cleanups.push(() => ddb.stop());
    await ensureTables(ddb.client, tables, tableNames);

    const schema = buildLocalSchema();
    const auth = createAuthenticator({ schema, apiKey, iam: LOCAL_IAM });
    const runtime = createRuntime();
    const executor = await createExecutor({ schema, runtime, auth, env, dynamodb: ddb.client, tableNames, wiring: internal.wiring, onLog: internal.onLog, limits });

    let info = { graphqlUrl: '', realtimeUrl: '', graphqlTlsUrl: null as string | null, apiKey, iam: { region: LOCAL_IAM.region, accessKeyId: LOCAL_IAM.accessKeyId, secretAccessKey: LOCAL_IAM.secretAccessKey } };
    const boundary = new TrustBoundary();
    const handler = createRequestHandler({ executor, auth, info: () => info, boundary, maxBodyBytes: limits.maxRequestBytes });

    const servers: (http.Server | https.Server)[] = [];
    const httpServer = http.createServer(handler);
    servers.push(httpServer);
    cleanups.push(() => closeServer(httpServer));
    const httpPort = await listen(httpServer, port, host, 'GraphQL over HTTP');
    boundary.serve('http', host, httpPort);

    let httpsPort: number | null = null;
    if (tlsPort !== null) {
      const tls = await loadOrCreateCertificate(dataDir, host);
      const httpsServer = https.createServer({ key: tls.key, cert: tls.cert }, handler);
      servers.push(httpsServer);
      cleanups.push(() => closeServer(httpsServer));
      httpsPort = await listen(httpsServer, tlsPort, host, 'GraphQL over HTTPS');
      boundary.serve('https', host, httpsPort);
    }

    // Real-time on every server; each mutation is published to all of them.
    const realtime: RealtimeHandle[] = servers.map((server) =>
      attachRealtime(server, { schema, auth, runtime, env }, {
        log: internal.onLog,
        connectionInitTimeoutMs: limits.connectionInitTimeoutMs,
        queryDepthLimit: limits.queryDepthLimit,
        verifyUpgrade: (req) => boundary.check(req),
      }),
    );
    // Close sockets before the servers (cleanups run in reverse).
    cleanups.push(async () => {
      await Promise.all(realtime.map((r) => r.close()));
    });
    executor.setPublisher({
      publish(event: MutationEvent) {
        for (const r of realtime) r.publish(event);
      },
    });

    const shownHost = urlHost(host);
    info = {
      ...info,
      graphqlUrl: `http://${shownHost}:${httpPort}/graphql`,
      realtimeUrl: `ws://${shownHost}:${httpPort}/graphql/realtime`,
      graphqlTlsUrl: httpsPort === null ? null : `https://${shownHost}:${httpsPort}/graphql`,
    };

    const recordFile = serverRecordPath(dataDir);
    if (announce) {
      const record: ServerRecord = { graphqlUrl: info.graphqlUrl, realtimeUrl: info.realtimeUrl, apiKey, pid: process.pid };
      mkdirSync(dataDir, { recursive: true });
      writeFileSync(recordFile, `${JSON.stringify(record, null, 2)}\n`);
      cleanups.push(async () => rmSync(recordFile, { force: true }));
    }

    let stopping: Promise<void> | null = null;
    return {
      graphqlUrl: info.graphqlUrl,
      realtimeUrl: info.realtimeUrl,
      graphqlTlsUrl: info.graphqlTlsUrl,
      realtimeTlsUrl: httpsPort === null ? null : `wss://${shownHost}:${httpsPort}/graphql/realtime`,
      apiKey,
      iam: { ...info.iam },
      dynamodb: { endpoint: ddb.endpoint, region: LOCAL_DYNAMODB_REGION, credentials: { ...LOCAL_DYNAMODB_CREDENTIALS } },
      tableNames,
      stop() {
        stopping ??= cleanup();
        return stopping;
      },
    };
  } catch (error) {
    await cleanup();
    throw error;
  }
}
