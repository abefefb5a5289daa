/**
 * Where `foreman ingest` sends its mutations, first match wins:
 * 1. --endpoint / --api-key flags; 2. env FOREMAN_GRAPHQL_URL / FOREMAN_API_KEY (or FOREMAN_ID_TOKEN, a
 * user-pool ID token, instead of the key); 3. a `.env` file
 * in the working directory; 4. a running `foreman serve` recorded in `.foreman/server.json`;
 * 5. an embedded local stack started for this one command (data kept in `.foreman/`) and stopped after.
 * Credentials for 1–3, first match wins: --api-key; FOREMAN_ID_TOKEN (environment, then .env);
 * FOREMAN_API_KEY; a `foreman login` session (./session, refreshed as it nears expiry).
 * On the local stack (4 and 5) the CLI signs in as the stack's built-in admin (`foreman-admin`,
 * docs/auth.md), so nothing needs configuring.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LocalStack, LocalStackOptions } from '../../infra/local/contracts';
import { isProcessAlive, readServerRecord, type ServerRecord } from '../../infra/local/serverRecord';
import { CliError, EXIT } from './errors';
import { readSession, sessionIdToken } from './session';
import type { ClientAuth } from '../api/client';
import type { LocalUserPool } from '../../infra/local/auth/userPool';

export type EndpointSource = 'flags' | 'environment' | '.env' | 'foreman serve' | 'embedded';

export interface ResolvedEndpoint {
  url: string;
  /** The API key given (flags, environment, .env); empty on the local stack, which takes tokens. */
  apiKey: string;
  /** How to sign requests: the API key, or on the local stack the built-in admin's tokens. */
  auth: ClientAuth;
  source: EndpointSource;
  /** Stops what was started for this command (the embedded stack). */
  stop(): Promise<void>;
}

/**
 * Parses a `.env` file: `KEY=value` lines, `#` comments, optional `export `, values optionally
 * quoted. Deliberately tiny: no interpolation.
 */
