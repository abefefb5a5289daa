/**
 * The AppSync real-time protocol, frame by frame, with a plain `ws` client against attachRealtime
 * on a bare http.Server (port 0) with stand-in auth and runtime (doubles.ts).
 * Expected frames come from https://docs.aws.amazon.com/appsync/latest/devguide/real-time-websocket-client.html
 * and the captures cited in infra/local/realtime/protocol.ts.
 */
import http from 'node:http';
import https from 'node:https';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generate } from 'selfsigned';
import { buildSchema } from 'graphql';
import { attachRealtime } from '../../../../infra/local/realtime';
import type { RealtimeHandle } from '../../../../infra/local/contracts';
import { signAppSyncRequest } from '../../../../clients/api/client';
import { API_KEY, FrameClient, IAM, apiKeyUrl, b64, b64url, fakeAuthenticator, fakeRuntime, listen, loadSchema, startMessage } from './doubles';

const PROGRESS = `subscription P($id: ID!) { onIngestionProgress(ingestionId: $id) { ingestionId stage processed batchNumber } }`;

describe('AppSync real-time protocol (bare server, stand-in auth)', () => {
  const schema = loadSchema();
  const auth = fakeAuthenticator(schema);
  const runtime = fakeRuntime({
    'Subscription.onIngestionsChanged': () => ({ filter: { filterGroup: [{ filters: [{ fieldName: 'processed', operator: 'ge', value: 10 }] }] } }),
  });
  let server: http.Server;
  let realtime: RealtimeHandle;
  let base: string;
  let host: string;
  const logs: string[] = [];
  const clients: FrameClient[] = [];

  function connect(url = apiKeyUrl(base, host), protocols?: string[]): FrameClient {
    const c = new FrameClient(url, protocols);
    clients.push(c);
    return c;
  }
  const keyAuth = { host: '', 'x-api-key': API_KEY };

  async function subscribed(id: string, ingestionId: string, query = PROGRESS): Promise<FrameClient> {
    const c = connect();
    expect((await c.init()).type).toBe('connection_ack');
    c.send(startMessage(id, query, { id: ingestionId }, { ...keyAuth, host }));
    expect(await c.nextNonKa()).toEqual({ type: 'start_ack', id });
    return c;
  }

  beforeAll(async () => {
    server = http.createServer((_req, res) => res.end());
    realtime = attachRealtime(
      server,
      { schema, auth, runtime, env: {} },
      {
        keepAliveIntervalMs: 25,
        log: (l) => logs.push(l),
        codeSource: async (field) => (field === 'onIngestionsChanged' ? { resolver: 'Subscription.onIngestionsChanged', functions: [] } : null),
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

  it('acknowledges connection_init with connectionTimeoutMs 300000 and then sends keep-alives', async () => {
    const c = connect();
    await c.opened;
    // The negotiated subprotocol must be graphql-ws (Amplify and browsers reject anything else).
    expect(c.ws.protocol).toBe('graphql-ws');
    c.send({ type: 'connection_init' });
    expect(await c.next()).toEqual({ type: 'connection_ack', payload: { connectionTimeoutMs: 300000 } });
    // One ka right after the ack, then periodic ones: two more arrive with nothing else in between.
    expect(await c.next()).toEqual({ type: 'ka' });
    expect(await c.next()).toEqual({ type: 'ka' });
    expect(await c.next()).toEqual({ type: 'ka' });
  });

  it('refuses the upgrade when the graphql-ws subprotocol is not offered', async () => {
    const c = new FrameClient(apiKeyUrl(base, host), ['graphql-transport-ws']);
    await expect(c.opened).rejects.toThrow('HTTP 400');
  });

  it('answers connection_error UnauthorizedException (errorCode 401) and closes when the connect has no credentials', async () => {
    const c = connect(base);
    await c.opened;
    c.send({ type: 'connection_init' });
    expect(await c.next()).toEqual({
      type: 'connection_error',
      payload: { errors: [{ errorType: 'UnauthorizedException', message: 'You are not authorized to make this call.', errorCode: 401 }] },
    });
    expect((await c.closed).code).toBe(1000);
  });

  it('answers connection_error and closes when the API key is wrong', async () => {
    const c = connect(apiKeyUrl(base, host, 'da2-wrong'));
    const first = await c.init();
    expect(first.type).toBe('connection_error');
    expect((first.payload as { errors: { errorType: string }[] }).errors[0]!.errorType).toBe('UnauthorizedException');
    await c.closed;
  });

  it('accepts the credentials in a header-<base64url> subprotocol, as Amplify JS sends them', async () => {
    const c = connect(base, ['graphql-ws', `header-${b64url({ host, 'x-api-key': API_KEY })}`]);
    await c.opened;
    expect(c.ws.protocol).toBe('graphql-ws');
    expect((await c.init()).type).toBe('connection_ack');
  });

  it('accepts an IAM connect signed over POST /graphql/connect with body {}', async () => {
    const signed = await signAppSyncRequest(new URL(`http://${host}/graphql/connect`), '{}', { mode: 'AWS_IAM', region: IAM.region, credentials: IAM }, {
      accept: 'application/json, text/javascript',
      'content-encoding': 'amz-1.0',
    });
    const c = connect(`${base}?header=${encodeURIComponent(b64(signed))}&payload=e30=`);
    expect((await c.init()).type).toBe('connection_ack');
    // The authenticator saw exactly what AppSync verifies: POST /graphql/connect, body '{}'.
    expect(auth.requests.some((r) => r.path === '/graphql/connect' && r.body === '{}' && r.headers.authorization === signed.authorization)).toBe(true);
    // A start signed over POST /graphql with the start's data as body is accepted too.
    const data = JSON.stringify({ query: PROGRESS, variables: { id: 'iam-1' } });
    const startHeaders = await signAppSyncRequest(new URL(`http://${host}/graphql`), data, { mode: 'AWS_IAM', region: IAM.region, credentials: IAM });
    c.send({ id: 's1', type: 'start', payload: { data, extensions: { authorization: startHeaders } } });
    expect(await c.nextNonKa()).toEqual({ type: 'start_ack', id: 's1' });
  });

  it('refuses an IAM connect whose signature does not verify', async () => {
    const signed = await signAppSyncRequest(new URL(`http://${host}/graphql/connect`), '{}', { mode: 'AWS_IAM', region: IAM.region, credentials: { ...IAM, secretAccessKey: 'not-the-secret' } });
    const c = connect(`${base}?header=${encodeURIComponent(b64(signed))}&payload=e30=`);
    expect((await c.init()).type).toBe('connection_error');
    await c.closed;
  });

  it('answers an unauthorized start with an error frame for that id and keeps the connection', async () => {
    const c = connect();
    await c.init();
    c.send(startMessage('bad', PROGRESS, { id: 'x' }, { host, 'x-api-key': 'da2-wrong' }));
    expect(await c.nextNonKa()).toEqual({
      type: 'error',
      id: 'bad',
      payload: { errors: [{ errorType: 'UnauthorizedException', message: 'You are not authorized to make this call.', errorCode: 401 }] },
    });
    c.send(startMessage('good', PROGRESS, { id: 'x' }, { host, 'x-api-key': API_KEY }));
    expect(await c.nextNonKa()).toEqual({ type: 'start_ack', id: 'good' });
  });

  it('refuses a start for an unknown subscription field with a FieldUndefined validation error', async () => {
    const c = connect();
    await c.init();
    c.send(startMessage('u1', 'subscription { onNothing { id } }', {}, { host, 'x-api-key': API_KEY }));
    const frame = await c.nextNonKa();
    expect(frame.type).toBe('error');
    expect(frame.id).toBe('u1');
    expect((frame.payload as { errors: { message: string }[] }).errors[0]!.message).toBe(
      "Validation error of type FieldUndefined: Field 'onNothing' in type 'Subscription' is undefined @ 'onNothing'",
    );
  });

  it('refuses a query sent over the realtime channel', async () => {
    const c = connect();
    await c.init();
    c.send(startMessage('q1', 'query { listIngestions { nextToken } }', {}, { host, 'x-api-key': API_KEY }));
    const frame = await c.nextNonKa();
    expect(frame).toMatchObject({ type: 'error', id: 'q1', payload: { errors: [{ errorType: 'UnsupportedOperation' }] } });
  });

  it('refuses a second start with an id already in use', async () => {
    const c = await subscribed('dup', 'ing-dup');
    c.send(startMessage('dup', PROGRESS, { id: 'ing-dup' }, { host, 'x-api-key': API_KEY }));
    expect(await c.nextNonKa()).toMatchObject({ type: 'error', id: 'dup' });
  });

  it('ignores a start sent before connection_ack', async () => {
    const c = connect();
    await c.opened;
    c.send(startMessage('early', PROGRESS, { id: 'e' }, { host, 'x-api-key': API_KEY }));
    c.send({ type: 'connection_init' });
    expect((await c.next()).type).toBe('connection_ack');
    c.send(startMessage('late', PROGRESS, { id: 'e' }, { host, 'x-api-key': API_KEY }));
    // The first non-ka frame after the ack is for 'late': 'early' was never answered.
    expect(await c.nextNonKa()).toEqual({ type: 'start_ack', id: 'late' });
  });

  it('delivers data after start_ack, completes on stop, and delivers nothing after stop', async () => {
    const c = await subscribed('s', 'ing-stop');
    realtime.publish({ fieldName: 'importCustomers', arguments: {}, payload: { ingestionId: 'ing-stop', stage: 'IMPORTING', processed: 49, batchNumber: 1 } });
    expect(await c.nextNonKa()).toEqual({
      type: 'data',
      id: 's',
      payload: { data: { onIngestionProgress: { ingestionId: 'ing-stop', stage: 'IMPORTING', processed: 49, batchNumber: 1 } } },
    });
    c.send({ type: 'stop', id: 's' });
    expect(await c.nextNonKa()).toEqual({ type: 'complete', id: 's' });
    realtime.publish({ fieldName: 'importCustomers', arguments: {}, payload: { ingestionId: 'ing-stop', stage: 'IMPORTING', processed: 98, batchNumber: 2 } });
    // A second subscription on the same socket receives the next event; the stopped one does not.
    c.send(startMessage('t', PROGRESS, { id: 'ing-stop' }, { host, 'x-api-key': API_KEY }));
    expect(await c.nextNonKa()).toEqual({ type: 'start_ack', id: 't' });
    realtime.publish({ fieldName: 'finishIngestion', arguments: {}, payload: { ingestionId: 'ing-stop', stage: 'FINISHED', processed: 100, batchNumber: null } });
    expect(await c.nextNonKa()).toMatchObject({ type: 'data', id: 't', payload: { data: { onIngestionProgress: { processed: 100 } } } });
  });

  it('answers a stop for an unknown id with an error frame for that id', async () => {
    const c = connect();
    await c.init();
    c.send({ type: 'stop', id: 'never-started' });
    expect(await c.nextNonKa()).toMatchObject({ type: 'error', id: 'never-started', payload: { errors: [{ errorType: 'UnknownOperationError' }] } });
  });

  it('answers an unknown message type as AppSync does', async () => {
    const c = connect();
    await c.init();
    c.send({ type: 'subscribe', id: 'x' });
    expect(await c.nextNonKa()).toEqual({
      type: 'error',
      payload: { errors: [{ errorType: 'UnsupportedOperation', message: 'unknown not supported through the realtime channel' }] },
    });
  });

  it('filters by ingestionId: each subscriber gets exactly its ingestion’s events, in order', async () => {
    const a = await subscribed('a', 'ing-A');
    const b = await subscribed('b', 'ing-B');
    for (let batch = 1; batch <= 5; batch += 1) {
      realtime.publish({ fieldName: 'importCustomers', arguments: {}, payload: { ingestionId: 'ing-A', stage: 'IMPORTING', processed: batch * 10, batchNumber: batch } });
      realtime.publish({ fieldName: 'importProjects', arguments: {}, payload: { ingestionId: 'ing-B', stage: 'IMPORTING', processed: batch * 7, batchNumber: batch } });
    }
    realtime.publish({ fieldName: 'finishIngestion', arguments: {}, payload: { ingestionId: 'ing-A', stage: 'FINISHED', processed: 50, batchNumber: null } });
    realtime.publish({ fieldName: 'finishIngestion', arguments: {}, payload: { ingestionId: 'ing-B', stage: 'FINISHED', processed: 35, batchNumber: null } });
    // A mutation that does not feed onIngestionProgress is never delivered.
    realtime.publish({ fieldName: 'createCustomer', arguments: {}, payload: { ingestionId: 'ing-A', stage: 'FINISHED', processed: 999 } });

    async function drain(c: FrameClient): Promise<unknown[]> {
      const got: unknown[] = [];
      for (;;) {
        const f = await c.nextNonKa();
        const p = (f.payload as { data: { onIngestionProgress: { stage: string } } }).data.onIngestionProgress;
        got.push(p);
        if (p.stage === 'FINISHED') return got;
      }
    }
    const gotA = await drain(a);
    const gotB = await drain(b);
    expect(gotA.map((p) => (p as { processed: number }).processed)).toEqual([10, 20, 30, 40, 50, 50]);
    expect(gotA.every((p) => (p as { ingestionId: string }).ingestionId === 'ing-A')).toBe(true);
    expect(gotB.map((p) => (p as { processed: number }).processed)).toEqual([7, 14, 21, 28, 35, 35]);
    expect(gotB.every((p) => (p as { ingestionId: string }).ingestionId === 'ing-B')).toBe(true);
  });

  it('does not match a subscriber when the mutation did not select the filtered argument', async () => {
    const c = await subscribed('nf', 'ing-unselected');
    realtime.publish({ fieldName: 'importCustomers', arguments: {}, payload: { stage: 'IMPORTING', processed: 1 } });
    realtime.publish({ fieldName: 'importCustomers', arguments: {}, payload: { ingestionId: 'ing-unselected', stage: 'IMPORTING', processed: 2 } });
    expect(await c.nextNonKa()).toMatchObject({ payload: { data: { onIngestionProgress: { processed: 2 } } } });
  });

  it('hands subscribers only what the mutation selected: unselected nullable fields arrive as null', async () => {
    const c = await subscribed('sel', 'ing-sel', `subscription P($id: ID!) { onIngestionProgress(ingestionId: $id) { ingestionId processed batchNumber rowsPerSecond } }`);
    realtime.publish({ fieldName: 'importCustomers', arguments: {}, payload: { ingestionId: 'ing-sel', processed: 3 } });
    expect(await c.nextNonKa()).toEqual({
      type: 'data',
      id: 'sel',
      payload: { data: { onIngestionProgress: { ingestionId: 'ing-sel', processed: 3, batchNumber: null, rowsPerSecond: null } } },
    });
  });

  it('reports a non-null subscribed field the mutation did not select as an error and nulls the field', async () => {
    const c = await subscribed('nn', 'ing-nn', `subscription P($id: ID!) { onIngestionProgress(ingestionId: $id) { ingestionId created } }`);
    realtime.publish({ fieldName: 'importCustomers', arguments: {}, payload: { ingestionId: 'ing-nn', processed: 3 } });
    const frame = await c.nextNonKa();
    expect(frame.payload).toMatchObject({
      data: { onIngestionProgress: null },
      errors: [{ message: "Cannot return null for non-nullable type: 'Int' within parent 'IngestionProgress' (/onIngestionProgress/created)", path: ['onIngestionProgress', 'created'] }],
    });
  });

  it('applies the selection-set rule inside nested lists too', async () => {
    const c = await subscribed('nest', 'ing-nest', `subscription P($id: ID!) { onIngestionProgress(ingestionId: $id) { ingestionId outcomes { rowNumber status conflict { field } } } }`);
    // The mutation selected outcomes { rowNumber status } only: conflict (nullable) arrives as null.
    realtime.publish({ fieldName: 'importCustomers', arguments: {}, payload: { ingestionId: 'ing-nest', outcomes: [{ rowNumber: 2, status: 'CREATED' }, { rowNumber: 3, status: 'DUPLICATE' }] } });
    expect((await c.nextNonKa()).payload).toEqual({
      data: { onIngestionProgress: { ingestionId: 'ing-nest', outcomes: [{ rowNumber: 2, status: 'CREATED', conflict: null }, { rowNumber: 3, status: 'DUPLICATE', conflict: null }] } },
    });
  });

  it('applies the subscriber’s aliases to what it receives', async () => {
    const c = await subscribed('al', 'ing-al', `subscription P($id: ID!) { progress: onIngestionProgress(ingestionId: $id) { id: ingestionId done: processed } }`);
    realtime.publish({ fieldName: 'importCustomers', arguments: {}, payload: { ingestionId: 'ing-al', processed: 4 } });
    expect((await c.nextNonKa()).payload).toEqual({ data: { progress: { id: 'ing-al', done: 4 } } });
  });

  it('does not deliver a payload over 240 KB, and keeps delivering smaller ones', async () => {
    const c = await subscribed('big', 'ing-big', `subscription P($id: ID!) { onIngestionProgress(ingestionId: $id) { ingestionId failureReason } }`);
    realtime.publish({ fieldName: 'failIngestion', arguments: {}, payload: { ingestionId: 'ing-big', failureReason: 'x'.repeat(241 * 1024) } });
    realtime.publish({ fieldName: 'failIngestion', arguments: {}, payload: { ingestionId: 'ing-big', failureReason: 'small' } });
    expect((await c.nextNonKa()).payload).toEqual({ data: { onIngestionProgress: { ingestionId: 'ing-big', failureReason: 'small' } } });
    expect(logs.some((l) => l.includes('exceeds'))).toBe(true);
  });

  it('refuses a start message over 240 KB', async () => {
    const c = connect();
    await c.init();
    c.send(startMessage('huge', PROGRESS, { id: 'y'.repeat(241 * 1024) }, { host, 'x-api-key': API_KEY }));
    expect(await c.nextNonKa()).toMatchObject({ type: 'error', id: 'huge' });
  });

  it('applies an enhanced filter set by the subscription resolver instead of argument filters', async () => {
    const c = connect();
    await c.init();
    c.send(startMessage('ef', 'subscription { onIngestionsChanged { ingestionId processed } }', {}, { host, 'x-api-key': API_KEY }));
    expect(await c.nextNonKa()).toEqual({ type: 'start_ack', id: 'ef' });
    // The resolver ran with AppSync's ctx.info for the start.
    expect(runtime.contexts.at(-1)?.info).toMatchObject({ fieldName: 'onIngestionsChanged', parentTypeName: 'Subscription', selectionSetList: ['ingestionId', 'processed'] });
    realtime.publish({ fieldName: 'importCustomers', arguments: {}, payload: { ingestionId: 'ing-f', processed: 5 } });
    realtime.publish({ fieldName: 'importCustomers', arguments: {}, payload: { ingestionId: 'ing-f', processed: 15 } });
    expect((await c.nextNonKa()).payload).toEqual({ data: { onIngestionsChanged: { ingestionId: 'ing-f', processed: 15 } } });
  });

});

describe('auth directives at start', () => {
  it('refuses a subscription field the connection’s auth mode may not access', async () => {
    const schema = buildSchema(`
      directive @aws_api_key on FIELD_DEFINITION | OBJECT
      directive @aws_iam on FIELD_DEFINITION | OBJECT
      directive @aws_subscribe(mutations: [String]) on FIELD_DEFINITION
      type Thing @aws_api_key @aws_iam { id: ID! }
      type Query { thing: Thing }
      type Mutation { ping(id: ID!): Thing! @aws_api_key @aws_iam }
      type Subscription { onPingIam(id: ID): Thing @aws_subscribe(mutations: ["ping"]) @aws_iam }
    `);
    const server = http.createServer();
    const realtime = attachRealtime(server, { schema, auth: fakeAuthenticator(schema), runtime: fakeRuntime({}), env: {} }, { codeSource: async () => null });
    const port = await listen(server);
    const host = `127.0.0.1:${port}`;
    const c = new FrameClient(apiKeyUrl(`ws://${host}/graphql/realtime`, host));
    try {
      await c.init();
      c.send(startMessage('iam-only', 'subscription { onPingIam { id } }', {}, { host, 'x-api-key': API_KEY }));
      expect(await c.nextNonKa()).toEqual({
        type: 'error',
        id: 'iam-only',
        payload: { errors: [{ errorType: 'Unauthorized', message: 'Not Authorized to access onPingIam on type Subscription' }] },
      });
      // close() drops every connection.
      expect(realtime.connectionCount()).toBe(1);
      await realtime.close();
      await c.closed;
      expect(realtime.connectionCount()).toBe(0);
    } finally {
      c.ws.terminate();
      await realtime.close();
      await new Promise((r) => server.close(r));
    }
  });
});

describe('over TLS', () => {
  it('serves wss:// on an https.Server with a self-signed certificate', async () => {
    const pems = await generate([{ name: 'commonName', value: 'localhost' }], {
      keySize: 2048,
      algorithm: 'sha256',
      extensions: [{ name: 'subjectAltName', altNames: [{ type: 2, value: 'localhost' }, { type: 7, ip: '127.0.0.1' }] }],
    });
    const schema = loadSchema();
    const server = https.createServer({ key: pems.private, cert: pems.cert });
    const realtime = attachRealtime(server, { schema, auth: fakeAuthenticator(schema), runtime: fakeRuntime({}), env: {} }, { codeSource: async () => null });
    const port = await listen(server as unknown as http.Server);
    const host = `127.0.0.1:${port}`;
    // Trusting the certificate as a CA (what NODE_EXTRA_CA_CERTS does for the whole process).
    const c = new FrameClient(apiKeyUrl(`wss://${host}/graphql/realtime`, host), ['graphql-ws'], { ca: pems.cert });
    // Without trust, the TLS handshake fails.
    const untrusted = new FrameClient(apiKeyUrl(`wss://${host}/graphql/realtime`, host));
    try {
      await expect(untrusted.opened).rejects.toThrow(/self[- ]signed/i);
      expect((await c.init()).type).toBe('connection_ack');
      c.send(startMessage('tls', PROGRESS, { id: 'ing-tls' }, { host, 'x-api-key': API_KEY }));
      expect(await c.nextNonKa()).toEqual({ type: 'start_ack', id: 'tls' });
      realtime.publish({ fieldName: 'importCustomers', arguments: {}, payload: { ingestionId: 'ing-tls', stage: 'IMPORTING', processed: 1, batchNumber: 1 } });
      expect(await c.nextNonKa()).toMatchObject({ type: 'data', id: 'tls' });
    } finally {
      c.ws.terminate();
      await realtime.close();
      await new Promise((r) => server.close(r));
    }
  });
});
