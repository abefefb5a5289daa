/**
 * The retry policy (clients/ingest/retry.ts) with a fake clock: how many calls each kind of failure
 * gets. DEFAULT_RETRY: 7 tries; an endpoint that is down or restarting is waited for up to 120 s
 * more, in waits of maxDelayMs/2 … maxDelayMs (5–10 s). With random() = 0 every backoff is 0 ms and
 * every long wait exactly 5 s, so the counts below follow by hand: 7 tries, then 120 s / 5 s = 24 waits.
 */
import { describe, expect, it } from 'vitest';
import { EndpointUnreachableError, GraphQLHttpError, GraphQLResponseError } from '../../../clients/api/client';
import { DEFAULT_RETRY, isTransient, isUnavailable, withRetry } from '../../../clients/ingest/retry';

const unavailable = () => new GraphQLResponseError([{ message: 'DynamoDB Local is not answering', errorType: 'DynamoDB:ServiceUnavailableException' }], null);
const throttled = () => new GraphQLResponseError([{ message: 'slow down', errorType: 'DynamoDB:ProvisionedThroughputExceededException' }], null);

async function run(failures: number, error: () => Error): Promise<{ calls: number; waited: number; result: unknown }> {
  let calls = 0;
  let waited = 0;
  const result = await withRetry(
    async () => {
      calls += 1;
      if (calls <= failures) throw error();
      return 'ok';
    },
    DEFAULT_RETRY,
    { sleep: async (ms) => void (waited += ms), random: () => 0 },
  ).catch((e: unknown) => e);
  return { calls, waited, result };
}

describe('withRetry', () => {
  it('waits up to 2 minutes for a database the endpoint says is unavailable, then gives up', async () => {
    const { calls, waited, result } = await run(Infinity, unavailable);
    expect(calls).toBe(7 + 24);
    expect(waited).toBe(24 * 5000);
    expect(result).toBeInstanceOf(GraphQLResponseError);
  });

  it('goes on once the database is back (the local stack restarted DynamoDB Local)', async () => {
    const { calls, result } = await run(12, unavailable);
    expect([calls, result]).toEqual([13, 'ok']);
  });

  it('treats HTTP 503 and an unreachable endpoint the same way', async () => {
    expect((await run(Infinity, () => new GraphQLHttpError('HTTP 503', 503, undefined, 'Service Unavailable'))).calls).toBe(31);
    expect(isUnavailable(new EndpointUnreachableError('http://127.0.0.1:1/graphql', new Error('ECONNREFUSED')))).toBe(true);
  });

  it('gives a busy endpoint (throttling) its 7 tries only', async () => {
    const { calls, result } = await run(Infinity, throttled);
    expect(calls).toBe(7);
    expect(result).toBeInstanceOf(GraphQLResponseError);
    expect(isTransient(throttled())).toBe(true);
    expect(isUnavailable(throttled())).toBe(false);
  });

  it('does not retry what retrying cannot fix', async () => {
    const { calls } = await run(Infinity, () => new GraphQLResponseError([{ message: 'nope', errorType: 'Unauthorized' }], null));
    expect(calls).toBe(1);
  });
});
