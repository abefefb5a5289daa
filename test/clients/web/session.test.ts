/**
 * The page's non-DOM logic: config.json checking, ordering of progress events, the subscription
 * acknowledged before any import mutation is sent, and the watch's finish wait.
 */
import { describe, expect, it } from 'vitest';
import type { GraphQLClient } from '../../../clients/api/client';
import { GetIngestionDocument, StartIngestionDocument, type StartIngestionMutation } from '../../../clients/api/generated';
import { SubscriptionError, type SubscriptionHandlers, type Unsubscribe } from '../../../clients/api/subscribe';
import { isNewer, parseConfig, ProgressWatch, watchingClient, WebConfigError, type ProgressEvent, type SubscribeFn } from '../../../clients/web/src/session';
import { progressEvent } from '../../helpers/progress';

const CDK_CONFIG = {
  // The keys infra/aws/stack.ts writes into config.json.
  graphqlUrl: 'https://abcdefghijklmnopqrstuvwxyz.appsync-api.eu-west-1.amazonaws.com/graphql',
  realtimeUrl: 'wss://abcdefghijklmnopqrstuvwxyz.appsync-realtime-api.eu-west-1.amazonaws.com/graphql',
  region: 'eu-west-1',
  authMode: 'AMAZON_COGNITO_USER_POOLS',
  userPoolId: 'eu-west-1_AbCdEf123',
  userPoolClientId: '1example23456789abcdefghij',
};

function event(processed: number, over: Partial<ProgressEvent> = {}): ProgressEvent {
  return progressEvent('ing-1', processed, over);
}

describe('parseConfig', () => {
  it('accepts the config.json the CDK app writes (no cognitoEndpoint: Cognito in the region)', () => {
    expect(parseConfig(CDK_CONFIG)).toEqual({ ...CDK_CONFIG, cognitoEndpoint: null });
  });

  it('accepts the local stack’s, whose user pool has its own endpoint', () => {
    const local = { ...CDK_CONFIG, graphqlUrl: 'http://127.0.0.1:4000/graphql', cognitoEndpoint: 'http://127.0.0.1:4000/cognito/' };
    expect(parseConfig(local).cognitoEndpoint).toBe('http://127.0.0.1:4000/cognito/');
  });

  it('refuses a config without the user pool client, naming the key', () => {
    expect(() => parseConfig({ ...CDK_CONFIG, userPoolClientId: '' })).toThrow(new WebConfigError('config.json has no userPoolClientId.'));
    expect(() => parseConfig({ ...CDK_CONFIG, userPoolId: undefined })).toThrow(new WebConfigError('config.json has no userPoolId.'));
  });

  it('refuses an API key config (the page never signs with one) and any other auth mode', () => {
    expect(() => parseConfig({ graphqlUrl: CDK_CONFIG.graphqlUrl, apiKey: 'da2-x', authMode: 'API_KEY' })).toThrow(/authMode API_KEY; the page signs in to a Cognito user pool/);
    expect(() => parseConfig({ ...CDK_CONFIG, authMode: undefined })).toThrow(/authMode undefined/);
  });

  it('refuses URLs that are not http(s) and a body that is not an object', () => {
    expect(() => parseConfig({ ...CDK_CONFIG, graphqlUrl: 'javascript:alert(1)' })).toThrow(/not an http\(s\) URL/);
    expect(() => parseConfig({ ...CDK_CONFIG, cognitoEndpoint: 'javascript:alert(1)' })).toThrow(/cognitoEndpoint \(javascript:alert\(1\)\) is not an http\(s\) URL/);
    expect(() => parseConfig(['x'])).toThrow(/not a JSON object/);
  });

  it('needs a region when there is no cognitoEndpoint (that is where Cognito is)', () => {
    const { region: _dropped, ...rest } = CDK_CONFIG;
    expect(() => parseConfig(rest)).toThrow(/neither region nor cognitoEndpoint/);
  });

  it('leaves the real-time URL to be derived when config.json has none', () => {
    const { realtimeUrl: _dropped, ...rest } = CDK_CONFIG;
    expect(parseConfig(rest).realtimeUrl).toBeNull();
  });
});

describe('isNewer', () => {
  it('keeps the event with more rows processed when batches answer out of order', () => {
    expect(isNewer(event(49), event(98))).toBe(true);
    expect(isNewer(event(98), event(49))).toBe(false);
  });

  it('lets the finish event replace the last batch event of the same count, and nothing replace it', () => {
    const finished = event(100, { stage: 'FINISHED', status: 'COMPLETED' });
    expect(isNewer(event(100), finished)).toBe(true);
    expect(isNewer(finished, event(100))).toBe(false);
    expect(isNewer(finished, event(120))).toBe(false);
  });
});

