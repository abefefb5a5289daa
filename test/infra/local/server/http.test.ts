// POST /graphql on a real stack (repository wiring) over real HTTP: request-level refusals shaped as
// AppSync sends them, IAM-signed calls, an IAM-only field refused to an API key, malformed bodies.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signAppSyncRequest } from '../../../../clients/api/client';
import { startTestStack, type TestStack } from '../../../helpers/localStack';

let stack: TestStack;

beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(async () => {
  await stack?.stop();
});

async function post(body: string, headers: Record<string, string>): Promise<{ status: number; headers: Headers; json: Record<string, unknown> }> {
  const res = await fetch(stack.graphqlUrl, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  return { status: res.status, headers: res.headers, json: (await res.json()) as Record<string, unknown> };
}

const listQuery = JSON.stringify({ query: '{ listCustomers(limit: 1) { items { id } nextToken } }' });

async function signed(body: string, secretAccessKey = stack.iam.secretAccessKey): Promise<Record<string, string>> {
  return signAppSyncRequest(new URL(stack.graphqlUrl), body, { mode: 'AWS_IAM', region: stack.iam.region, credentials: { accessKeyId: stack.iam.accessKeyId, secretAccessKey } });
}

describe('POST /graphql', () => {
  it('refuses a request with no API key with 401 UnauthorizedException', async () => {
    const res = await post(listQuery, {});
    expect(res.status).toBe(401);
    expect(res.json).toEqual({ errors: [{ errorType: 'UnauthorizedException', message: 'You are not authorized to make this call.' }] });
    expect(res.headers.get('x-amzn-errortype')).toBe('UnauthorizedException');
  });

  it('refuses an API key the same way: Foreman’s stack has no API key mode', async () => {
    const res = await post(listQuery, { 'x-api-key': 'da2-aaaaaaaaaaaaaaaaaaaaaaaaaa' });
    expect(res.status).toBe(401);
    expect(res.json).toEqual({ errors: [{ errorType: 'UnauthorizedException', message: 'You are not authorized to make this call.' }] });
  });

  it('answers a request with a user-pool ID token (a viewer may list customers)', async () => {
    const res = await post(listQuery, { authorization: await stack.tokenFor('http-viewer', ['viewers']) });
    expect(res).toMatchObject({ status: 200, json: { data: { listCustomers: { items: [], nextToken: null } } } });
  });

  it('answers an IAM-signed request', async () => {
    const res = await post(listQuery, await signed(listQuery));
    expect(res).toMatchObject({ status: 200, json: { data: { listCustomers: { items: [], nextToken: null } } } });
  });

  it('refuses a request signed with the wrong secret with 403 InvalidSignatureException', async () => {
    const res = await post(listQuery, await signed(listQuery, 'not-the-secret'));
    expect(res.status).toBe(403);
    expect(res.json.errors).toEqual([{ errorType: 'InvalidSignatureException', message: expect.stringMatching(/^The request signature we calculated does not match/) }]);
  });

  it('refuses failIngestion to a viewer: Unauthorized, and data null because the field is non-null', async () => {
    const body = JSON.stringify({ query: 'mutation { failIngestion(ingestionId: "nope", reason: "x") { ingestionId status } }' });
    const res = await post(body, { authorization: await stack.tokenFor('http-viewer', ['viewers']) });
    expect(res.status).toBe(200);
    expect(res.json).toEqual({
      data: null,
      errors: [
        {
          path: ['failIngestion'],
          data: null,
          errorType: 'Unauthorized',
          errorInfo: null,
          locations: [{ line: 1, column: 12, sourceName: null }],
          message: 'Not Authorized to access failIngestion on type Mutation',
        },
      ],
    });
  });

  it('lets an IAM caller reach failIngestion (the resolver answers, not the auth check)', async () => {
    const body = JSON.stringify({ query: 'mutation { failIngestion(ingestionId: "nope", reason: "x") { ingestionId } }' });
    const res = await post(body, await signed(body));
    const errors = (res.json.errors ?? []) as { errorType: string }[];
    expect(errors.map((e) => e.errorType)).not.toContain('Unauthorized');
  });

  it('refuses a body that is not JSON with 400 MalformedHttpRequestException', async () => {
    const res = await post('{not json', { authorization: await stack.tokenFor('http-viewer', ['viewers']) });
    expect(res.status).toBe(400);
    expect(res.json).toEqual({ errors: [{ errorType: 'MalformedHttpRequestException', message: 'Unable to parse the JSON document.' }] });
  });

  it("answers a CORS preflight from the stack's own origin, and grants no other (boundary.test.ts has the rest)", async () => {
    const own = new URL(stack.graphqlUrl).origin;
    const res = await fetch(stack.graphqlUrl, { method: 'OPTIONS', headers: { origin: own, 'access-control-request-method': 'POST' } });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe(own);
    expect(res.headers.get('access-control-allow-headers')).toContain('x-api-key');
    const foreign = await fetch(stack.graphqlUrl, { method: 'OPTIONS', headers: { origin: 'http://example.test', 'access-control-request-method': 'POST' } });
    expect(foreign.status).toBe(403);
    expect(foreign.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('writes through the real resolvers: what the API created is in DynamoDB Local', async () => {
    const body = JSON.stringify({ query: 'mutation { createCustomer(input: {email: "Grace@Example.com", name: "Grace"}) { id email } }' });
    const res = await post(body, { authorization: await stack.tokenFor('http-importer', ['importers']) });
    const created = (res.json.data as { createCustomer: { id: string; email: string } }).createCustomer;
    expect(created.email).toBe('grace@example.com');
    const { GetCommand } = await import('@aws-sdk/lib-dynamodb');
    const item = await stack.ddb.send(new GetCommand({ TableName: stack.tableNames.Customers, Key: { id: created.id } }));
    expect(item.Item).toMatchObject({ id: created.id, email: 'grace@example.com', name: 'Grace' });
  });
});
