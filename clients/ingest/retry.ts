/**
 * Retrying transient failures with capped exponential backoff and full jitter
 * (AWS Architecture Blog, "Exponential Backoff And Jitter": sleep = random(0, min(cap, base·2^attempt))).
 * Safe for every ingestion mutation because batches are idempotent (deterministic batch numbers).
 */
import { EndpointUnreachableError, GraphQLHttpError, GraphQLResponseError } from '../api/client';

export interface RetryPolicy {
  /** Tries in all, the first included. */
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /**
   * When nothing answers at all (connection refused, reset, timed out: a dead or restarting
   * endpoint) or the endpoint says its database is unavailable (HTTP 503, errorType
   * ServiceUnavailable: the local stack restarting DynamoDB Local, an AWS outage), keep retrying
   * past `attempts` until this many milliseconds of waiting have passed, each wait between
   * maxDelayMs/2 and maxDelayMs. Unset: `attempts` alone decides.
   */
  unreachableMs?: number;
}

/** 7 tries with backoff up to 10 s; an endpoint that does not answer is waited for up to 2 minutes. */
export const DEFAULT_RETRY: RetryPolicy = { attempts: 7, baseDelayMs: 200, maxDelayMs: 10_000, unreachableMs: 120_000 };

/** errorTypes AppSync and DynamoDB use for "slow down" or "try again": throttling, conflicts, internal failures. */
const TRANSIENT_ERROR_TYPE = /Throttl|ProvisionedThroughputExceeded|RequestLimitExceeded|LimitExceeded|TransactionConflict|TransactionInProgress|InternalFailure|InternalServerError|ServiceUnavailable|Timeout/i;

/** Whether retrying the same request may succeed: nothing answered, HTTP 5xx or 429, or a throttling/conflict errorType. */
export function isTransient(error: unknown): boolean {
  if (error instanceof EndpointUnreachableError) return true;
  if (error instanceof GraphQLHttpError) return error.status >= 500 || error.status === 429 || TRANSIENT_ERROR_TYPE.test(error.errorType ?? '');
  if (error instanceof GraphQLResponseError) return error.errors.some((e) => TRANSIENT_ERROR_TYPE.test(e.errorType ?? ''));
  return false;
}

/** Whether the endpoint is down or restarting (rather than busy): worth waiting for longer. */
export function isUnavailable(error: unknown): boolean {
  if (error instanceof EndpointUnreachableError) return true;
  if (error instanceof GraphQLHttpError) return error.status === 503 || /ServiceUnavailable/i.test(error.errorType ?? '');
  if (error instanceof GraphQLResponseError) return error.errors.some((e) => /ServiceUnavailable/i.test(e.errorType ?? ''));
  return false;
}

/** The delay before retry number `attempt` (0-based): uniformly random up to the capped exponential. */
export function backoffDelay(attempt: number, policy: RetryPolicy, random: () => number = Math.random): number {
  return Math.floor(random() * Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt));
}

export interface RetryHooks {
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  /** Called before each wait, e.g. to show "retrying batch 12 in 0.8 s". */
  onRetry?: (error: unknown, attempt: number, delayMs: number) => void;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Runs `fn`, retrying transient failures per `policy`; rethrows the last error, or at once a
 * non-transient one.
 * @example await withRetry(() => client.request(FinishIngestionDocument, { input }), DEFAULT_RETRY)
 */
export async function withRetry<T>(fn: () => Promise<T>, policy: RetryPolicy, hooks: RetryHooks = {}): Promise<T> {
  let waited = 0;
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn();
    } catch (error) {
      if (!isTransient(error)) throw error;
      const outOfTries = attempt + 1 >= policy.attempts;
      // A dead or restarting endpoint: keep waiting, up to the policy's budget.
      const waitForEndpoint = outOfTries && isUnavailable(error) && policy.unreachableMs !== undefined && waited < policy.unreachableMs;
      if (outOfTries && !waitForEndpoint) throw error;
      const delay = waitForEndpoint ? Math.floor(policy.maxDelayMs / 2 + (hooks.random ?? Math.random)() * (policy.maxDelayMs / 2)) : backoffDelay(attempt, policy, hooks.random);
      waited += delay;
      hooks.onRetry?.(error, attempt + 1, delay);
      await (hooks.sleep ?? sleep)(delay);
    }
  }
}
