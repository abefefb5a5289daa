/**
 * The typed subscribe helper against the real-time endpoint (attachRealtime on a bare server with the
 * stand-in authenticator, which verifies SigV4 for real).
 */
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attachRealtime } from '../../infra/local/realtime';
import type { RealtimeHandle } from '../../infra/local/contracts';
import { realtimeUrlFor, subscribe, SubscriptionError } from '../../clients/api/subscribe';
import { OnIngestionProgressDocument, type OnIngestionProgressSubscription } from '../../clients/api/generated';
import { API_KEY, IAM, fakeAuthenticator, fakeRuntime, listen, loadSchema } from '../infra/local/realtime/doubles';
import { progressEvent } from '../helpers/progress';

type Progress = NonNullable<OnIngestionProgressSubscription['onIngestionProgress']>;

function progress(ingestionId: string, processed: number, stage: 'IMPORTING' | 'FINISHED' = 'IMPORTING'): Progress {
  return progressEvent(ingestionId, processed, { stage, status: stage === 'FINISHED' ? 'COMPLETED' : 'RUNNING' });
}

describe('subscribe()', () => {
  let server: http.Server;
  let realtime: RealtimeHandle;
  let url: string;

  beforeAll(async () => {
    const schema = loadSchema();
    server = http.createServer();
    realtime = attachRealtime(server, { schema, auth: fakeAuthenticator(schema), runtime: fakeRuntime({}), env: {} }, { codeSource: async () => null });
    url = `http://127.0.0.1:${await listen(server)}/graphql`;
  });
  afterAll(async () => {
    await realtime.close();
    await new Promise((r) => server.close(r));
  });

  it('derives the real-time URL as Amplify JS does', () => {
    expect(realtimeUrlFor('https://abcdefghijklmnopqrstuvwxyz.appsync-api.eu-west-1.amazonaws.com/graphql')).toBe(
      'wss://abcdefghijklmnopqrstuvwxyz.appsync-realtime-api.eu-west-1.amazonaws.com/graphql',
    );
    expect(realtimeUrlFor('https://api.example.com/graphql')).toBe('wss://api.example.com/graphql/realtime');
    expect(realtimeUrlFor('http://127.0.0.1:4000/graphql')).toBe('ws://127.0.0.1:4000/graphql/realtime');
  });

  it('delivers typed events of its ingestion only, then completes on unsubscribe (API key)', async () => {
    const got: Progress[] = [];
    let completed = false;
    const done = new Promise<void>((resolve) => {
      const stop = subscribe({ url, auth: { mode: 'API_KEY', apiKey: API_KEY } }, OnIngestionProgressDocument, { ingestionId: 'ing-1' }, {
        next: (data) => {
          got.push(data.onIngestionProgress!);
          if (data.onIngestionProgress?.stage === 'FINISHED') stop();
        },
        complete: () => {
          completed = true;
          resolve();
        },
      });
      void stop.ready.then(() => {
        realtime.publish({ fieldName: 'importCustomers', arguments: {}, payload: progress('ing-1', 10) });
        realtime.publish({ fieldName: 'importCustomers', arguments: {}, payload: progress('ing-2', 99) });
        realtime.publish({ fieldName: 'finishIngestion', arguments: {}, payload: progress('ing-1', 20, 'FINISHED') });
      });
    });
    await done;
    expect(got.map((p) => [p.ingestionId, p.processed, p.stage])).toEqual([
      ['ing-1', 10, 'IMPORTING'],
      ['ing-1', 20, 'FINISHED'],
    ]);
    expect(completed).toBe(true);
  });

  it('subscribes with IAM: connect and start signed with SigV4', async () => {
    const got: number[] = [];
    await new Promise<void>((resolve, reject) => {
      const stop = subscribe({ url, auth: { mode: 'AWS_IAM', region: IAM.region, credentials: IAM } }, OnIngestionProgressDocument, { ingestionId: 'iam' }, {
        next: (data) => {
          got.push(data.onIngestionProgress!.processed);
          stop();
          resolve();
        },
        error: reject,
      });
      void stop.ready.then(() => realtime.publish({ fieldName: 'importProjects', arguments: {}, payload: progress('iam', 7) }), reject);
    });
    expect(got).toEqual([7]);
  });

  it('completes without opening a subscription when unsubscribed at once', async () => {
    const before = realtime.connectionCount();
    await new Promise<void>((resolve, reject) => {
      const stop = subscribe({ url, auth: { mode: 'API_KEY', apiKey: API_KEY } }, OnIngestionProgressDocument, { ingestionId: 'never' }, {
        next: () => reject(new Error('no event expected')),
        error: reject,
        complete: resolve,
      });
      stop();
    });
    expect(realtime.connectionCount()).toBe(before);
  });

  it('reports a refused connect through error() and rejects ready', async () => {
    const errors: SubscriptionError[] = [];
    const stop = subscribe({ url, auth: { mode: 'API_KEY', apiKey: 'da2-wrong' } }, OnIngestionProgressDocument, { ingestionId: 'x' }, {
      next: () => {},
      error: (e) => errors.push(e),
    });
    await expect(stop.ready).rejects.toBeInstanceOf(SubscriptionError);
    expect(errors[0]?.errorType).toBe('UnauthorizedException');
    expect(errors[0]?.message).toContain('You are not authorized to make this call.');
  });

  it('reports a bad IAM signature as UnauthorizedException', async () => {
    const stop = subscribe(
      { url, auth: { mode: 'AWS_IAM', region: IAM.region, credentials: { ...IAM, secretAccessKey: 'wrong' } } },
      OnIngestionProgressDocument,
      { ingestionId: 'x' },
      { next: () => {} },
    );
    await expect(stop.ready).rejects.toMatchObject({ errorType: 'UnauthorizedException' });
  });

  it('reports a dead endpoint as an error', async () => {
    const stop = subscribe({ url: 'http://127.0.0.1:1/graphql', auth: { mode: 'API_KEY', apiKey: API_KEY } }, OnIngestionProgressDocument, { ingestionId: 'x' }, { next: () => {} });
    await expect(stop.ready).rejects.toBeInstanceOf(SubscriptionError);
  });
});
