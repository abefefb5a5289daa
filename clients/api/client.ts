/**
 * The typed GraphQL client every Foreman client uses (CLI, engine, web page, Lambda, tests):
 * a tiny executor over the documents graphql-codegen generates from `clients/api/operations`.
 * Variables are required exactly when the operation declares some.
 */
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print } from 'graphql';
import { SignatureV4 } from '@smithy/signature-v4';
import { HttpRequest } from '@smithy/protocol-http';
import { Sha256 } from '@aws-crypto/sha256-js';
import type { AwsCredentialIdentity, Provider } from '@smithy/types';

/** A Cognito user pool token (ID or access), or a function returning a fresh one per request. */
export type TokenSource = string | (() => string | Promise<string>);

export type ClientAuth =
  | { mode: 'API_KEY'; apiKey: string }
  | { mode: 'AWS_IAM'; region: string; credentials: AwsCredentialIdentity | Provider<AwsCredentialIdentity> }
  /** AppSync's user pools mode: the JWT itself is the `Authorization` header (no `Bearer`). */
  | { mode: 'AMAZON_COGNITO_USER_POOLS'; token: TokenSource };

/** The current token of a user pools auth. */
export async function resolveToken(token: TokenSource): Promise<string> {
  return typeof token === 'string' ? token : token();
}

export interface ClientOptions {
  /** The GraphQL endpoint, e.g. `http://127.0.0.1:4000/graphql` or `https://x.appsync-api.eu-west-1.amazonaws.com/graphql`. */
  url: string;
  auth: ClientAuth;
  /** Optional fetch implementation (tests, browsers). */
  fetch?: typeof fetch;
  /** Abort a request that takes longer than this many milliseconds. Default 30 000. */
  timeoutMs?: number;
}

/** One entry of an AppSync `errors` array. */
export interface AppSyncGraphQLError {
  message: string;
  errorType?: string | null;
  errorInfo?: unknown;
  data?: unknown;
  path?: ReadonlyArray<string | number>;
  locations?: ReadonlyArray<{ line: number; column: number; sourceName?: string | null }>;
}

/** The response carried errors: `data` may still hold what resolved. */
export class GraphQLResponseError extends Error {
  override name = 'GraphQLResponseError';
  constructor(
    readonly errors: AppSyncGraphQLError[],
    readonly data: unknown,
  ) {
    super(errors.map((e) => (e.errorType ? `${e.errorType}: ${e.message}` : e.message)).join('; '));
  }
  /** The first error's `errorType`, e.g. `DuplicateEmail`. */
  get errorType(): string | undefined {
    return this.errors[0]?.errorType ?? undefined;
  }
}

/** The request was refused before GraphQL ran (HTTP 401/403 …) or the endpoint answered nonsense. */
export class GraphQLHttpError extends Error {
  override name = 'GraphQLHttpError';
  constructor(
    message: string,
    readonly status: number,
    readonly errorType: string | undefined,
    readonly body: string,
  ) {
    super(message);
  }
}

/** Nothing answered at the endpoint (refused, DNS, timeout). Retrying may help. */
export class EndpointUnreachableError extends Error {
  override name = 'EndpointUnreachableError';
  constructor(
    readonly url: string,
    cause: unknown,
  ) {
    super(`Nothing answered at ${url}: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
}

type VariablesArg<V> = keyof V extends never ? [variables?: V] : [variables: V];

export interface GraphQLClient {
  /**
   * Runs one operation and returns its `data`; throws `GraphQLResponseError` when AppSync
   * answers with errors, `GraphQLHttpError` for refused requests, `EndpointUnreachableError` when
   * nothing answers.
   * @example
   * const { createCustomer } = await client.request(CreateCustomerDocument, { input: { email, name } });
   */
  request<R, V extends Record<string, unknown>>(doc: TypedDocumentNode<R, V>, ...variables: VariablesArg<V>): Promise<R>;
  /** The raw AppSync response body, errors and partial data included. */
  execute<R, V extends Record<string, unknown>>(
    doc: TypedDocumentNode<R, V>,
    ...variables: VariablesArg<V>
  ): Promise<{ data: R | null; errors?: AppSyncGraphQLError[] }>;
  readonly options: ClientOptions;
}

/** Signs a GraphQL POST for AppSync (service `appsync`). Shared with the real-time client. */
export async function signAppSyncRequest(
  url: URL,
  body: string,
  auth: Extract<ClientAuth, { mode: 'AWS_IAM' }>,
  extraHeaders: Record<string, string> = {},
): Promise<Record<string, string>> {
  const signer = new SignatureV4({ service: 'appsync', region: auth.region, credentials: auth.credentials, sha256: Sha256 });
  const request = new HttpRequest({
    method: 'POST',
    protocol: url.protocol,
    hostname: url.hostname,
    port: url.port ? Number(url.port) : undefined,
    path: url.pathname,
    headers: { 'content-type': 'application/json', host: url.host, ...extraHeaders },
    body,
  });
  const signed = await signer.sign(request);
  return signed.headers;
}

export function createClient(options: ClientOptions): GraphQLClient {
  const doFetch = options.fetch ?? fetch;
  const printed = new WeakMap<object, string>();

  async function execute<R, V>(doc: TypedDocumentNode<R, V>, variables?: V) {
    let query = printed.get(doc);
    if (!query) {
      query = print(doc);
      printed.set(doc, query);
    }
    const body = JSON.stringify({ query, variables: variables ?? {} });
    const url = new URL(options.url);
    const auth = options.auth;
    const headers =
      auth.mode === 'API_KEY'
        ? { 'content-type': 'application/json', 'x-api-key': auth.apiKey }
        : auth.mode === 'AMAZON_COGNITO_USER_POOLS'
          ? { 'content-type': 'application/json', authorization: await resolveToken(auth.token) }
          : await signAppSyncRequest(url, body, auth);
    let response: Response;
    try {
      response = await doFetch(url, {
        method: 'POST',
        headers,
        body,
        signal: AbortSignal.timeout(options.timeoutMs ?? 30_000),
      });
    } catch (error) {
      throw new EndpointUnreachableError(options.url, error);
    }
    const text = await response.text();
    let parsed: { data?: R | null; errors?: AppSyncGraphQLError[]; errorType?: string; message?: string } | undefined;
    try {
      parsed = JSON.parse(text) as typeof parsed;
    } catch {
      parsed = undefined;
    }
    if (!response.ok || !parsed || (parsed.data === undefined && !parsed.errors)) {
      const errorType = parsed?.errorType ?? parsed?.errors?.[0]?.errorType ?? undefined;
      const message = parsed?.message ?? parsed?.errors?.[0]?.message ?? (text.slice(0, 200) || response.statusText);
      throw new GraphQLHttpError(`HTTP ${response.status} from ${options.url}: ${errorType ? `${errorType}: ` : ''}${message}`, response.status, errorType ?? undefined, text);
    }
    return { data: (parsed.data ?? null) as R | null, errors: parsed.errors };
  }

  return {
    options,
    execute: (doc, ...variables) => execute(doc, variables[0]),
    async request(doc, ...variables) {
      const result = await execute(doc, variables[0]);
      if (result.errors?.length) throw new GraphQLResponseError(result.errors, result.data);
      return result.data as NonNullable<typeof result.data>;
    },
  };
}
