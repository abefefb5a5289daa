/**
 * The local stack for integration tests: in memory, on ephemeral ports (tests run in parallel),
 * quiet, TLS only when asked, plus a DynamoDB document client on the same DynamoDB Local for
 * reading what the API really wrote.
 *
 * @example
 * let stack: TestStack;
 * beforeAll(async () => { stack = await startTestStack(); });
 * afterAll(() => stack?.stop());
 * const client = createClient({ url: stack.graphqlUrl, auth: { mode: 'API_KEY', apiKey: stack.apiKey } });
 * const { Items } = await stack.ddb.send(new ScanCommand({ TableName: stack.tableNames.Customers }));
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { createClient, type GraphQLClient } from '../../clients/api/client';
import type { LocalStack } from '../../infra/local/contracts';
import type { LocalWiring } from '../../infra/local/graphql/executor';
import { startLocalStack } from '../../infra/local/stack';
import type { LocalUserPool } from '../../infra/local/auth/userPool';
import { localAdminAuth } from '../../clients/cli/endpoint';

export interface TestStack extends LocalStack {
  /** Document client on the stack's DynamoDB Local (plain JS values in and out). */
  ddb: DynamoDBDocumentClient;
  /**
   * An ID token (or with `access`, an access token) of the local user `name`, created on first use
   * with exactly `groups` (BRIEF contract 5). Asking again for `name` with other groups throws.
   */
  tokenFor(name: string, groups?: string[], options?: { access?: boolean }): Promise<string>;
  /** A typed client signed in as `name` (user pools mode, a fresh token per request). */
  clientFor(name: string, groups?: string[]): Promise<GraphQLClient>;
}

export interface TestStackOptions {
  /** Also serve HTTPS/WSS (self-signed certificate in a temporary directory). Default false. */
  tls?: boolean;
  apiKey?: string;
  /** Serve a test wiring (fixtures) instead of the repository's. */
  wiring?: LocalWiring;
  /** Handler console lines (default: dropped). */
  onLog?: (line: string) => void;
  /** A user pool opened by the test (to hold its key file); default an in-memory one. */
  userPool?: LocalUserPool;
  /** Keep DynamoDB Local's data on disk (in the stack's temporary directory), so it survives a JVM restart. Default false: in memory. */
  onDisk?: boolean;
}

/** Starts an in-memory stack; always `await stack.stop()` in `afterAll`. */
export async function startTestStack(options: TestStackOptions = {}): Promise<TestStack> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'foreman-test-stack-'));
  let stack: LocalStack;
  try {
    stack = await startLocalStack(
      { inMemory: !options.onDisk, dataDir, host: '127.0.0.1', port: 0, tlsPort: options.tls ? 0 : null, apiKey: options.apiKey, quiet: true },
      { wiring: options.wiring, onLog: options.onLog, userPool: options.userPool },
    );
  } catch (error) {
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
  const raw = new DynamoDBClient({ endpoint: stack.dynamodb.endpoint, region: stack.dynamodb.region, credentials: stack.dynamodb.credentials });
  const ddb = DynamoDBDocumentClient.from(raw, { marshallOptions: { removeUndefinedValues: true } });
  const stopStack = stack.stop.bind(stack);
  const origin = new URL(stack.graphqlUrl).origin;
  const tokenFor = async (name: string, groups: string[] = [], options: { access?: boolean } = {}): Promise<string> => {
    const existing = stack.userPool.findUser(name);
    if (!existing) await stack.userPool.addUser({ username: name, groups });
    else if ([...existing.groups].sort().join() !== [...groups].sort().join()) throw new Error(`${name} exists with groups [${existing.groups.join(', ')}], not [${groups.join(', ')}]`);
    const tokens = await stack.userPool.issueTokens(name, { origin });
    return options.access ? tokens.AccessToken : tokens.IdToken;
  };
  return {
    ...stack,
    ddb,
    tokenFor,
    async clientFor(name, groups = []) {
      await tokenFor(name, groups);
      return createClient({ url: stack.graphqlUrl, auth: { mode: 'AMAZON_COGNITO_USER_POOLS', token: () => tokenFor(name, groups) } });
    },
    async stop() {
      ddb.destroy();
      await stopStack();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Every item of `tableName` on the stack's DynamoDB Local, following LastEvaluatedKey, read
 * consistently so a test sees what the API wrote just before. (Shared by the integration tests
 * that each used to carry their own copy.)
 */
export async function scanTable(stack: TestStack, tableName: string): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await stack.ddb.send(new ScanCommand({ TableName: tableName, ConsistentRead: true, ExclusiveStartKey: startKey }));
    items.push(...((page.Items ?? []) as Record<string, unknown>[]));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return items;
}

/**
 * Clients of the stack: `api` signed in as the built-in admin (user pools, group admins: it may do
 * everything a person may), `iam` signing with the stack's IAM credentials (the back end).
 */
export function stackClients(stack: LocalStack): { api: GraphQLClient; iam: GraphQLClient } {
  return {
    api: createClient({ url: stack.graphqlUrl, auth: localAdminAuth(stack.userPool, stack.graphqlUrl) }),
    iam: createClient({
      url: stack.graphqlUrl,
      auth: { mode: 'AWS_IAM', region: stack.iam.region, credentials: { accessKeyId: stack.iam.accessKeyId, secretAccessKey: stack.iam.secretAccessKey } },
    }),
  };
}
