/**
 * The seam between the executor and the data sources of the local AppSync: one folder per data
 * source kind (as miniflare keeps one plugin folder per service), each exporting a factory that
 * turns its wiring spec into a `LocalDataSource`. The executor hands a data source the request
 * object the request handler returned; the data source answers `ctx.result` / `ctx.error`.
 */
import type { ContextInit } from '../contracts';

/** What a data source hands to the response handler. */
export interface DataSourceOutcome {
  result: unknown;
  error: { message: string; type: string } | null;
}

/** One call of a data source by a resolver or function. */
export interface DataSourceCall {
  /** What the request handler returned (for a direct Lambda resolver: nothing, see `context`). */
  request: unknown;
  /** `Type.field` being resolved (Lambda BatchInvoke batches by it). */
  field: string;
  /** The resolver's context, for direct Lambda resolvers (AppSync sends the whole context). */
  context: ContextInit;
  /** True for a UNIT resolver on AWS_LAMBDA with no code: the event is the context itself. */
  direct?: boolean;
}

export interface LocalDataSource {
  readonly name: string;
  readonly kind: string;
  invoke(call: DataSourceCall): Promise<DataSourceOutcome>;
  /** Releases what the data source holds (child processes, file handles). */
  close?(): Promise<void>;
}

/** What data sources may need from the stack that serves them. */
export interface DataSourceDeps {
  /** Where relative paths in the wiring start (handler modules). */
  root: string;
  /** Where data sources may write what they record (EventBridge's log). Null: keep it in memory only. */
  dataDir: string | null;
  /** Physical table names by table id. */
  tableNames: Record<string, string>;
  /** The DynamoDB client of the stack's DynamoDB Local as it is now (it changes when a dead JVM is restarted). */
  dynamodb: () => import('@aws-sdk/client-dynamodb').DynamoDBClient | null;
  /** Credentials for SigV4-signed HTTP data sources. Default: the AWS SDK's default chain. */
  credentials?: import('@smithy/types').AwsCredentialIdentity | import('@smithy/types').AwsCredentialIdentityProvider;
  /** Handler/function console lines. */
  onLog?: (line: string) => void;
  /** Is DynamoDB Local up right now (false while it restarts)? Default: always. */
  dynamodbAvailable?: () => boolean;
}
