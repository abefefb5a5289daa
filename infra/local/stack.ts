/**
 * `startLocalStack()`: Foreman's own API on the local AppSync — one configuration of
 * `startLocalAppSync` (infra/local/appsync.ts): the repository's schema and wiring table
 * (infra/wiring.ts), its resolvers under the repository root, and Foreman's extra routes (the web
 * page at `/app/` with its `/config.json`). What `foreman serve`, `foreman ingest` and the
 * integration tests start.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import { repoRoot } from '../bundle';
import { isWebPath, serveWeb } from '../../clients/web/serve';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { parseRetentionDays, RETENTION_ENV_VAR, retentionEnvironment } from '../retention';
import { startLocalAppSync, type ExtraRoute } from './appsync';
import { createAuthenticator } from './auth';
import { cognitoRoute } from './auth/cognitoRoute';
import { LocalUserPool } from './auth/userPool';
import { createTtlSweeper } from './ttl/sweeper';
import type { LocalStack, LocalStackOptions } from './contracts';
import { repositoryWiring, type LocalWiring } from './graphql/executor';
import { buildLocalSchema } from './graphql/schema';

export { generateApiKey, runningStack, StackAlreadyRunningError } from './appsync';
export { JavaMissingError, PortInUseError } from './dynamodb/local';
export { WiredCodeError } from './graphql/executor';
export type { ServerRecord } from './serverRecord';

/** Options beyond the contract (`foreman serve`, tests). */
export interface InternalStackOptions {
  /**
   * Announce this stack in `<dataDir>/server.json` while it serves, so that `foreman ingest`
   * reuses it (`foreman serve` does; embedded and test stacks do not).
   */
  announce?: boolean;
  /** Serve another wiring (test fixtures); relative code paths start at the repository root. */
  wiring?: LocalWiring;
  /** Handler console lines. */
  onLog?: (line: string) => void;
  /** More routes before Foreman's own (e.g. the console). */
  extraRoutes?: ExtraRoute[];
  /** Use this user pool (tests that need its key file) instead of the data directory's (or an in-memory one). */
  userPool?: LocalUserPool;
}

/** Foreman's web page and its `/config.json` (clients/web/serve.ts), naming `pool` and its web client. */
export function webRoute(pool: LocalUserPool): ExtraRoute {
  const userPool = { userPoolId: pool.userPoolId, userPoolClientId: pool.webClientId };
  return (req: IncomingMessage, res: ServerResponse, info) => {
    const pathname = new URL(req.url ?? '/', 'http://localhost').pathname;
    if ((req.method !== 'GET' && req.method !== 'HEAD') || !isWebPath(pathname)) return false;
    serveWeb(req, res, { ...info, userPool }).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain; charset=UTF-8' });
      res.end(error instanceof Error ? error.message : String(error));
    });
    return true;
  };
}

/**
 * Starts Foreman's local stack.
 * @throws JavaMissingError, PortInUseError, StackAlreadyRunningError, WiredCodeError (a wired resolver file is missing or refused)
 * @example
 * const stack = await startLocalStack({ inMemory: true, port: 0, tlsPort: null });
 * console.log(stack.graphqlUrl, stack.apiKey);
 * await stack.stop();
 */
export async function startLocalStack(options: LocalStackOptions = {}, internal: InternalStackOptions = {}): Promise<LocalStack> {
  const wiring = internal.wiring ?? repositoryWiring();
  const dataDir = path.resolve(options.dataDir ?? '.foreman');
  const inMemory = options.inMemory ?? false;
  // The API's default auth mode, as in AWS (docs/auth.md); IAM for the back end.
  const pool = internal.userPool ?? (await LocalUserPool.open(inMemory ? null : dataDir));
  const stack = await startLocalAppSync({
    schema: buildLocalSchema(),
    wiring: { ...wiring, root: wiring.root ?? repoRoot },
    root: repoRoot,
    dataDir,
    inMemory,
    auth: {
      // No API key unless asked for (`--api-key`): no field of Foreman's schema admits one anyway.
      apiKey: options.apiKey ?? null,
      defaultMode: 'AMAZON_COGNITO_USER_POOLS',
      additionalModes: options.apiKey ? ['AWS_IAM', 'API_KEY'] : ['AWS_IAM'],
      create: (config) => createAuthenticator({ ...config, userPool: pool }),
    },
    host: options.host,
    port: options.port ?? 4000,
    tlsPort: options.tlsPort === undefined ? 4443 : options.tlsPort,
    extraRoutes: [cognitoRoute(pool), ...(internal.extraRoutes ?? []), webRoute(pool)],
    announce: internal.announce ?? false,
    onLog: internal.onLog,
    quiet: options.quiet ?? false,
    limits: options.limits,
    // Row-error retention as in AWS (`-c rowErrorRetentionDays`): here the same variable from the environment.
    env: retentionEnvironment(parseRetentionDays(process.env[RETENTION_ENV_VAR], RETENTION_ENV_VAR)),
  });
  // DynamoDB Local never expires items: our sweeper does (docs/operations.md).
  const ddb = new DynamoDBClient({ endpoint: stack.dynamodb.endpoint, region: stack.dynamodb.region, credentials: stack.dynamodb.credentials });
  const sweeper = createTtlSweeper({
    client: ddb,
    tables: wiring.tables,
    tableNames: stack.tableNames,
    intervalMs: 60_000,
    onError: (error) => internal.onLog?.(`TTL sweeper: ${(error as Error).message}`),
  });
  const stop = stack.stop.bind(stack);
  // Foreman's wiring names exactly its four tables.
  return Object.assign(stack, {
    userPool: pool,
    sweepExpired: (now?: number) => sweeper.sweep(now),
    async stop() {
      await sweeper.stop();
      ddb.destroy();
      await stop();
    },
  }) as LocalStack;
}
