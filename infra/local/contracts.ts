/**
 * The seams between the parts of the embedded AppSync (infra/local), fixed up front so each part
 * can be built and tested on its own:
 *
 *   runtime/   APPSYNC_JS: loads a bundle, runs one handler with a faithful ctx/util/runtime/extensions
 *   graphql/   parse/validate/execute, auth, AppSync error shapes, pipelines (runtime + data sources)
 *   dynamodb/  DynamoDB Local lifecycle, tables from the wiring table, the DynamoDB data source
 *   realtime/  the AppSync real-time WebSocket protocol, fed by mutations
 *   stack.ts   starts all of it: `startLocalStack()`
 */
import type { ForemanTableId } from '../wiring';

// ---------------------------------------------------------------------------------------------
// runtime/ — implemented by infra/local/runtime/index.ts
// ---------------------------------------------------------------------------------------------

/** One entry of a GraphQL response's `errors`, before `path`/`locations` are added. */
export interface AppSyncErrorEntry {
  message: string;
  errorType: string | null;
  data: unknown;
  errorInfo: unknown;
}

export interface ResolverInfo {
  fieldName: string;
  parentTypeName: string;
  variables: Record<string, unknown>;
  /** AppSync's format: aliases only, nested as `a/b`, fields of the current type (fragments flattened). */
  selectionSetList: string[];
  selectionSetGraphQL: string;
}

/** Everything a handler's `ctx` is built from. `stash` is shared (the same object) along a pipeline. */
export interface ContextInit {
  arguments: Record<string, unknown>;
  source: unknown;
  /** `null` for API_KEY (AppSync sets no identity); the IAM or user-pool identity object otherwise. */
  identity: Record<string, unknown> | null;
  request: { headers: Record<string, string | string[]>; domainName: string | null };
  info: ResolverInfo;
  /** AppSync environment variables (`ctx.env`), e.g. table names from the wiring table. */
  env: Record<string, string>;
  stash: Record<string, unknown>;
  prev: { result: unknown };
  /** Response handlers only: the data source's result and error. */
  result?: unknown;
  error?: { message: string; type: string } | null;
  /** `util.authType()`: "API Key Authorization" | "IAM Authorization" | "User Pool Authorization" */
  authType: string;
}

export type HandlerOutcome =
  | { kind: 'value'; value: unknown }
  /** `runtime.earlyReturn(value, { skipTo })`; `skipTo` defaults as AWS documents. */
  | { kind: 'earlyReturn'; value: unknown; skipTo: 'END' | 'NEXT' }
  /** `util.error`, `util.unauthorized`, or an uncaught runtime error in the handler. */
  | { kind: 'error'; error: AppSyncErrorEntry };

/** Side effects a handler asked for through `extensions.*`. */
export interface HandlerEffects {
  subscriptionFilter?: unknown;
  subscriptionInvalidationFilter?: unknown;
  invalidateSubscriptions: { subscriptionField: string; payload: Record<string, unknown> }[];
  evictFromApiCache: { typeName: string; fieldName: string; keys: Record<string, unknown> }[];
  /** `util.http.addResponseHeader(s)`: accepted headers, values rendered as text (last one wins). */
  responseHeaders?: Record<string, string>;
}

export interface HandlerRun {
  outcome: HandlerOutcome;
  /** `util.appendError(...)` calls, in order. */
  appendedErrors: AppSyncErrorEntry[];
  /** `console.log/error/…` lines, formatted as CloudWatch/EvaluateCode show them. */
  logs: string[];
  effects: HandlerEffects;
}

export interface CodeViolation {
  rule: string;
  message: string;
  line: number;
  column: number;
}

/** A bundle that uses what APPSYNC_JS refuses (try/catch, while, classes, regex literals, …). */
export class CodeRestrictionError extends Error {
  override name = 'CodeRestrictionError';
  constructor(
    readonly fileName: string,
    readonly violations: CodeViolation[],
  ) {
    super(`${fileName}: ${violations.map((v) => `${v.line}:${v.column} ${v.message}`).join('; ')}`);
  }
}

export interface LoadedCode {
  fileName: string;
  hasRequest: boolean;
  hasResponse: boolean;
}

export interface AppSyncJsRuntime {
  /** Checks the language restrictions (throws CodeRestrictionError) and prepares the ESM bundle. */
  load(code: string, fileName: string): LoadedCode;
  run(code: LoadedCode, handler: 'request' | 'response', ctx: ContextInit): HandlerRun;
}

// ---------------------------------------------------------------------------------------------
// realtime/ — fed by graphql/ after every successful (or partially successful) mutation field
// ---------------------------------------------------------------------------------------------

export interface MutationEvent {
  /** e.g. `importCustomers` */
  fieldName: string;
  /** The mutation field's arguments, variables resolved. */
  arguments: Record<string, unknown>;
  /**
   * The field's result restricted to the fields the mutation selected, keyed by field name
   * (aliases undone, fragments flattened); unselected fields absent. AppSync's rule: subscribers
   * get only these.
   */
  payload: unknown;
}

export interface MutationPublisher {
  publish(event: MutationEvent): void;
}

// ---------------------------------------------------------------------------------------------
// stack.ts — what `foreman serve`, `foreman ingest` and the tests start
// ---------------------------------------------------------------------------------------------

