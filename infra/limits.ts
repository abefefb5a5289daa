/**
 * The API's protective limits, as plain data read by both the CDK app (infra/aws) and the local
 * stack (infra/local), so that what refuses a request in AWS refuses it locally too.
 * Sources and local deviations: docs/security.md.
 */

/**
 * AppSync's `queryDepthLimit` (1–75; 0 = unlimited; configuration-limits.html). A field nested
 * deeper than this answers `QueryDepthLimitReached`. Our deepest client document is 4 levels
 * (importCustomers → outcomes → conflict → field); the GraphQL introspection query that consoles
 * send is the deepest legitimate one (see test/infra/limits.test.ts), so the limit sits above it.
 */
export const QUERY_DEPTH_LIMIT = 20;

/**
 * AppSync's `resolverCountLimit` (1–10000; default 10000; configuration-limits.html): resolvers a
 * single request may run. Every wired field is a root field and each client document runs one,
 * so 100 leaves room for hand-written multi-field queries and refuses alias floods.
 */
export const RESOLVER_COUNT_LIMIT = 100;

/**
 * The largest request body the local server reads. AWS's AppSync quotas page lists no HTTP
 * request-size quota for GraphQL APIs; 1 MiB is the largest GraphQL operation AWS documents
 * anywhere (EventBridge's AppSyncParameters.GraphQLOperation, 1,048,576) and the 1 MB limit AWS
 * support confirmed for AppSync (awslabs/aws-mobile-appsync-sdk-js#124). A 49-row import batch is
 * far below it.
 */
export const MAX_REQUEST_BYTES = 1024 * 1024;

/**
 * How long a real-time connection may stay without `connection_init`: AppSync's documented
 * connection timeout (`connection_ack {connectionTimeoutMs: 300000}`, real-time-websocket-client.html).
 */
export const CONNECTION_INIT_TIMEOUT_MS = 300_000;

/** The limits one local stack enforces (LocalStackOptions.limits); each defaults to the constant above. */
export interface ApiLimits {
  queryDepthLimit: number;
  resolverCountLimit: number;
  maxRequestBytes: number;
  connectionInitTimeoutMs: number;
}

export const DEFAULT_LIMITS: ApiLimits = {
  queryDepthLimit: QUERY_DEPTH_LIMIT,
  resolverCountLimit: RESOLVER_COUNT_LIMIT,
  maxRequestBytes: MAX_REQUEST_BYTES,
  connectionInitTimeoutMs: CONNECTION_INIT_TIMEOUT_MS,
};

/** Checks the two AppSync settings against AppSync's ranges (CreateGraphqlApi rejects anything else). */
export function assertAppSyncLimits(limits: Pick<ApiLimits, 'queryDepthLimit' | 'resolverCountLimit'>): void {
  if (!Number.isInteger(limits.queryDepthLimit) || limits.queryDepthLimit < 1 || limits.queryDepthLimit > 75) {
    throw new RangeError(`queryDepthLimit must be a whole number from 1 to 75 (AppSync's range), not ${limits.queryDepthLimit}.`);
  }
  if (!Number.isInteger(limits.resolverCountLimit) || limits.resolverCountLimit < 1 || limits.resolverCountLimit > 10_000) {
    throw new RangeError(`resolverCountLimit must be a whole number from 1 to 10000 (AppSync's range), not ${limits.resolverCountLimit}.`);
  }
}
