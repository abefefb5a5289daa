/**
 * What the page needs besides the DOM: its runtime configuration (config.json, written by the CDK
 * app next to the page and served by the local stack), and an import run whose progress comes
 * from the `onIngestionProgress` subscription — exactly what any other watcher of the ingestion
 * sees — rather than from the engine's local callbacks.
 */
import type { GraphQLClient, TokenSource } from '../../api/client';
import { OnIngestionProgressDocument, StartIngestionDocument, type OnIngestionProgressSubscription, type StartIngestionMutation } from '../../api/generated';
import { subscribe, SubscriptionError, type SubscribeOptions, type SubscriptionHandlers, type Unsubscribe } from '../../api/subscribe';

/** config.json: the shape infra/aws/stack.ts writes (`WebConfig` there) and infra/local serves. */
export interface WebConfig {
  graphqlUrl: string;
  realtimeUrl: string | null;
  region: string | null;
  authMode: 'AMAZON_COGNITO_USER_POOLS';
  userPoolId: string;
  userPoolClientId: string;
  /** The local stack's user pool (`<origin>/cognito/`); null = Cognito's regional endpoint. */
  cognitoEndpoint: string | null;
}

/** config.json is missing, unreadable or not what the page needs. */
export class WebConfigError extends Error {
  override name = 'WebConfigError';
}

