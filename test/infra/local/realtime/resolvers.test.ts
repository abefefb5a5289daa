/**
 * Subscription resolvers run at `start` in the real APPSYNC_JS runtime (infra/local/runtime): the
 * enhanced filter they set with `extensions.setSubscriptionFilter(util.transform.toSubscriptionFilter(…))`
 * decides what the subscriber receives, and `util.unauthorized()` refuses the start.
 * The resolver code follows the enhanced-filtering page's example
 * (https://docs.aws.amazon.com/appsync/latest/devguide/aws-appsync-real-time-enhanced-filtering.html).
 */
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attachRealtime } from '../../../../infra/local/realtime';
import type { RealtimeHandle } from '../../../../infra/local/contracts';
import { createRuntime } from '../../../../infra/local/runtime';
import { API_KEY, FrameClient, apiKeyUrl, fakeAuthenticator, listen, loadSchema, startMessage } from './doubles';

const FILTERING = `
import { util, extensions } from '@aws-appsync/utils';
export function request(ctx) {
  return { payload: null };
}
export function response(ctx) {
  // Only ingestions past 100 rows, and only while they are importing or when they finish.
  const filter = util.transform.toSubscriptionFilter({ processed: { gt: 100 }, stage: { in: ['IMPORTING', 'FINISHED'] } });
  extensions.setSubscriptionFilter(filter);
  return null;
}
`;

const REFUSING = `
import { util } from '@aws-appsync/utils';
export function request(ctx) {
  return { payload: null };
}
export function response(ctx) {
  util.unauthorized();
  return null;
}
`;

describe('subscription resolvers in the APPSYNC_JS runtime', () => {
  let server: http.Server;
  let realtime: RealtimeHandle;
  let base: string;
  let host: string;
  const clients: FrameClient[] = [];

  beforeAll(async () => {
    const schema = loadSchema();
    server = http.createServer();
    realtime = attachRealtime(
      server,
      { schema, auth: fakeAuthenticator(schema), runtime: createRuntime(), env: {} },
      {
        codeSource: async (field) =>
          field === 'onIngestionsChanged' ? { resolver: FILTERING, functions: [] } : field === 'onIngestionProgress' ? { resolver: REFUSING, functions: [] } : null,
      },
    );
    const port = await listen(server);
    host = `127.0.0.1:${port}`;
    base = `ws://${host}/graphql/realtime`;
  });
  afterAll(async () => {
    for (const c of clients) c.ws.terminate();
    await realtime.close();
    await new Promise((r) => server.close(r));
  });

  it('delivers only the events the enhanced filter lets through', async () => {
    const c = new FrameClient(apiKeyUrl(base, host));
    clients.push(c);
    await c.init();
    c.send(startMessage('f', 'subscription { onIngestionsChanged { ingestionId stage processed } }', {}, { host, 'x-api-key': API_KEY }));
    expect(await c.nextNonKa()).toEqual({ type: 'start_ack', id: 'f' });
    realtime.publish({ fieldName: 'importCustomers', arguments: {}, payload: { ingestionId: 'i', stage: 'IMPORTING', processed: 49 } });
    realtime.publish({ fieldName: 'recordRejectedRows', arguments: {}, payload: { ingestionId: 'i', stage: 'REJECTED_ROWS', processed: 150 } });
    realtime.publish({ fieldName: 'importCustomers', arguments: {}, payload: { ingestionId: 'i', stage: 'IMPORTING', processed: 198 } });
    realtime.publish({ fieldName: 'finishIngestion', arguments: {}, payload: { ingestionId: 'i', stage: 'FINISHED', processed: 200 } });
    // 49 is not > 100; REJECTED_ROWS is not in the list.
    expect((await c.nextNonKa()).payload).toEqual({ data: { onIngestionsChanged: { ingestionId: 'i', stage: 'IMPORTING', processed: 198 } } });
    expect((await c.nextNonKa()).payload).toEqual({ data: { onIngestionsChanged: { ingestionId: 'i', stage: 'FINISHED', processed: 200 } } });
  });

  it('refuses the start when the resolver calls util.unauthorized()', async () => {
    const c = new FrameClient(apiKeyUrl(base, host));
    clients.push(c);
    await c.init();
    c.send(startMessage('u', 'subscription { onIngestionProgress(ingestionId: "x") { ingestionId } }', {}, { host, 'x-api-key': API_KEY }));
    const frame = await c.nextNonKa();
    expect(frame).toMatchObject({ type: 'error', id: 'u', payload: { errors: [{ errorType: 'Unauthorized' }] } });
  });
});
