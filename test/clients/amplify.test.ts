/**
 * Amplify JS v6 (`aws-amplify`, `generateClient`; API-key auth against a test double, Amplify Auth's
 * real USER_PASSWORD_AUTH sign-in against the local stack's user pool) subscribing to the local real-time
 * endpoint. Amplify derives the real-time URL from the GraphQL endpoint — for anything that is not
 * `*.appsync-api.*.amazonaws.com` it appends `/realtime` — and always dials `wss://`, with the global
 * `WebSocket`. In Node 20 there is no global WebSocket, so the test installs `ws`'s, trusting the
 * local stack's self-signed certificate (the README documents the same, and NODE_EXTRA_CA_CERTS).
 */
import https from 'node:https';
import http from 'node:http';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { randomUUID, createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generate } from 'selfsigned';
import { print } from 'graphql';
import WebSocket from 'ws';
import { Amplify } from 'aws-amplify';
import { Hub } from 'aws-amplify/utils';
import { generateClient } from 'aws-amplify/api';
import { signIn, signOut } from 'aws-amplify/auth';
import { attachRealtime } from '../../infra/local/realtime';
import type { RealtimeHandle } from '../../infra/local/contracts';
import { OnIngestionProgressDocument, type OnIngestionProgressSubscription } from '../../clients/api/generated';
import { API_KEY, fakeAuthenticator, fakeRuntime, listen, loadSchema, serverCertificate } from '../infra/local/realtime/doubles';
import { startTestStack, type TestStack, stackClients } from '../helpers/localStack';
import { progressEvent } from '../helpers/progress';
import { repoRoot } from '../../infra/bundle';
import { ImportCustomersDocument, OnIngestionsChangedDocument, StartIngestionDocument, type OnIngestionsChangedSubscription } from '../../clients/api/generated';

type Progress = NonNullable<OnIngestionProgressSubscription['onIngestionProgress']>;

/** Amplify calls `new WebSocket(url, protocols)`; this one adds the CA that signs the local certificate. */
function trustingWebSocket(ca: string): new (url: string | URL, protocols?: string | string[]) => WebSocket {
  return class TrustingWebSocket extends WebSocket {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols, { ca });
    }
  };
}

/** Resolves when Amplify reports the start_ack of a subscription. */
function nextSubscriptionAck(): Promise<void> {
  return new Promise((resolve) => {
    const stop = Hub.listen('api', ({ payload }) => {
      if (payload.event === 'Subscription ack') {
        stop();
        resolve();
      }
    });
  });
}

function progress(ingestionId: string, batch: number, over: Partial<Progress> = {}): Progress {
  return progressEvent(ingestionId, batch * 49, {
    batchNumber: batch,
    rowCount: 245,
    batches: batch,
    outcomes: [{ rowNumber: batch, status: 'CREATED', id: `c-${batch}`, errors: null, conflict: null }],
    updatedAt: new Date().toISOString(),
    ...over,
  });
}

describe('Amplify JS v6 against the local real-time endpoint (bare TLS server)', () => {
  let server: https.Server;
  let realtime: RealtimeHandle;
  let endpoint: string;
  const originalWebSocket = (globalThis as { WebSocket?: unknown }).WebSocket;

  beforeAll(async () => {
    const pems = await generate([{ name: 'commonName', value: 'localhost' }], {
      keySize: 2048,
      algorithm: 'sha256',
      extensions: [{ name: 'subjectAltName', altNames: [{ type: 2, value: 'localhost' }, { type: 7, ip: '127.0.0.1' }] }],
    });
    const schema = loadSchema();
    server = https.createServer({ key: pems.private, cert: pems.cert });
    realtime = attachRealtime(server, { schema, auth: fakeAuthenticator(schema), runtime: fakeRuntime({}), env: {} }, { codeSource: async () => null });
    endpoint = `https://127.0.0.1:${await listen(server as unknown as http.Server)}/graphql`;
    (globalThis as { WebSocket?: unknown }).WebSocket = trustingWebSocket(pems.cert);
    Amplify.configure({ API: { GraphQL: { endpoint, region: 'us-east-1', defaultAuthMode: 'apiKey', apiKey: API_KEY } } });
  });

  afterAll(async () => {
    (globalThis as { WebSocket?: unknown }).WebSocket = originalWebSocket;
    await realtime.close();
    await new Promise((r) => server.close(r));
  });

  it('receives every event of its ingestion in order, ending with the final counts', async () => {
    const client = generateClient();
    const received: Progress[] = [];
    const acked = nextSubscriptionAck();
    const finished = new Promise<void>((resolve, reject) => {
      const sub = client.graphql({ query: print(OnIngestionProgressDocument), variables: { ingestionId: 'amp-1' } }) as unknown as {
        subscribe(o: { next(v: { data: OnIngestionProgressSubscription }): void; error(e: unknown): void }): { unsubscribe(): void };
      };
      const handle = sub.subscribe({
        next: ({ data }) => {
          received.push(data.onIngestionProgress!);
          if (data.onIngestionProgress?.stage === 'FINISHED') {
            handle.unsubscribe();
            resolve();
          }
        },
        error: (e) => reject(new Error(JSON.stringify(e))),
      });
    });
    await acked;
    for (let batch = 1; batch <= 5; batch += 1) {
      realtime.publish({ fieldName: 'importCustomers', arguments: {}, payload: progress('amp-1', batch) });
      realtime.publish({ fieldName: 'importCustomers', arguments: {}, payload: progress('amp-other', batch) });
    }
    realtime.publish({
      fieldName: 'finishIngestion',
      arguments: {},
      payload: progress('amp-1', 5, { stage: 'FINISHED', status: 'COMPLETED', processed: 245, created: 245, durationMs: 1200, rowsPerSecond: 204.2 }),
    });
    await finished;
    expect(received.map((p) => p.ingestionId)).toEqual(Array(6).fill('amp-1'));
    expect(received.map((p) => p.batchNumber)).toEqual([1, 2, 3, 4, 5, 5]);
    expect(received.at(-1)).toMatchObject({ stage: 'FINISHED', status: 'COMPLETED', processed: 245, created: 245 });
  });
});

