/**
 * GraphiQL's fetcher for an AppSync API: queries and mutations are a POST to the GraphQL endpoint
 * with the picked auth (and the headers editor's headers); subscriptions go over AppSync's
 * real-time protocol through clients/api/subscribe (connection_init, start with
 * `extensions.authorization`, start_ack, data, ka, stop, complete) and come back as the async
 * iterable GraphiQL renders event by event. Nothing here knows which API it talks to.
 */
import { Kind, parse, type DocumentNode, type OperationDefinitionNode } from 'graphql';
import type { ClientAuth } from '../../api/client';
import { subscribe, type SubscriptionError, type WebSocketConstructor } from '../../api/subscribe';
import { authHeaders, iamCredentials, type ConsoleAuth } from './auth';

/** What GraphiQL passes (FetcherParams, FetcherOpts of @graphiql/toolkit). */
export interface FetchParams {
  query: string;
  operationName?: string | null;
  variables?: unknown;
}

export interface FetchOptions {
  headers?: Record<string, unknown>;
  documentAST?: DocumentNode;
}

/** A GraphQL response as GraphiQL shows it. */
export interface ConsoleResult {
  data?: unknown;
  errors?: unknown[];
  extensions?: Record<string, unknown>;
}

export interface ConsoleFetcherOptions {
  /** e.g. `new URL('/graphql', location.origin)`. */
  graphqlUrl: string;
  /** e.g. `ws://host/graphql/realtime`. */
  realtimeUrl: string;
  /** Read on every request, so a change in the picker applies to the next one. */
  auth: () => ConsoleAuth;
  fetch?: typeof fetch;
  WebSocket?: WebSocketConstructor;
}

export type ConsoleFetcher = (params: FetchParams, options?: FetchOptions) => Promise<ConsoleResult> | AsyncIterable<ConsoleResult>;

/** The operation GraphiQL will run (by name, or the only one), or null if the text does not parse. */
export function selectedOperation(document: DocumentNode, operationName?: string | null): OperationDefinitionNode | null {
  const operations = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  const named = operationName ? operations.find((o) => o.name?.value === operationName) : undefined;
  // GraphiQL's operationName can lag the editor by a keystroke: a lone operation is the one meant.
  return named ?? (operations.length === 1 ? operations[0]! : null);
}

/**
 * The document of this request. GraphiQL's `documentAST` is computed from the editor with a delay,
 * so a query pasted and run at once may come with the previous text's AST: the query text sent is
 * what counts, and the AST is only a fallback.
 */
function parsed(params: FetchParams, options?: FetchOptions): DocumentNode | null {
  try {
    return parse(params.query);
  } catch {
    return options?.documentAST ?? null;
  }
}

/** The headers editor's values as strings; names lower-cased so they replace ours, not add to them. */
function editorHeaders(headers: Record<string, unknown> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (value === undefined || value === null) continue;
    out[name.toLowerCase()] = typeof value === 'string' ? value : JSON.stringify(value);
  }
  return out;
}

function clientAuth(auth: ConsoleAuth): ClientAuth | null {
  switch (auth.mode) {
    case 'API_KEY':
      return { mode: 'API_KEY', apiKey: auth.apiKey };
    case 'AWS_IAM':
      return { mode: 'AWS_IAM', region: auth.region, credentials: iamCredentials(auth) };
    case 'AMAZON_COGNITO_USER_POOLS':
      return { mode: 'AMAZON_COGNITO_USER_POOLS', token: auth.token.trim() };
    case 'NONE':
      return null;
  }
}

async function post(options: ConsoleFetcherOptions, params: FetchParams, headers: Record<string, unknown> | undefined): Promise<ConsoleResult> {
  const url = new URL(options.graphqlUrl);
  const body = JSON.stringify({ query: params.query, variables: params.variables ?? {}, ...(params.operationName ? { operationName: params.operationName } : {}) });
  const signed = await authHeaders(url, body, options.auth());
  let response: Response;
  try {
    response = await (options.fetch ?? fetch)(url, { method: 'POST', headers: { ...signed, ...editorHeaders(headers) }, body });
  } catch (error) {
    return { errors: [{ message: `Could not reach ${url.href}: ${error instanceof Error ? error.message : String(error)}` }] };
  }
  const text = await response.text();
  try {
    const json = JSON.parse(text) as unknown;
    if (typeof json === 'object' && json !== null && !Array.isArray(json)) return json as ConsoleResult;
  } catch {
    // not JSON: shown below as an error with the status
  }
  return { errors: [{ message: `HTTP ${response.status} ${response.statusText}: ${text.slice(0, 500)}` }] };
}

/** A subscription as an async iterable: one result per `data` frame; AppSync's errors as results. */
function subscription(options: ConsoleFetcherOptions, document: DocumentNode, operation: OperationDefinitionNode, variables: unknown): AsyncIterable<ConsoleResult> {
  const auth = clientAuth(options.auth());
  if (!auth) {
    return (async function* () {
      yield { errors: [{ message: 'Subscriptions need an auth mode: pick API key, IAM or a token in the Auth panel (the headers editor applies to HTTP requests only).' }] };
    })();
  }
  // Only the chosen operation and the fragments: AppSync's start frame carries no operationName.
  const only: DocumentNode = { ...document, definitions: document.definitions.filter((d) => d === operation || d.kind === Kind.FRAGMENT_DEFINITION) };
  const queue: ConsoleResult[] = [];
  let done = false;
  let wake: (() => void) | null = null;
  const push = (result: ConsoleResult | null) => {
    if (result) queue.push(result);
    else done = true;
    wake?.();
    wake = null;
  };
  const asErrors = (error: SubscriptionError): ConsoleResult => ({ errors: error.errors.length ? error.errors : [{ message: error.message }] });
  const stop = subscribe({ url: options.graphqlUrl, realtimeUrl: options.realtimeUrl, auth, WebSocket: options.WebSocket }, only, (variables ?? {}) as Record<string, unknown>, {
    next: (data) => push({ data }),
    error: (error) => {
      push(asErrors(error));
      if (error.fatal) push(null);
    },
    complete: () => push(null),
  });
  return {
    [Symbol.asyncIterator](): AsyncIterator<ConsoleResult> {
      return {
        async next(): Promise<IteratorResult<ConsoleResult>> {
          while (!queue.length && !done) await new Promise<void>((resolve) => (wake = resolve));
          const value = queue.shift();
          return value ? { value, done: false } : { value: undefined, done: true };
        },
        // GraphiQL calls return() when the user stops the subscription or runs something else.
        async return(): Promise<IteratorResult<ConsoleResult>> {
          stop();
          push(null);
          return { value: undefined, done: true };
        },
      };
    },
  };
}

/**
 * The fetcher GraphiQL calls for every request, the schema's introspection included.
 * @example
 * const fetcher = createConsoleFetcher({ graphqlUrl: 'http://127.0.0.1:4000/graphql', realtimeUrl: 'ws://127.0.0.1:4000/graphql/realtime', auth: () => ({ mode: 'API_KEY', apiKey }) });
 * root.render(createElement(GraphiQL, { fetcher }));
 */
export function createConsoleFetcher(options: ConsoleFetcherOptions): ConsoleFetcher {
  return (params, fetchOptions) => {
    const document = parsed(params, fetchOptions);
    const operation = document && selectedOperation(document, params.operationName);
    if (document && operation?.operation === 'subscription') return subscription(options, document, operation, params.variables);
    return post(options, params, fetchOptions?.headers);
  };
}
