/**
 * `startLocalAppSync({...})`: a local AppSync for any APPSYNC_JS API, from one options object and
 * nothing else (miniflare's model: no default reads the host repository). DynamoDB Local with the
 * API's tables, every resolver bundled and checked, `POST /graphql` and the real-time WebSocket
 * (HTTPS/WSS too when asked), API key and IAM auth (or the host's own authenticator), the data
 * sources of infra/local/datasources, and whatever routes the host passes in.
 *
 * Start-up runs its slow parts side by side: the JVM, the resolver bundles (cached on disk by
 * content hash under `<dataDir>/bundles`) and the TLS certificate.
 */
import { randomInt } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { buildSchema, type GraphQLSchema } from 'graphql';
import { generate } from 'selfsigned';
import { repoRoot } from '../bundle';
import type { AuthConfig } from './auth';
import { createAuthenticator, LOCAL_IAM } from './auth';
import { cachedBundler } from './bundleCache';
import type { Authenticator, AuthMode, LocalAppSync, MutationEvent, RealtimeHandle } from './contracts';
import type { EventBridgeDataSource, RecordedEvent } from './datasources';
import { LOCAL_DYNAMODB_CREDENTIALS, LOCAL_DYNAMODB_REGION, PortInUseError, portTaken, superviseDynamoDbLocal, type SupervisedDynamoDbLocal } from './dynamodb/local';
import { lockOwner, releaseLock, takeLock, writeLock } from './dynamodb/lock';
import { ensureTables } from './dynamodb/tables';
import { createExecutor, type LocalWiring } from './graphql/executor';
import { installAwsScalars } from './graphql/scalars';
import { attachRealtime } from './realtime';
import { createRuntime } from './runtime';
import { createRequestHandler, type ExtraRoute, type ServerInfo } from './server';
import { TrustBoundary } from './boundary';
import { DEFAULT_LIMITS, type ApiLimits } from '../limits';
import { readServerRecord, isProcessAlive, serverRecordPath, type ServerRecord } from './serverRecord';

export type { ExtraRoute, ServerInfo } from './server';

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
        ? `A local AppSync (pid ${pid}) is already serving ${dataDir} at ${url}: use it, or stop it first.`
        : `Another process (pid ${pid}) is using the local data in ${dataDir}: wait for it to finish or stop it first.`,
    );
  }
}

export interface LocalAppSyncAuth {
  /** The API key accepted in `x-api-key`. Default: generated once and kept in `<dataDir>/local.json` (in memory: a fresh one). Null: no API key mode. */
  apiKey?: string | null;
  /** Accept AWS_IAM (SigV4, service appsync) with these credentials. Default: the fixed local ones (LOCAL_IAM). False: no IAM. */
  iam?: AuthConfig['iam'] | false;
  /** Default API_KEY when there is a key, else AWS_IAM. */
  defaultMode?: AuthMode;
  additionalModes?: AuthMode[];
  /**
   * Build the authenticator yourself (e.g. with a user-pool verifier from infra/local/auth): gets
   * the config the stack would use, returns the Authenticator to use instead.
   */
  create?: (config: AuthConfig) => Authenticator;
}