/** Checks a parsed config.json; throws WebConfigError naming what is wrong. */
export function parseConfig(value: unknown): WebConfig {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new WebConfigError('config.json is not a JSON object.');
  const v = value as Record<string, unknown>;
  const text = (key: string, required: boolean): string | null => {
    const x = v[key];
    if (typeof x === 'string' && x.trim() !== '') return x;
    if (required) throw new WebConfigError(`config.json has no ${key}.`);
    return null;
  };
  const graphqlUrl = text('graphqlUrl', true)!;
  if (!/^https?:\/\//.test(graphqlUrl)) throw new WebConfigError(`config.json's graphqlUrl (${graphqlUrl}) is not an http(s) URL.`);
  if (v.authMode !== 'AMAZON_COGNITO_USER_POOLS') {
    throw new WebConfigError(`config.json asks for authMode ${String(v.authMode)}; the page signs in to a Cognito user pool (AMAZON_COGNITO_USER_POOLS) only.`);
  }
  const cognitoEndpoint = text('cognitoEndpoint', false);
  if (cognitoEndpoint && !/^https?:\/\//.test(cognitoEndpoint)) throw new WebConfigError(`config.json's cognitoEndpoint (${cognitoEndpoint}) is not an http(s) URL.`);
  const region = text('region', false);
  if (!cognitoEndpoint && !region) throw new WebConfigError('config.json has neither region nor cognitoEndpoint: the page cannot tell where to sign in.');
  return {
    graphqlUrl,
    realtimeUrl: text('realtimeUrl', false),
    region,
    authMode: 'AMAZON_COGNITO_USER_POOLS',
    userPoolId: text('userPoolId', true)!,
    userPoolClientId: text('userPoolClientId', true)!,
    cognitoEndpoint,
  };
}

export type ProgressEvent = NonNullable<OnIngestionProgressSubscription['onIngestionProgress']>;

const STAGE_RANK: Record<string, number> = { STARTED: 0, IMPORTING: 1, REJECTED_ROWS: 1, FINISHED: 2 };

/** Is `next` newer than `current`? Batches run concurrently, so events can arrive out of order; `processed` only grows. */
export function isNewer(current: ProgressEvent | null, next: ProgressEvent): boolean {
  if (!current) return true;
  if (current.stage === 'FINISHED') return false;
  if (next.processed !== current.processed) return next.processed > current.processed;
  return (STAGE_RANK[next.stage] ?? 0) >= (STAGE_RANK[current.stage] ?? 0);
}

export type SubscribeFn = (
  options: SubscribeOptions,
  document: typeof OnIngestionProgressDocument,
  variables: { ingestionId: string },
  handlers: SubscriptionHandlers<OnIngestionProgressSubscription>,
) => Unsubscribe;

export interface ProgressWatchOptions {
  config: WebConfig;
  /** The signed-in user's ID token (refreshed before it expires). */
  token: TokenSource;
  /** Each event that moves the ingestion forward (stale, out-of-order events are dropped). */
  onProgress: (event: ProgressEvent) => void;
  /** The subscription dropped or delivered errors after it started. */
  onTrouble?: (error: SubscriptionError) => void;
  /** Default: clients/api/subscribe (the browser's WebSocket). */
  subscribe?: SubscribeFn;
}

/**
 * Follows one ingestion on `onIngestionProgress`. `start()` resolves once AppSync acknowledged
 * the subscription (`start_ack`), so no event of the mutations sent after it can be missed.
 */
export class ProgressWatch {
  latest: ProgressEvent | null = null;
  private stopFn: Unsubscribe | null = null;
  private waiters: (() => void)[] = [];

  constructor(private readonly options: ProgressWatchOptions) {}

  /** Subscribes to `ingestionId`; rejects with SubscriptionError when AppSync refuses. */
  async start(ingestionId: string): Promise<void> {
    const { config } = this.options;
    const sub = this.options.subscribe ?? (subscribe as SubscribeFn);
    this.stopFn = sub(
      // The signed-in user's ID token, in the connection header and in the start message.
      { url: config.graphqlUrl, realtimeUrl: config.realtimeUrl ?? undefined, auth: { mode: 'AMAZON_COGNITO_USER_POOLS', token: this.options.token } },
      OnIngestionProgressDocument,
      { ingestionId },
      {
        next: (data) => {
          const event = data.onIngestionProgress;
          if (!event || event.ingestionId !== ingestionId || !isNewer(this.latest, event)) return;
          this.latest = event;
          this.options.onProgress(event);
          if (event.stage === 'FINISHED' || event.status !== 'RUNNING') for (const wake of this.waiters.splice(0)) wake();
        },
        error: (error) => {
          this.options.onTrouble?.(error);
          if (error.fatal) for (const wake of this.waiters.splice(0)) wake();
        },
      },
    );
    await this.stopFn.ready;
  }

  /** Whether the last event closed the ingestion. */
  get finished(): boolean {
    return this.latest !== null && (this.latest.stage === 'FINISHED' || this.latest.status !== 'RUNNING');
  }

  /**
   * Waits for the event that closes the ingestion (the finishIngestion mutation's), at most
   * `timeoutMs`: the mutation's own answer can reach the page before its subscription event.
   */
  waitForFinish(timeoutMs: number): Promise<ProgressEvent | null> {
    if (this.finished) return Promise.resolve(this.latest);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(this.latest), timeoutMs);
      this.waiters.push(() => {
        clearTimeout(timer);
        resolve(this.latest);
      });
    });
  }

  stop(): void {
    this.stopFn?.();
    this.stopFn = null;
  }
}

/**
 * Wraps the client the engine sends with: when `startIngestion` answers STARTED or RESUMED, the
 * answer is handed to the engine only after `beforeImport(ingestionId)` resolved — the page
 * subscribes there, so the very first batch's event reaches it.
 */
export function watchingClient(client: GraphQLClient, beforeImport: (ingestionId: string) => Promise<void>): GraphQLClient {
  const request = (async (document: unknown, variables?: Record<string, unknown>) => {
    const run = client.request as (d: unknown, v?: Record<string, unknown>) => Promise<unknown>;
    const result = await run(document, variables);
    if (document === StartIngestionDocument) {
      const { outcome, ingestion } = (result as StartIngestionMutation).startIngestion;
      if (outcome !== 'DUPLICATE' && ingestion) await beforeImport(ingestion.id);
    }
    return result;
  }) as GraphQLClient['request'];
  return { options: client.options, execute: client.execute, request };
}

export { SubscriptionError };
