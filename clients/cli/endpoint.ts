/**
 * Where `foreman ingest` sends its mutations, first match wins:
 * 1. --endpoint / --api-key flags; 2. env FOREMAN_GRAPHQL_URL / FOREMAN_API_KEY; 3. a `.env` file
 * in the working directory; 4. a running `foreman serve` recorded in `.foreman/server.json`;
 * 5. an embedded local stack started for this one command (data kept in `.foreman/`) and stopped after.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LocalStack, LocalStackOptions } from '../../infra/local/contracts';
import { isProcessAlive, readServerRecord, type ServerRecord } from '../../infra/local/serverRecord';
import { CliError, EXIT } from './errors';

export type EndpointSource = 'flags' | 'environment' | '.env' | 'foreman serve' | 'embedded';

export interface ResolvedEndpoint {
  url: string;
  apiKey: string;
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
  const mod = (await import(new URL('../../infra/local/stack.ts', import.meta.url).href)) as { startLocalStack(o: LocalStackOptions): Promise<LocalStack> };
  return mod.startLocalStack(options);
}

const none = async () => undefined;

/** Finds (or starts) the GraphQL endpoint, per the order in this module's comment. */
export async function resolveEndpoint(options: ResolveOptions): Promise<ResolvedEndpoint> {
  const cwd = options.cwd ?? process.cwd();
  const env = options.env ?? process.env;
  const dotEnvPath = join(cwd, '.env');
  const dotEnv = existsSync(dotEnvPath) ? parseDotEnv(readFileSync(dotEnvPath, 'utf8')) : {};
  const keyFromConfig = env.FOREMAN_API_KEY || dotEnv.FOREMAN_API_KEY;

  if (options.endpoint) {
    const apiKey = options.apiKey ?? keyFromConfig;
    if (!apiKey) throw new CliError(`no API key for ${options.endpoint}: pass --api-key KEY or set FOREMAN_API_KEY.`, EXIT.USAGE);
    return { url: options.endpoint, apiKey, source: 'flags', stop: none };
  }
  if (env.FOREMAN_GRAPHQL_URL) {
    const apiKey = options.apiKey ?? env.FOREMAN_API_KEY ?? dotEnv.FOREMAN_API_KEY;
    if (!apiKey) throw new CliError(`FOREMAN_GRAPHQL_URL is set but no API key is: set FOREMAN_API_KEY or pass --api-key.`, EXIT.USAGE);
    return { url: env.FOREMAN_GRAPHQL_URL, apiKey, source: 'environment', stop: none };
  }
  if (dotEnv.FOREMAN_GRAPHQL_URL) {
    const apiKey = options.apiKey ?? dotEnv.FOREMAN_API_KEY;
    if (!apiKey) throw new CliError(`${dotEnvPath} sets FOREMAN_GRAPHQL_URL but not FOREMAN_API_KEY: add it or pass --api-key.`, EXIT.USAGE);
    return { url: dotEnv.FOREMAN_GRAPHQL_URL, apiKey, source: '.env', stop: none };
  }
  // A stale or half-written record: fall through to the embedded stack.
  const record = readServerRecord(join(cwd, '.foreman')) as (Partial<ServerRecord> & { url?: string }) | null;
  const url = record?.graphqlUrl ?? record?.url;
  if (record && url && record.apiKey && record.pid && isProcessAlive(record.pid)) {
    return { url, apiKey: options.apiKey ?? record.apiKey, source: 'foreman serve', stop: none };
  }
  options.notice?.('starting the embedded local AppSync (DynamoDB Local)…');
  const stack = await (options.startStack ?? defaultStartStack)({ dataDir: join(cwd, '.foreman'), port: 0, tlsPort: null, quiet: true });
  return { url: stack.graphqlUrl, apiKey: options.apiKey ?? stack.apiKey, source: 'embedded', stop: () => stack.stop() };
}