export interface LocalAppSyncOptions {
  /** SDL of the API, or the schema already built. AppSync's own scalars and directives are added to SDL. */
  schema: string | GraphQLSchema;
  /** Tables, data sources, functions, resolvers. */
  wiring: LocalWiring;
  /** Where relative paths in the wiring start. */
  root: string;
  /** DynamoDB data, the API key, the certificate, the bundle cache, EventBridge logs. */
  dataDir: string;
  /** Keep DynamoDB in memory and write nothing but the bundle cache. Default false. */
  inMemory?: boolean;
  auth?: LocalAppSyncAuth;
  /** `ctx.env` (besides each table's `envVar` → its physical name). */
  env?: Record<string, string>;
  /** Default 127.0.0.1. */
  host?: string;
  /** HTTP port for /graphql and /graphql/realtime. Default 4000; 0 picks a free port. */
  port?: number;
  /** HTTPS/WSS port (self-signed certificate in `<dataDir>/tls`). Default null: no TLS. */
  tlsPort?: number | null;
  /** Routes of the host application (web page, config.json, console…), tried before the built-in pages. */
  extraRoutes?: ExtraRoute[];
  /** Write `<dataDir>/server.json` while serving, so other processes find this stack. */
  announce?: boolean;
  /** Handler console lines and the stack's own notices. */
  onLog?: (line: string) => void;
  /** Silence DynamoDB Local's output. */
  quiet?: boolean;
  /** Credentials for SigV4-signed HTTP data sources. Default: the AWS SDK's default chain. */
  credentials?: import('./datasources').DataSourceDeps['credentials'];
  /** DynamoDB Local restarts tried before the stack gives up (`failed` settles). Default 3. */
  maxDynamoDbRestarts?: number;
  /** Request size, query depth, resolver count, connection_init timeout. Default: infra/limits.ts (as the CDK app sets them). */
  limits?: Partial<ApiLimits>;
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
 * An API's SDL as AppSync reads it: AppSync's scalars and directives are implicit, so they are
 * added unless the text declares them itself.
 */
export function buildApiSchema(sdl: string): GraphQLSchema {
  const declared = new Set([...sdl.matchAll(/^\s*(?:scalar|directive\s+@)\s*(\w+)/gm)].map((m) => m[1]));
  // schema/aws.graphql: what AppSync provides implicitly (shipped with this tool, not the host's).
  const implicit = readFileSync(path.join(repoRoot, 'schema/aws.graphql'), 'utf8')
    .split('\n')
    .filter((line) => {
      const name = /^(?:scalar |directive @)(\w+)/.exec(line)?.[1];
      return name !== undefined && !declared.has(name);
    })
    .join('\n');
  const schema = buildSchema(`${implicit}\n${sdl}`);
  installAwsScalars(schema);
  return schema;
}

/**
 * Starts a local AppSync for the API described by `options`.
 * @throws JavaMissingError, PortInUseError, StackAlreadyRunningError, WiredCodeError
 * @example
 * const api = await startLocalAppSync({ schema: sdl, wiring, root: '/path/to/api', dataDir: '/tmp/api', port: 0 });
 * await fetch(api.graphqlUrl, { method: 'POST', headers: { 'x-api-key': api.apiKey }, body: JSON.stringify({ query: '{ hello }' }) });
 * await api.stop();
 */
export async function startLocalAppSync(options: LocalAppSyncOptions): Promise<LocalAppSync> {
  const dataDir = path.resolve(options.dataDir);
  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? 4000;
  const tlsPort = options.tlsPort ?? null;
  const limits: ApiLimits = { ...DEFAULT_LIMITS, ...options.limits };
  const inMemory = options.inMemory ?? false;
  const onLog = options.onLog;

  if (options.announce) {
    const running = runningStack(dataDir);
    if (running) throw new StackAlreadyRunningError(running.pid, dataDir, running.graphqlUrl);
  }
  if (!inMemory) {
    const owner = lockOwner(dataDir);
    if (owner) throw new StackAlreadyRunningError(owner.pid, dataDir, runningStack(dataDir)?.graphqlUrl ?? null);
  }
  // Fail on a taken port before paying for a JVM start.
  for (const [p, what] of [
    [port, 'GraphQL over HTTP'],
    [tlsPort, 'GraphQL over HTTPS'],
  ] as const) {
    if (p && (await portTaken(p, host))) throw new PortInUseError(p, host, `wanted for ${what}`);
  }

  const authOptions = options.auth ?? {};
  // An in-memory stack leaves nothing behind unless asked to: its key lives only as long as it.
  const apiKey = authOptions.apiKey === null ? null : (authOptions.apiKey ?? (inMemory ? generateApiKey() : loadOrCreateApiKey(dataDir)));
  const iam = authOptions.iam === false ? undefined : (authOptions.iam ?? LOCAL_IAM);
  const tableNames: Record<string, string> = Object.fromEntries(options.wiring.tables.map((t) => [t.id, t.localName]));
  const env: Record<string, string> = { ...Object.fromEntries(options.wiring.tables.map((t) => [t.envVar, t.localName])), ...options.env };

  const schema = typeof options.schema === 'string' ? buildApiSchema(options.schema) : options.schema;
  const authConfig: AuthConfig = {
    schema,
    apiKey: apiKey ?? '',
    iam,
    defaultMode: authOptions.defaultMode ?? (apiKey === null ? 'AWS_IAM' : 'API_KEY'),
    additionalModes: authOptions.additionalModes,
  };
  const auth = authOptions.create ? authOptions.create(authConfig) : createAuthenticator(authConfig);

  const cleanups: (() => Promise<void>)[] = [];
  const cleanup = async (): Promise<void> => {
    for (const fn of cleanups.splice(0).reverse()) await fn().catch(() => undefined);
  };

  let reportFailure: (error: Error) => void = () => undefined;
  const failed = new Promise<Error>((resolve) => {
    reportFailure = resolve;
  });

  try {
    if (!inMemory) {
      mkdirSync(dataDir, { recursive: true });
      await takeLock(dataDir);
      cleanups.push(async () => releaseLock(dataDir));
    }
    const runtime = createRuntime();
    let ddb: SupervisedDynamoDbLocal | null = null;
    // The three slow parts of a start, side by side.
    const startDb = superviseDynamoDbLocal(
      { inMemory, dataDir, quiet: options.quiet ?? false },
      {
        maxRestarts: options.maxDynamoDbRestarts,
        afterRestart: async (instance) => {
          if (!inMemory) writeLock(dataDir, instance.pid);
          await ensureTables(instance.client, options.wiring.tables, tableNames);
        },
        onEvent: (line) => onLog?.(line),
        onGiveUp: (error) => reportFailure(error),
      },
    ).then(async (started) => {
      ddb = started;
      cleanups.push(() => started.stop());
      if (!inMemory) writeLock(dataDir, started.pid);
      await ensureTables(started.client, options.wiring.tables, tableNames);
      return started;
    });
    const startExecutor = createExecutor({
      schema,
      runtime,
      auth,
      env,
      // Read at each call: the client belongs to the JVM running now.
      dynamodb: () => (ddb ? ddb.client : null),
      dynamodbAvailable: () => ddb?.available() ?? false,
      tableNames,
      wiring: { ...options.wiring, root: options.wiring.root ?? options.root },
      bundle: cachedBundler(path.join(dataDir, 'bundles')),
      onLog,
      dataDir: inMemory ? null : dataDir,
      credentials: options.credentials,
      limits,
    });
    const loadTls = tlsPort === null ? Promise.resolve(null) : loadOrCreateCertificate(dataDir, host);
    // Settle all three before deciding, so a failure never leaves a JVM behind.
    const [dbResult, executorResult, tlsResult] = await Promise.allSettled([startDb, startExecutor, loadTls]);
    for (const r of [executorResult, dbResult, tlsResult]) if (r.status === 'rejected') throw r.reason;
    const db = (dbResult as PromiseFulfilledResult<SupervisedDynamoDbLocal>).value;
    const executor = (executorResult as PromiseFulfilledResult<Awaited<typeof startExecutor>>).value;
    const tls = (tlsResult as PromiseFulfilledResult<{ key: string; cert: string } | null>).value;
    cleanups.push(() => executor.close());

    const iamInfo = { region: iam?.region ?? LOCAL_IAM.region, accessKeyId: iam?.accessKeyId ?? '', secretAccessKey: iam?.secretAccessKey ?? '' };
    let info: ServerInfo = { graphqlUrl: '', realtimeUrl: '', graphqlTlsUrl: null, apiKey: apiKey ?? '', iam: iamInfo };
    const boundary = new TrustBoundary();
    const handler = createRequestHandler({ executor, auth, info: () => info, routes: options.extraRoutes, boundary, maxBodyBytes: limits.maxRequestBytes });

    const servers: (http.Server | https.Server)[] = [];
    const httpServer = http.createServer(handler);
    servers.push(httpServer);
    cleanups.push(() => closeServer(httpServer));
    const httpPort = await listen(httpServer, port, host, 'GraphQL over HTTP');
    boundary.serve('http', host, httpPort);

    let httpsPort: number | null = null;
    if (tls && tlsPort !== null) {
      const httpsServer = https.createServer({ key: tls.key, cert: tls.cert }, handler);
      servers.push(httpsServer);
      cleanups.push(() => closeServer(httpsServer));
      httpsPort = await listen(httpsServer, tlsPort, host, 'GraphQL over HTTPS');
      boundary.serve('https', host, httpsPort);
    }

    // Real-time on every server; each mutation is published to all of them. Subscription
    // resolvers run through the executor, like every other resolver.
    const realtime: RealtimeHandle[] = servers.map((server) => 
      attachRealtime(server, { schema, auth, runtime, env }, {
        log: onLog,
        codeSource: executor,
        connectionInitTimeoutMs: limits.connectionInitTimeoutMs,
        queryDepthLimit: limits.queryDepthLimit,
        verifyUpgrade: (req) => boundary.check(req),
      }),
    );
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

    if (options.announce) {
      const recordFile = serverRecordPath(dataDir);
      const record: ServerRecord = { graphqlUrl: info.graphqlUrl, realtimeUrl: info.realtimeUrl, apiKey: apiKey ?? '', pid: process.pid };
      mkdirSync(dataDir, { recursive: true });
      writeFileSync(recordFile, `${JSON.stringify(record, null, 2)}\n`);
      cleanups.push(async () => rmSync(recordFile, { force: true }));
    }

    const eventSources = [...executor.dataSources.values()].filter((d): d is EventBridgeDataSource => d.kind === 'AMAZON_EVENTBRIDGE');
    let stopping: Promise<void> | null = null;
    return {
      graphqlUrl: info.graphqlUrl,
      realtimeUrl: info.realtimeUrl,
      graphqlTlsUrl: info.graphqlTlsUrl,
      realtimeTlsUrl: httpsPort === null ? null : `wss://${shownHost}:${httpsPort}/graphql/realtime`,
      apiKey: apiKey ?? '',
      iam: { ...iamInfo },
      dynamodb: { endpoint: db.endpoint, region: LOCAL_DYNAMODB_REGION, credentials: { ...LOCAL_DYNAMODB_CREDENTIALS } },
      tableNames,
      events(dataSource?: string): RecordedEvent[] {
        return eventSources
          .filter((d) => dataSource === undefined || d.name === dataSource)
          .flatMap((d) => d.events())
          .sort((a, b) => a.time.localeCompare(b.time));
      },
      dynamodbPid: () => db.pid,
      failed,
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