type AmplifySubscription<T> = { subscribe(o: { next(v: { data: T }): void; error(e: unknown): void }): { unsubscribe(): void } };

describe('Amplify JS v6 against the real local stack during `foreman ingest`', () => {
  let stack: TestStack;
  const originalWebSocket = (globalThis as { WebSocket?: unknown }).WebSocket;

  beforeAll(async () => {
    stack = await startTestStack({ tls: true });
    const tlsUrl = new URL(stack.graphqlTlsUrl!);
    // Trust the stack's self-signed certificate for Amplify's wss:// connection.
    (globalThis as { WebSocket?: unknown }).WebSocket = trustingWebSocket(await serverCertificate(tlsUrl.hostname, Number(tlsUrl.port)));
    // The same configuration an Amplify app uses against AppSync and Cognito, pointed at the local
    // stack's HTTPS endpoint and its user pool; Amplify Auth's own sign-in code runs against it.
    const { password } = await stack.userPool.addUser({ username: 'amplify-importer', groups: ['importers'] });
    Amplify.configure({
      Auth: { Cognito: { userPoolId: stack.userPool.userPoolId, userPoolClientId: stack.userPool.webClientId, userPoolEndpoint: `${new URL(stack.graphqlUrl).origin}/cognito/` } },
      API: { GraphQL: { endpoint: stack.graphqlTlsUrl!, region: 'us-east-1', defaultAuthMode: 'userPool' } },
    });
    const signedIn = await signIn({ username: 'amplify-importer', password, options: { authFlowType: 'USER_PASSWORD_AUTH' } });
    expect(signedIn.isSignedIn).toBe(true);
  });

  afterAll(async () => {
    await signOut().catch(() => undefined);
    (globalThis as { WebSocket?: unknown }).WebSocket = originalWebSocket;
    await stack?.stop();
  });

  it('receives every progress event of an ingestion started after it subscribed, in order, ending with the final counts', async () => {
    const client = generateClient();
    const events: NonNullable<OnIngestionsChangedSubscription['onIngestionsChanged']>[] = [];
    let sawFinish!: () => void;
    const finished = new Promise<void>((resolve) => (sawFinish = resolve));
    const acked = nextSubscriptionAck();
    const handle = (client.graphql({ query: print(OnIngestionsChangedDocument) }) as unknown as AmplifySubscription<OnIngestionsChangedSubscription>).subscribe({
      next: ({ data }) => {
        events.push(data.onIngestionsChanged!);
        if (data.onIngestionsChanged?.stage === 'FINISHED') sawFinish();
      },
      error: (e) => {
        throw new Error(JSON.stringify(e));
      },
    });
    await acked;

    // One batch in flight at a time so the server's publish order is the batch order.
    const child = spawn(
      process.execPath,
      [path.join(repoRoot, 'bin/foreman.js'), 'ingest', path.join(repoRoot, 'samples/customers_with_duplicates.csv'), '--endpoint', stack.graphqlUrl, '--batch-size', '3', '--concurrency', '1', '--json'],
      // The CLI signs in as the same importer: the subscription delivers only the subscriber's own ingestions.
      { cwd: repoRoot, env: { ...process.env, FOREMAN_GRAPHQL_URL: '', FOREMAN_API_KEY: '', FOREMAN_ID_TOKEN: await stack.tokenFor('amplify-importer', ['importers']) } },
    );
    let stdout = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    await finished;
    handle.unsubscribe();

    const summary = JSON.parse(stdout) as { ingestionId: string; created: number; duplicates: number; invalid: number; rows: number; batches: number };
    expect(code).toBe(summary.duplicates + summary.invalid > 0 ? 1 : 0);
    // Every import batch's event (batch size 3), in batch order, then the finish.
    const imports = events.filter((e) => e.stage === 'IMPORTING');
    expect(imports.map((e) => e.batchNumber)).toEqual(Array.from({ length: summary.batches }, (_, i) => i + 1));
    // Each event adds one batch of at most 3 rows (a file's repeated emails go in a last, smaller
    // batch after the rest, so the first row owns them), and the last import event has every row.
    const added = imports.map((e, i) => e.processed - (i ? imports[i - 1]!.processed : 0));
    expect(added.every((n) => n >= 1 && n <= 3)).toBe(true);
    expect(imports.at(-1)!.processed).toBe(summary.rows);
    expect(new Set(events.map((e) => e.ingestionId))).toEqual(new Set([summary.ingestionId]));
    // In order: the counters only grow, and the FINISHED event is the last one.
    const processed = events.map((e) => e.processed);
    expect(processed).toEqual([...processed].sort((a, b) => a - b));
    expect(events.findIndex((e) => e.stage === 'FINISHED')).toBe(events.length - 1);
    expect(events.at(-1)).toMatchObject({ status: 'COMPLETED', created: summary.created, duplicates: summary.duplicates, invalid: summary.invalid, processed: summary.rows });
  });

  it('works in a plain Node 20 process with the ws package as WebSocket and NODE_EXTRA_CA_CERTS, queries included (the README recipe)', async () => {
    const tlsUrl = new URL(stack.graphqlTlsUrl!);
    const dir = mkdtempSync(path.join(os.tmpdir(), 'foreman-amplify-'));
    const certFile = path.join(dir, 'cert.pem');
    writeFileSync(certFile, await serverCertificate(tlsUrl.hostname, Number(tlsUrl.port)));
    const app = `
      import WebSocket from 'ws';
      import { Amplify } from 'aws-amplify';
      import { Hub } from 'aws-amplify/utils';
      import { generateClient } from 'aws-amplify/api';
      globalThis.WebSocket = WebSocket; // Node 20 has no global WebSocket; Amplify uses the global one.
      import { signIn } from 'aws-amplify/auth';
      Amplify.configure({
        Auth: { Cognito: { userPoolId: process.env.POOL_ID, userPoolClientId: process.env.CLIENT_ID, userPoolEndpoint: process.env.COGNITO_ENDPOINT } },
        API: { GraphQL: { endpoint: process.env.ENDPOINT, region: 'us-east-1', defaultAuthMode: 'userPool' } },
      });
      await signIn({ username: process.env.USERNAME, password: process.env.PASSWORD, options: { authFlowType: 'USER_PASSWORD_AUTH' } });
      Hub.listen('api', ({ payload }) => { if (payload.event === 'Subscription ack') console.log('READY'); });
      // Queries and mutations go over https:// with the same trust.
      const listed = await generateClient().graphql({ query: 'query { listIngestions(limit: 1) { nextToken } }' });
      console.log('QUERY_OK', JSON.stringify(listed.data));
      const sub = generateClient().graphql({ query: 'subscription { onIngestionsChanged { ingestionId processed } }' }).subscribe({
        next: ({ data }) => { console.log(JSON.stringify(data)); sub.unsubscribe(); setTimeout(() => process.exit(0), 100); },
        error: (e) => { console.error(JSON.stringify(e)); process.exit(1); },
      });`;
    const admin = await stack.userPool.addUser({ username: 'amplify-admin', groups: ['admins'] });
    const child = spawn(process.execPath, ['--input-type=module', '-e', app], {
      cwd: repoRoot,
      env: {
        ...process.env,
        NODE_EXTRA_CA_CERTS: certFile,
        ENDPOINT: stack.graphqlTlsUrl!,
        POOL_ID: stack.userPool.userPoolId,
        CLIENT_ID: stack.userPool.webClientId,
        COGNITO_ENDPOINT: `${new URL(stack.graphqlUrl).origin}/cognito/`,
        // An admin: the subscription then receives every ingestion, the one started below included.
        USERNAME: 'amplify-admin',
        PASSWORD: admin.password,
      },
    });
    let stdout = '';
    let stderr = '';
    const ready = new Promise<void>((resolve) =>
      child.stdout.on('data', (c: Buffer) => {
        stdout += c.toString();
        if (stdout.includes('READY')) resolve();
      }),
    );
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    try {
      await Promise.race([ready, exited.then(() => Promise.reject(new Error(`the Amplify app exited early: ${stderr}`)))]);
      const client = stackClients(stack).api;
      const sha256 = createHash('sha256').update(randomUUID()).digest('hex');
      const { startIngestion } = await client.request(StartIngestionDocument, { input: { fileName: 'x.csv', sha256, model: 'CUSTOMER', source: 'API', rowCount: 1 } });
      await client.request(ImportCustomersDocument, { input: { ingestionId: startIngestion.ingestion!.id, batchNumber: 1, rows: [{ rowNumber: 2, email: `${randomUUID()}@example.com`, name: 'One' }] } });
      expect(await exited).toBe(0);
      expect(stdout).toContain('QUERY_OK');
      expect(stdout).toContain(JSON.stringify({ onIngestionsChanged: { ingestionId: startIngestion.ingestion!.id, processed: 1 } }));
    } finally {
      child.kill();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