describe('watchingClient', () => {
  function fakeClient(outcome: 'STARTED' | 'RESUMED' | 'DUPLICATE', log: string[]): GraphQLClient {
    const request = (async (document: unknown) => {
      log.push(document === StartIngestionDocument ? 'startIngestion' : 'other');
      if (document === StartIngestionDocument) {
        return { startIngestion: { outcome, ingestion: { id: 'ing-9' } } } as unknown as StartIngestionMutation;
      }
      return { getIngestion: null };
    }) as GraphQLClient['request'];
    return { options: { url: 'http://x/graphql', auth: { mode: 'AMAZON_COGNITO_USER_POOLS', token: 'id-token' } }, execute: async () => ({ data: null }), request };
  }

  it('hands startIngestion back only after the subscription for the new ingestion is acknowledged', async () => {
    const log: string[] = [];
    let acknowledge!: () => void;
    const wrapped = watchingClient(fakeClient('STARTED', log), (id) => {
      log.push(`subscribe ${id}`);
      return new Promise<void>((resolve) => (acknowledge = resolve));
    });
    const answer = wrapped.request(StartIngestionDocument, { input: { fileName: 'f.csv', sha256: 'a'.repeat(64), model: 'CUSTOMER', source: 'WEB' } }).then((r) => {
      log.push('answered');
      return r;
    });
    await new Promise((r) => setTimeout(r, 0));
    expect(log).toEqual(['startIngestion', 'subscribe ing-9']);
    acknowledge();
    await expect(answer).resolves.toMatchObject({ startIngestion: { outcome: 'STARTED' } });
    expect(log).toEqual(['startIngestion', 'subscribe ing-9', 'answered']);
  });

  it('subscribes for a resumed ingestion too, but not for a duplicate file, and passes other operations through', async () => {
    const resumed: string[] = [];
    await watchingClient(fakeClient('RESUMED', resumed), async (id) => void resumed.push(`subscribe ${id}`)).request(StartIngestionDocument, {
      input: { fileName: 'f.csv', sha256: 'a'.repeat(64), model: 'CUSTOMER', source: 'WEB' },
    });
    expect(resumed).toEqual(['startIngestion', 'subscribe ing-9']);

    const duplicate: string[] = [];
    const client = watchingClient(fakeClient('DUPLICATE', duplicate), async (id) => void duplicate.push(`subscribe ${id}`));
    await client.request(StartIngestionDocument, { input: { fileName: 'f.csv', sha256: 'a'.repeat(64), model: 'CUSTOMER', source: 'WEB' } });
    await client.request(GetIngestionDocument, { id: 'ing-9' });
    expect(duplicate).toEqual(['startIngestion', 'other']);
  });

  it('fails the start when the subscription is refused, so no batch is sent unwatched', async () => {
    const log: string[] = [];
    const wrapped = watchingClient(fakeClient('STARTED', log), async () => {
      throw new SubscriptionError('Connection refused: UnauthorizedException');
    });
    await expect(wrapped.request(StartIngestionDocument, { input: { fileName: 'f.csv', sha256: 'a'.repeat(64), model: 'CUSTOMER', source: 'WEB' } })).rejects.toThrow(
      'Connection refused: UnauthorizedException',
    );
  });
});

describe('ProgressWatch', () => {
  /** A stand-in for clients/api/subscribe: captures the handlers; `ready` settles as told. */
  function fakeSubscribe(ready: Promise<void>): { fn: SubscribeFn; handlers: () => SubscriptionHandlers<{ onIngestionProgress: ProgressEvent | null }>; variables: () => unknown; auth: () => unknown } {
    let handlers: SubscriptionHandlers<{ onIngestionProgress: ProgressEvent | null }> | undefined;
    let variables: unknown;
    let auth: unknown;
    const fn: SubscribeFn = (options, _document, vars, h) => {
      auth = options.auth;
      handlers = h;
      variables = vars;
      const stop = (() => undefined) as Unsubscribe;
      stop.ready = ready;
      return stop;
    };
    return { fn, handlers: () => handlers!, variables: () => variables, auth: () => auth };
  }

  it('shows only newer events of its own ingestion and wakes the finish wait on the finish event', async () => {
    const sub = fakeSubscribe(Promise.resolve());
    const shown: number[] = [];
    const watch = new ProgressWatch({ config: parseConfig(CDK_CONFIG), token: 'id-token', subscribe: sub.fn, onProgress: (e) => shown.push(e.processed) });
    await watch.start('ing-1');
    expect(sub.variables()).toEqual({ ingestionId: 'ing-1' });
    // The subscription is signed with the user's ID token (AppSync's user pools mode).
    expect(sub.auth()).toEqual({ mode: 'AMAZON_COGNITO_USER_POOLS', token: 'id-token' });
    const finish = watch.waitForFinish(60_000);
    sub.handlers().next({ onIngestionProgress: event(49) });
    sub.handlers().next({ onIngestionProgress: event(98, { ingestionId: 'ing-2' }) });
    sub.handlers().next({ onIngestionProgress: event(98) });
    sub.handlers().next({ onIngestionProgress: event(49) });
    expect(watch.finished).toBe(false);
    sub.handlers().next({ onIngestionProgress: event(100, { stage: 'FINISHED', status: 'COMPLETED' }) });
    await expect(finish).resolves.toMatchObject({ stage: 'FINISHED', processed: 100 });
    expect(shown).toEqual([49, 98, 100]);
    expect(watch.finished).toBe(true);
  });

  it('rejects start when AppSync refuses the subscription', async () => {
    const refused = Promise.reject(new SubscriptionError('Subscription refused: Unauthorized'));
    refused.catch(() => undefined);
    const watch = new ProgressWatch({ config: parseConfig(CDK_CONFIG), token: 'id-token', subscribe: fakeSubscribe(refused).fn, onProgress: () => undefined });
    await expect(watch.start('ing-1')).rejects.toThrow('Subscription refused: Unauthorized');
  });

  it('stops waiting for the finish event when the connection drops, answering the last event seen', async () => {
    const sub = fakeSubscribe(Promise.resolve());
    const troubles: string[] = [];
    const watch = new ProgressWatch({ config: parseConfig(CDK_CONFIG), token: 'id-token', subscribe: sub.fn, onProgress: () => undefined, onTrouble: (e) => troubles.push(e.message) });
    await watch.start('ing-1');
    sub.handlers().next({ onIngestionProgress: event(49) });
    const finish = watch.waitForFinish(60_000);
    sub.handlers().error!(new SubscriptionError('The real-time connection closed (1006).'));
    await expect(finish).resolves.toMatchObject({ processed: 49, stage: 'IMPORTING' });
    expect(troubles).toEqual(['The real-time connection closed (1006).']);
  });
});
