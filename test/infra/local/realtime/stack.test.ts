/**
 * The real-time endpoint inside the real local stack (startTestStack): the stack's authenticator,
 * its mutations publishing after each field resolves, and TLS. Frames checked one by one with `ws`.
 */
import { randomUUID, createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'graphql';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { startTestStack, type TestStack, stackClients } from '../../../helpers/localStack';
import { createClient, signAppSyncRequest, type GraphQLClient } from '../../../../clients/api/client';
import { FinishIngestionDocument, ImportCustomersDocument, StartIngestionDocument, type ImportCustomersInput } from '../../../../clients/api/generated';
import { FrameClient, b64, b64url, serverCertificate, startMessage } from './doubles';

const PROGRESS = `subscription P($id: ID!) { onIngestionProgress(ingestionId: $id) { ingestionId stage status batchNumber processed created duplicates invalid } }`;

describe('real-time on the local stack', () => {
  let stack: TestStack;
  let client: GraphQLClient;
  let host: string;
  const clients: FrameClient[] = [];

  function connect(url: string, protocols?: string[], options?: ConstructorParameters<typeof FrameClient>[2]): FrameClient {
    const c = new FrameClient(url, protocols, options);
    clients.push(c);
    return c;
  }
  let token: string;
  /** Connects with a user-pool token in the header (the built-in admin's, unless another is given). */
  function tokenUrl(authorization = token): string {
    return `${stack.realtimeUrl}?header=${encodeURIComponent(b64({ host, Authorization: authorization }))}&payload=e30=`;
  }
  async function subscribed(ingestionId: string, id: string = randomUUID(), query = PROGRESS): Promise<FrameClient> {
    const c = connect(tokenUrl());
    expect((await c.init()).type).toBe('connection_ack');
    c.send(startMessage(id, query, { id: ingestionId }, { host, Authorization: token }));
    expect(await c.nextNonKa()).toEqual({ type: 'start_ack', id });
    return c;
  }
  async function startIngestion(): Promise<string> {
    const sha256 = createHash('sha256').update(randomUUID()).digest('hex');
    const { startIngestion } = await client.request(StartIngestionDocument, {
      input: { fileName: `${sha256.slice(0, 8)}.csv`, sha256, model: 'CUSTOMER', source: 'API', rowCount: 6 },
    });
    return startIngestion.ingestion!.id;
  }
  function rows(from: number, count: number): ImportCustomersInput['rows'] {
    return Array.from({ length: count }, (_, i) => ({ rowNumber: from + i, email: `${randomUUID()}@example.com`, name: `Person ${from + i}` }));
  }

  beforeAll(async () => {
    stack = await startTestStack({ tls: true });
    client = stackClients(stack).api;
    host = new URL(stack.graphqlUrl).host;
    token = await stack.tokenFor('foreman-admin', ['admins']);
  });
  afterAll(async () => {
    for (const c of clients) c.ws.terminate();
    await stack?.stop();
  });

  it('delivers exactly one ingestion’s import and finish events to its subscriber while another runs', async () => {
    const [a, b] = [await startIngestion(), await startIngestion()];
    const subA = await subscribed(a);
    const subB = await subscribed(b);
    for (let batch = 1; batch <= 3; batch += 1) {
      // Interleaved: both ingestions write at the same time.
      await Promise.all([
        client.request(ImportCustomersDocument, { input: { ingestionId: a, batchNumber: batch, rows: rows(batch * 2, 2) } }),
        client.request(ImportCustomersDocument, { input: { ingestionId: b, batchNumber: batch, rows: rows(batch * 2, 2) } }),
      ]);
    }
    const [{ finishIngestion: finalA }] = await Promise.all([
      client.request(FinishIngestionDocument, { input: { ingestionId: a, status: 'COMPLETED', durationMs: 1000 } }),
      client.request(FinishIngestionDocument, { input: { ingestionId: b, status: 'COMPLETED', durationMs: 1000 } }),
    ]);

    async function until(c: FrameClient): Promise<Record<string, unknown>[]> {
      const got: Record<string, unknown>[] = [];
      for (;;) {
        const f = await c.nextNonKa();
        expect(f.type).toBe('data');
        const p = (f.payload as { data: { onIngestionProgress: Record<string, unknown> } }).data.onIngestionProgress;
        got.push(p);
        if (p.stage === 'FINISHED') return got;
      }
    }
    const gotA = await until(subA);
    const gotB = await until(subB);
    expect(gotA.map((p) => p.ingestionId)).toEqual([a, a, a, a]);
    expect(gotB.map((p) => p.ingestionId)).toEqual([b, b, b, b]);
    expect(gotA.slice(0, 3).map((p) => p.batchNumber)).toEqual([1, 2, 3]);
    expect(gotA.slice(0, 3).map((p) => p.processed)).toEqual([2, 4, 6]);
    // The last event carries the final counts, as finishIngestion returned them.
    expect(gotA[3]).toMatchObject({ stage: 'FINISHED', status: 'COMPLETED', processed: finalA.processed, created: finalA.created, duplicates: 0, invalid: 0 });
    expect(finalA.created).toBe(6);
  });

  it('hands subscribers only the fields the mutation selected', async () => {
    const id = await startIngestion();
    const sub = await subscribed(id, 'narrow', `subscription P($id: ID!) { onIngestionProgress(ingestionId: $id) { ingestionId processed batchNumber updatedAt } }`);
    // batchNumber and updatedAt are resolved by the server but not selected by this mutation.
    const narrow = parse(`mutation M($input: ImportCustomersInput!) { importCustomers(input: $input) { ingestionId processed } }`) as TypedDocumentNode<
      { importCustomers: { ingestionId: string; processed: number } },
      { input: ImportCustomersInput }
    >;
    await client.request(narrow, { input: { ingestionId: id, batchNumber: 1, rows: rows(2, 1) } });
    const frame = await sub.nextNonKa();
    expect(frame.payload).toEqual({
      data: { onIngestionProgress: null },
      errors: [expect.objectContaining({ message: "Cannot return null for non-nullable type: 'AWSDateTime' within parent 'IngestionProgress' (/onIngestionProgress/updatedAt)" })],
    });
    const nullable = await subscribed(id, 'nullable', `subscription P($id: ID!) { onIngestionProgress(ingestionId: $id) { ingestionId processed batchNumber } }`);
    await client.request(narrow, { input: { ingestionId: id, batchNumber: 2, rows: rows(3, 1) } });
    expect((await nullable.nextNonKa()).payload).toEqual({ data: { onIngestionProgress: { ingestionId: id, processed: 2, batchNumber: null } } });
  });

  it('refuses a connect with a token that is not one of the pool’s, and an API key, with connection_error and closes', async () => {
    const forged = `${token.split('.').slice(0, 2).join('.')}.${Buffer.from('not the signature').toString('base64url')}`;
    for (const header of [{ host, Authorization: forged }, { host, 'x-api-key': 'da2-abcdefghijklmnopqrstuvwxyz' }]) {
      const c = connect(`${stack.realtimeUrl}?header=${encodeURIComponent(b64(header))}&payload=e30=`);
      const frame = await c.init();
      expect(frame).toMatchObject({ type: 'connection_error', payload: { errors: [{ errorType: 'UnauthorizedException' }] } });
      await c.closed;
    }
  });

  it('refuses a connect with no credentials with connection_error and closes', async () => {
    const c = connect(`${stack.realtimeUrl}?header=${encodeURIComponent(b64({ host }))}&payload=e30=`);
    const frame = await c.init();
    expect(frame).toMatchObject({ type: 'connection_error', payload: { errors: [{ errorType: 'UnauthorizedException' }] } });
    await c.closed;
  });

  it('accepts IAM (SigV4 over /graphql/connect) with the stack’s credentials and refuses a bad signature', async () => {
    const auth = { mode: 'AWS_IAM' as const, region: stack.iam.region, credentials: stack.iam };
    const headers = await signAppSyncRequest(new URL(`${stack.graphqlUrl}/connect`), '{}', auth, { accept: 'application/json, text/javascript', 'content-encoding': 'amz-1.0' });
    const good = connect(stack.realtimeUrl, ['graphql-ws', `header-${b64url(headers)}`]);
    expect((await good.init()).type).toBe('connection_ack');
    const data = JSON.stringify({ query: PROGRESS, variables: { id: 'iam' } });
    const startHeaders = await signAppSyncRequest(new URL(stack.graphqlUrl), data, auth);
    good.send({ id: 'iam-start', type: 'start', payload: { data, extensions: { authorization: startHeaders } } });
    expect(await good.nextNonKa()).toEqual({ type: 'start_ack', id: 'iam-start' });

    const forged = await signAppSyncRequest(new URL(`${stack.graphqlUrl}/connect`), '{}', { ...auth, credentials: { ...stack.iam, secretAccessKey: 'wrong' } });
    const bad = connect(`${stack.realtimeUrl}?header=${encodeURIComponent(b64(forged))}&payload=e30=`);
    // On the WebSocket a signature mismatch is a BadRequestException (aws-mobile-appsync-sdk-js#619).
    expect(await bad.init()).toMatchObject({
      type: 'connection_error',
      payload: { errors: [{ errorType: 'BadRequestException', errorCode: 400, message: expect.stringContaining('The request signature we calculated does not match') }] },
    });
    await bad.closed;
  });

  it('serves wss:// with its self-signed certificate once the client trusts it', async () => {
    const tlsUrl = new URL(stack.realtimeTlsUrl!);
    const ca = await serverCertificate(tlsUrl.hostname, Number(tlsUrl.port));
    const tlsHost = new URL(stack.graphqlTlsUrl!).host;
    const c = connect(`${stack.realtimeTlsUrl}?header=${encodeURIComponent(b64({ host: tlsHost, Authorization: token }))}&payload=e30=`, ['graphql-ws'], { ca });
    expect((await c.init()).type).toBe('connection_ack');
  });
});
