// The HTTP data source against a real local HTTP server (resolver-reference-http-js.html): the
// request object becomes method + endpoint/resourcePath + query + headers + body; ctx.result is
// { statusCode, headers, body }; with AWS_IAM authorization the request carries a SigV4 signature
// the server can verify with the same credentials.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Sha256 } from '@aws-crypto/sha256-js';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RequestObjectError } from '../../../../infra/local/datasources';
import { freePort } from '../../../../infra/local/dynamodb/local';
import { createHttpDataSource } from '../../../../infra/local/datasources/http';
import type { DataSourceCall } from '../../../../infra/local/datasources/types';

interface Seen {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}
const seen: Seen[] = [];
let server: http.Server;
let endpoint: string;
const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };

beforeAll(async () => {
  server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      seen.push({ method: req.method!, url: req.url!, headers: req.headers, body });
      res.writeHead(req.url?.startsWith('/missing') ? 404 : 201, { 'content-type': 'application/json', 'x-echo': 'yes' });
      res.end(JSON.stringify({ ok: true }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const deps = { root: '.', dataDir: null, tableNames: {}, dynamodb: () => null, credentials };
const call = (request: unknown): DataSourceCall => ({ request, field: 'Query.x', context: {} as DataSourceCall['context'] });

describe('HTTP data source', () => {
  it('sends method, path, query, headers and body, and answers statusCode, headers and body', async () => {
    const ds = createHttpDataSource({ name: 'Api', kind: 'HTTP', endpoint }, deps);
    const outcome = await ds.invoke(
      call({ method: 'POST', resourcePath: '/v1/todos', params: { query: { tag: ['a', 'b'], limit: 5 }, headers: { 'Content-Type': 'application/json' }, body: { title: 'x' } } }),
    );
    const request = seen.at(-1)!;
    expect(request.method).toBe('POST');
    expect(request.url).toBe('/v1/todos?tag=a&tag=b&limit=5');
    expect(request.headers['content-type']).toBe('application/json');
    expect(JSON.parse(request.body)).toEqual({ title: 'x' });
    expect(outcome.error).toBeNull();
    const result = outcome.result as { statusCode: number; headers: Record<string, string>; body: string };
    expect(result.statusCode).toBe(201);
    expect(result.headers['x-echo']).toBe('yes');
    expect(JSON.parse(result.body)).toEqual({ ok: true });
  });

  it('hands a 404 to the response handler as a result (AppSync does not turn HTTP statuses into errors)', async () => {
    const ds = createHttpDataSource({ name: 'Api', kind: 'HTTP', endpoint }, deps);
    const outcome = await ds.invoke(call({ method: 'GET', resourcePath: '/missing' }));
    expect((outcome.result as { statusCode: number }).statusCode).toBe(404);
    expect(outcome.error).toBeNull();
  });

  it('signs with SigV4 when authorizationConfig says AWS_IAM, verifiably with the same credentials', async () => {
    const ds = createHttpDataSource(
      { name: 'Signed', kind: 'HTTP', endpoint, authorizationConfig: { authorizationType: 'AWS_IAM', awsIamConfig: { signingRegion: 'eu-west-1', signingServiceName: 'execute-api' } } },
      deps,
    );
    await ds.invoke(call({ method: 'PUT', resourcePath: '/items/1', params: { query: { v: '2' }, body: 'hello' } }));
    const request = seen.at(-1)!;
    const authorization = String(request.headers.authorization);
    expect(authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/eu-west-1\/execute-api\/aws4_request, SignedHeaders=[^,]*host[^,]*, Signature=[0-9a-f]{64}$/);
    // Re-sign what the server received, at the signing time it carries: the signature must match.
    const amzDate = String(request.headers['x-amz-date']);
    const signedNames = /SignedHeaders=([^,]+)/.exec(authorization)![1]!.split(';');
    const headers = Object.fromEntries(signedNames.map((n) => [n, String(request.headers[n])]));
    const url = new URL(request.url, endpoint);
    const signer = new SignatureV4({ service: 'execute-api', region: 'eu-west-1', credentials, sha256: Sha256 });
    const when = new Date(`${amzDate.slice(0, 4)}-${amzDate.slice(4, 6)}-${amzDate.slice(6, 8)}T${amzDate.slice(9, 11)}:${amzDate.slice(11, 13)}:${amzDate.slice(13, 15)}Z`);
    const again = await signer.sign(
      new HttpRequest({ method: 'PUT', protocol: 'http:', hostname: url.hostname, port: Number(url.port), path: url.pathname, query: { v: '2' }, headers, body: request.body }),
      { signingDate: when },
    );
    expect(again.headers.authorization).toBe(authorization);
  });

  it('a connection failure reaches ctx.error, not a crash', async () => {
    // A port nothing listens on (fetch refuses port 1 itself, so ask the OS for a free one).
    const ds = createHttpDataSource({ name: 'Dead', kind: 'HTTP', endpoint: `http://127.0.0.1:${await freePort()}` }, deps);
    const outcome = await ds.invoke(call({ method: 'GET', resourcePath: '/' }));
    expect(outcome.result).toBeNull();
    expect(outcome.error?.message).toMatch(/ECONNREFUSED/);
  });

  it('refuses malformed request objects as AppSync does (MappingTemplate)', async () => {
    const ds = createHttpDataSource({ name: 'Api', kind: 'HTTP', endpoint }, deps);
    await expect(ds.invoke(call({ method: 'FETCH', resourcePath: '/' }))).rejects.toBeInstanceOf(RequestObjectError);
    await expect(ds.invoke(call({ method: 'GET', resourcePath: 'no-slash' }))).rejects.toThrow(/resourcePath/);
    await expect(ds.invoke(call({ method: 'GET', resourcePath: '/', params: { headers: { n: 1 } } }))).rejects.toThrow(/headers/);
  });
});