export function parseDotEnv(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const m = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(line);
    if (!m) continue;
    let value = m[2]!;
    const quoted = /^(['"])(.*)\1$/.exec(value);
    if (quoted) value = quoted[2]!;
    else value = value.replace(/\s+#.*$/, '').trim();
    out[m[1]!] = value;
  }
  return out;
}

export interface ResolveOptions {
  endpoint?: string;
  apiKey?: string;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** One-line notices (e.g. "starting the embedded local AppSync…"). */
  notice?: (line: string) => void;
  /** Starts the embedded stack; default imports infra/local/stack.ts. */
  startStack?: (options: LocalStackOptions) => Promise<LocalStack>;
}

async function defaultStartStack(options: LocalStackOptions): Promise<LocalStack> {
  // Imported lazily: only a run with no endpoint configured pays for loading the local AppSync.
  // The stack's own AWS SDK clients would warn about Node 20 support on every run; that warning is
  // about our dependency, not anything the user of `foreman ingest` can act on.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const mod = (await import('../../infra/local/stack')) as { startLocalStack(o: LocalStackOptions): Promise<LocalStack> };
  return mod.startLocalStack(options);
}

const none = async () => undefined;

/**
 * ID tokens of the local stack's built-in admin, minted from the pool in the data directory (the
 * CLI runs as the user who owns `.foreman/`), renewed a few minutes before they expire.
 */
export function localAdminAuth(pool: Promise<LocalUserPool> | LocalUserPool, graphqlUrl: string): ClientAuth {
  let current: { token: string; renewAt: number } | null = null;
  return {
    mode: 'AMAZON_COGNITO_USER_POOLS',
    token: async () => {
      if (current && Date.now() < current.renewAt) return current.token;
      const p = await pool;
      const { LOCAL_ADMIN, TOKEN_SECONDS } = await import('../../infra/local/auth/userPool');
      const tokens = await p.issueTokens(LOCAL_ADMIN as string, { origin: new URL(graphqlUrl).origin, clientId: p.cliClientId });
      current = { token: tokens.IdToken, renewAt: Date.now() + ((TOKEN_SECONDS as number) - 300) * 1000 };
      return current.token;
    },
  };
}

async function openLocalPool(dataDir: string): Promise<LocalUserPool> {
  const mod = await import('../../infra/local/auth/userPool');
  return mod.LocalUserPool.open(dataDir);
}

/** Finds (or starts) the GraphQL endpoint, per the order in this module's comment. */
export async function resolveEndpoint(options: ResolveOptions): Promise<ResolvedEndpoint> {
  const cwd = options.cwd ?? process.cwd();
  const env = options.env ?? process.env;
  const dotEnvPath = join(cwd, '.env');
  const dotEnv = existsSync(dotEnvPath) ? parseDotEnv(readFileSync(dotEnvPath, 'utf8')) : {};
  const keyFromConfig = env.FOREMAN_API_KEY || dotEnv.FOREMAN_API_KEY;
  // A user-pool token (`foreman users token NAME` locally; a Cognito ID token in AWS) signs instead of a key.
  const token = env.FOREMAN_ID_TOKEN || dotEnv.FOREMAN_ID_TOKEN;
  // Then a `foreman login` session (./session), refreshed as it nears expiry.
  const session = !token && !options.apiKey && !keyFromConfig ? readSession(env) : null;
  const tokenAuth: ClientAuth | null = options.apiKey
    ? null
    : token
      ? { mode: 'AMAZON_COGNITO_USER_POOLS', token }
      : session
        ? { mode: 'AMAZON_COGNITO_USER_POOLS', token: () => sessionIdToken(env) }
        : null;

  if (options.endpoint && tokenAuth) return { url: options.endpoint, apiKey: '', auth: tokenAuth, source: 'flags', stop: none };
  if (env.FOREMAN_GRAPHQL_URL && !options.endpoint && tokenAuth) return { url: env.FOREMAN_GRAPHQL_URL, apiKey: '', auth: tokenAuth, source: 'environment', stop: none };
  if (options.endpoint) {
    const apiKey = options.apiKey ?? keyFromConfig;
    if (!apiKey) throw new CliError(`no credentials for ${options.endpoint}: run foreman login, set FOREMAN_ID_TOKEN, or pass --api-key KEY.`, EXIT.USAGE);
    return { url: options.endpoint, apiKey, auth: { mode: 'API_KEY', apiKey }, source: 'flags', stop: none };
  }
  if (env.FOREMAN_GRAPHQL_URL) {
    const apiKey = options.apiKey ?? env.FOREMAN_API_KEY ?? dotEnv.FOREMAN_API_KEY;
    if (!apiKey) throw new CliError(`FOREMAN_GRAPHQL_URL is set but no credentials are: run foreman login, set FOREMAN_ID_TOKEN, or set FOREMAN_API_KEY.`, EXIT.USAGE);
    return { url: env.FOREMAN_GRAPHQL_URL, apiKey, auth: { mode: 'API_KEY', apiKey }, source: 'environment', stop: none };
  }
  if (dotEnv.FOREMAN_GRAPHQL_URL && tokenAuth) return { url: dotEnv.FOREMAN_GRAPHQL_URL, apiKey: '', auth: tokenAuth, source: '.env', stop: none };
  if (dotEnv.FOREMAN_GRAPHQL_URL) {
    const apiKey = options.apiKey ?? dotEnv.FOREMAN_API_KEY;
    if (!apiKey) throw new CliError(`${dotEnvPath} sets FOREMAN_GRAPHQL_URL but no credentials: run foreman login, or set FOREMAN_ID_TOKEN or FOREMAN_API_KEY.`, EXIT.USAGE);
    return { url: dotEnv.FOREMAN_GRAPHQL_URL, apiKey, auth: { mode: 'API_KEY', apiKey }, source: '.env', stop: none };
  }
  // A stale or half-written record: fall through to the embedded stack.
  const record = readServerRecord(join(cwd, '.foreman')) as (Partial<ServerRecord> & { url?: string }) | null;
  const url = record?.graphqlUrl ?? record?.url;
  if (record && url && record.pid && isProcessAlive(record.pid)) {
    const auth: ClientAuth = options.apiKey ? { mode: 'API_KEY', apiKey: options.apiKey } : localAdminAuth(openLocalPool(join(cwd, '.foreman')), url);
    return { url, apiKey: options.apiKey ?? '', auth, source: 'foreman serve', stop: none };
  }
  options.notice?.('starting the embedded local AppSync (DynamoDB Local)…');
  const stack = await (options.startStack ?? defaultStartStack)({ dataDir: join(cwd, '.foreman'), port: 0, tlsPort: null, quiet: true });
  const auth: ClientAuth = options.apiKey ? { mode: 'API_KEY', apiKey: options.apiKey } : localAdminAuth(stack.userPool, stack.graphqlUrl);
  return { url: stack.graphqlUrl, apiKey: options.apiKey ?? '', auth, source: 'embedded', stop: () => stack.stop() };
}