export interface LocalStackOptions {
  /** Keep DynamoDB Local in memory (tests). Default false: data persists under `dataDir`. */
  inMemory?: boolean;
  /** Default `.foreman` in the current directory. Holds DynamoDB data, the API key, the TLS cert. */
  dataDir?: string;
  /** Default 127.0.0.1. */
  host?: string;
  /** HTTP port for /graphql and /graphql/realtime. Default 4000; 0 picks a free port. */
  port?: number;
  /** HTTPS/WSS port. Default 4443; 0 picks a free port; null disables TLS. */
  tlsPort?: number | null;
  /**
   * Foreman's stack has no API key mode (people sign in to its user pool, the back end uses IAM);
   * given, the key is accepted as an additional mode — and reaches no field of Foreman's schema.
   */
  apiKey?: string;
  /** Silence DynamoDB Local's output. */
  quiet?: boolean;
  /**
   * The trust-boundary limits (query depth, resolver count, request size, real-time init timeout).
   * Each defaults to infra/limits.ts, the values the CDK app sets on the AppSync API.
   */
  limits?: Partial<import('../limits').ApiLimits>;
}

/** A running local AppSync serving any API (`startLocalAppSync`). */
export interface LocalAppSync {
  graphqlUrl: string;
  realtimeUrl: string;
  /** `https://…/graphql` when TLS is on. */
  graphqlTlsUrl: string | null;
  realtimeTlsUrl: string | null;
  apiKey: string;
  /** The credentials the local stack accepts for AWS_IAM (SigV4, service `appsync`). */
  iam: { region: string; accessKeyId: string; secretAccessKey: string };
  dynamodb: { endpoint: string; region: string; credentials: { accessKeyId: string; secretAccessKey: string } };
  /** Physical table names by table id. */
  tableNames: Record<string, string>;
  /**
   * Events recorded by the API's EventBridge data sources (all of them, or the one named), oldest
   * first, in the shape a rule target receives. Also appended to `<dataDir>/eventbridge/<name>.ndjson`.
   */
  events(dataSource?: string): import('./datasources').RecordedEvent[];
  /** The JVM serving DynamoDB right now (it changes when the stack restarts a dead one). */
  dynamodbPid(): number;
  /** Settles with the reason when the stack cannot go on (DynamoDB Local died and did not come back). */
  failed: Promise<Error>;
  stop(): Promise<void>;
}

/** Foreman's own stack: a LocalAppSync whose tables are Foreman's four. */
export interface LocalStack extends LocalAppSync {
  tableNames: Record<ForemanTableId, string>;
  /**
   * The stack's user pool (infra/local/auth/userPool.ts), the API's default auth mode: its users,
   * tokens for them (`userPool.issueTokens(name, { origin })`), the built-in admin.
   */
  userPool: import('./auth/userPool').LocalUserPool;
  /**
   * Deletes the items whose TTL attribute has passed (infra/local/ttl/sweeper.ts; it also runs every
   * minute): DynamoDB Local never expires items. `nowEpochSeconds` defaults to the clock.
   */
  sweepExpired(nowEpochSeconds?: number): Promise<import('./ttl/sweeper').SweepResult>;
}

// ---------------------------------------------------------------------------------------------
// auth/ — implemented by infra/local/auth/index.ts, used by graphql/ (HTTP) and realtime/ (WebSocket)
// ---------------------------------------------------------------------------------------------

export type AuthMode = 'API_KEY' | 'AWS_IAM' | 'AMAZON_COGNITO_USER_POOLS';

/** A request to authenticate: the HTTP POST to /graphql, or the WebSocket connect/start header JSON. */
export interface AuthRequest {
  method: string;
  /** The path that was signed, e.g. `/graphql` (HTTP, `start`) or `/graphql/connect` (real-time connect). */
  path: string;
  /** Header names lower-cased. */
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export type AuthResult =
  | {
      ok: true;
      mode: AuthMode;
      /** `ctx.identity` (null for API_KEY). */
      identity: Record<string, unknown> | null;
      /** `util.authType()` text, e.g. "API Key Authorization". */
      authType: string;
    }
  | { ok: false; errorType: string; message: string; httpStatus: number };

export interface Authenticator {
  authenticate(request: AuthRequest): Promise<AuthResult>;
  /**
   * Is `mode` allowed on `typeName.fieldName`, per the schema's @aws_* directives and the default
   * mode? For user pools, `identity.groups` must meet the directive's `cognito_groups`.
   */
  isFieldAllowed(typeName: string, fieldName: string, mode: AuthMode, identity?: Record<string, unknown> | null): boolean;
}

// ---------------------------------------------------------------------------------------------
// realtime/ — implemented by infra/local/realtime/index.ts, attached by stack.ts
// ---------------------------------------------------------------------------------------------

export interface RealtimeDeps {
  /** The executable schema (AWS scalars and directives included). */
  schema: import('graphql').GraphQLSchema;
  auth: Authenticator;
  runtime: AppSyncJsRuntime;
  /** `ctx.env` for subscription resolvers. */
  env: Record<string, string>;
}

export interface RealtimeHandle extends MutationPublisher {
  /** Closes every connection (sends nothing further) and stops keep-alives. */
  close(): Promise<void>;
  /** Open connections, for tests and `foreman serve` status. */
  connectionCount(): number;
}
// attachRealtime(server: http.Server | https.Server, deps: RealtimeDeps): RealtimeHandle
