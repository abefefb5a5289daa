/**
 * The console's fetcher in Node against a real in-memory local stack: the same code GraphiQL calls
 * in the browser, with `ws` as the WebSocket. Queries go over HTTP with the picked auth; a
 * subscription is an async iterable fed by AppSync's real-time protocol.
 */
import { createHash, randomUUID } from 'node:crypto';
import { parse } from 'graphql';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, type GraphQLClient } from '../../../clients/api/client';
import { FailIngestionDocument, StartIngestionDocument } from '../../../clients/api/generated';
import type { WebSocketConstructor } from '../../../clients/api/subscribe';
import type { ConsoleAuth } from '../../../clients/console/src/auth';
import { createConsoleFetcher, selectedOperation, type ConsoleResult } from '../../../clients/console/src/fetcher';
import { startTestStack, type TestStack } from '../../helpers/localStack';

/** `ws`, telling the test when the server acknowledged a start (frames as the server sent them). */
function watchedWebSocket(acks: (() => void)[]): WebSocketConstructor {
  return class extends WebSocket {
    constructor(url: string, protocols: string[]) {
      super(url, protocols);
      this.addEventListener('message', (event) => {
        if (String(event.data).includes('"start_ack"')) acks.shift()?.();
      });
    }
  } as unknown as WebSocketConstructor;
}

function errorTypes(result: ConsoleResult): unknown[] {
  return (result.errors ?? []).map((e) => (e as { errorType?: unknown }).errorType);
}

describe('the console fetcher', () => {
  let stack: TestStack;
  let client: GraphQLClient;
  let iam: ConsoleAuth;

  beforeAll(async () => {
    stack = await startTestStack();
    iam = { mode: 'AWS_IAM', region: stack.iam.region, accessKeyId: stack.iam.accessKeyId, secretAccessKey: stack.iam.secretAccessKey };
    client = createClient({ url: stack.graphqlUrl, auth: { mode: 'AWS_IAM', region: stack.iam.region, credentials: stack.iam } });
  });
  afterAll(() => stack?.stop());

  const fetcherWith = (auth: ConsoleAuth, acks: (() => void)[] = []) =>
    createConsoleFetcher({ graphqlUrl: stack.graphqlUrl, realtimeUrl: stack.realtimeUrl, auth: () => auth, WebSocket: watchedWebSocket(acks) });

  it('picks the operation GraphiQL runs: by name, or the only one', () => {
    const doc = parse('query A { __typename } subscription B { __typename }');
    expect(selectedOperation(doc, 'B')?.operation).toBe('subscription');
    expect(selectedOperation(doc, 'A')?.operation).toBe('query');
    // Two operations and no name: GraphQL cannot tell which to run (spec 6.1, GetOperation).
    expect(selectedOperation(doc, null)).toBeNull();
    expect(selectedOperation(doc, 'C')).toBeNull();
    expect(selectedOperation(parse('{ __typename }'))?.operation).toBe('query');
  });

  it('runs a query signed with SigV4 and returns AppSync’s answer as is', async () => {
    const result = await fetcherWith(iam)({ query: 'query Q { __typename }', operationName: 'Q' });
    expect(result).toEqual({ data: { __typename: 'Query' } });
  });

  it('lets the headers editor replace the picked auth’s headers', async () => {
    // The editor's Authorization replaces the SigV4 one we computed (which would have succeeded):
    // what arrives is not a SigV4 header, so AppSync reads it as a user-pool token, the API's
    // default mode, and refuses it as one (401 UnauthorizedException).
    const result = (await fetcherWith(iam)({ query: '{ __typename }' }, { headers: { Authorization: 'not-a-signature' } })) as ConsoleResult;
    expect(errorTypes(result)).toEqual(['UnauthorizedException']);
  });

  it('returns AppSync’s refusal for a wrong secret, and for no auth at all', async () => {
    const wrong = (await fetcherWith({ ...iam, mode: 'AWS_IAM', secretAccessKey: 'wrong' } as ConsoleAuth)({ query: '{ __typename }' })) as ConsoleResult;
    // AWS's common error for a signature that does not match (SigV4 computed with another secret).
    expect(errorTypes(wrong)).toEqual(['InvalidSignatureException']);
    const none = (await fetcherWith({ mode: 'NONE' })({ query: '{ __typename }' })) as ConsoleResult;
    expect(errorTypes(none)).toEqual(['UnauthorizedException']);
  });

  it('says what went wrong when nothing answers at the endpoint', async () => {
    const fetcher = createConsoleFetcher({ graphqlUrl: 'http://127.0.0.1:9/graphql', realtimeUrl: 'ws://127.0.0.1:9/graphql/realtime', auth: () => iam });
    const result = (await fetcher({ query: '{ __typename }' })) as ConsoleResult;
    expect((result.errors?.[0] as { message: string }).message).toMatch(/^Could not reach http:\/\/127\.0\.0\.1:9\/graphql: /);
  });

  it('streams a subscription’s events as an async iterable and stops it on return()', async () => {
    const sha256 = createHash('sha256').update(randomUUID()).digest('hex');
    const { startIngestion } = await client.request(StartIngestionDocument, { input: { fileName: 'fetcher.csv', sha256, model: 'CUSTOMER', source: 'API', rowCount: 1 } });
    const id = startIngestion.ingestion!.id;
    const acks: (() => void)[] = [];
    const acked = new Promise<void>((resolve) => acks.push(resolve));
    const query = `subscription Watch($id: ID!) { onIngestionProgress(ingestionId: $id) { ingestionId status failureReason } }
      query Other { __typename }`;
    const result = fetcherWith(iam, acks)({ query, operationName: 'Watch', variables: { id } });
    expect(Symbol.asyncIterator in result).toBe(true);
    const events = (result as AsyncIterable<ConsoleResult>)[Symbol.asyncIterator]();
    const first = events.next();
    await acked;
    await client.request(FailIngestionDocument, { ingestionId: id, reason: 'from the fetcher test' });
    await expect(first).resolves.toEqual({ done: false, value: { data: { onIngestionProgress: { ingestionId: id, status: 'FAILED', failureReason: 'from the fetcher test' } } } });
    await expect(events.return!()).resolves.toEqual({ done: true, value: undefined });
    await expect(events.next()).resolves.toEqual({ done: true, value: undefined });
  });

  it('ends a refused subscription with AppSync’s errors as its last result', async () => {
    const result = fetcherWith({ mode: 'API_KEY', apiKey: 'da2-thiskeydoesnotexistanywhere00' })({ query: 'subscription { onIngestionsChanged { ingestionId } }' });
    const seen: ConsoleResult[] = [];
    for await (const event of result as AsyncIterable<ConsoleResult>) seen.push(event);
    expect(seen).toHaveLength(1);
    expect(errorTypes(seen[0]!)).toEqual(['UnauthorizedException']);
  });

  it('refuses a subscription without an auth mode and says why', async () => {
    const seen: ConsoleResult[] = [];
    for await (const event of fetcherWith({ mode: 'NONE' })({ query: 'subscription { onIngestionsChanged { ingestionId } }' }) as AsyncIterable<ConsoleResult>) seen.push(event);
    expect(seen).toEqual([{ errors: [{ message: expect.stringMatching(/^Subscriptions need an auth mode/) }] }]);
  });
});
