// The authenticator on its own: API key checks, SigV4 verification by re-signing (service appsync),
// the IAM identity handed to resolvers (resolver-context-reference-js.html), and directive rules.
import { describe, expect, it } from 'vitest';
import { buildSchema } from 'graphql';
import { readFileSync } from 'node:fs';
import { createAuthenticator, LOCAL_IAM } from '../../../../infra/local/auth';
import { signAppSyncRequest } from '../../../../clients/api/client';

const schema = buildSchema(
  readFileSync('schema/aws.graphql', 'utf8') +
    `
type Open { a: String }
type Keyed @aws_api_key { a: String  b: String @aws_iam  c: String @aws_api_key @aws_iam }
type Query { open: Open  keyed: Keyed  both: String @aws_api_key @aws_iam  iam: String @aws_iam  bare: String }
`,
);
const url = new URL('http://127.0.0.1:4000/graphql');
const body = JSON.stringify({ query: '{ iam }' });
const iamAuth = { mode: 'AWS_IAM' as const, region: LOCAL_IAM.region, credentials: { accessKeyId: LOCAL_IAM.accessKeyId, secretAccessKey: LOCAL_IAM.secretAccessKey } };

function lower(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
}

describe('API key', () => {
  const auth = createAuthenticator({ schema, apiKey: 'da2-right', iam: LOCAL_IAM, apiKeyExpiresAt: 2_000, now: () => 1_000 });

  it('accepts the key and reports API key authorization with no identity', async () => {
    expect(await auth.authenticate({ method: 'POST', path: '/graphql', headers: { 'x-api-key': 'da2-right' }, body })).toEqual({
      ok: true,
      mode: 'API_KEY',
      identity: null,
      authType: 'API Key Authorization',
    });
  });

  it('refuses a missing, wrong or expired key with 401 UnauthorizedException', async () => {
    const refused = { ok: false, httpStatus: 401, errorType: 'UnauthorizedException', message: 'You are not authorized to make this call.' };
    expect(await auth.authenticate({ method: 'POST', path: '/graphql', headers: {}, body })).toEqual(refused);
    expect(await auth.authenticate({ method: 'POST', path: '/graphql', headers: { 'x-api-key': 'da2-wrong' }, body })).toEqual(refused);
    const expired = createAuthenticator({ schema, apiKey: 'da2-right', apiKeyExpiresAt: 2_000, now: () => 2_000 });
    expect(await expired.authenticate({ method: 'POST', path: '/graphql', headers: { 'x-api-key': 'da2-right' }, body })).toEqual(refused);
  });
});

describe('AWS_IAM (SigV4)', () => {
  const auth = createAuthenticator({ schema, apiKey: 'da2-right', iam: LOCAL_IAM });

  it('accepts a request signed with the local credentials and gives resolvers the IAM identity', async () => {
    const headers = lower(await signAppSyncRequest(url, body, iamAuth));
    const result = await auth.authenticate({ method: 'POST', path: '/graphql', headers: { ...headers, 'x-forwarded-for': '10.0.0.7' }, body });
    expect(result).toEqual({
      ok: true,
      mode: 'AWS_IAM',
      authType: 'IAM Authorization',
      identity: {
        accountId: '123456789012',
        cognitoIdentityPoolId: null,
        cognitoIdentityId: null,
        sourceIp: ['10.0.0.7'],
        username: LOCAL_IAM.userId,
        userArn: 'arn:aws:iam::123456789012:user/foreman-local',
        cognitoIdentityAuthType: null,
        cognitoIdentityAuthProvider: null,
      },
    });
  });

  it('refuses a signature made with the wrong secret, or over another body, as InvalidSignatureException (403)', async () => {
    const wrongSecret = lower(await signAppSyncRequest(url, body, { ...iamAuth, credentials: { ...iamAuth.credentials, secretAccessKey: 'nope' } }));
    const a = await auth.authenticate({ method: 'POST', path: '/graphql', headers: wrongSecret, body });
    expect(a).toMatchObject({ ok: false, httpStatus: 403, errorType: 'InvalidSignatureException' });
    expect(a.ok ? '' : a.message).toMatch(/^The request signature we calculated does not match the signature you provided/);
    const signed = lower(await signAppSyncRequest(url, body, iamAuth));
    const b = await auth.authenticate({ method: 'POST', path: '/graphql', headers: signed, body: body.replace('iam', 'both') });
    expect(b).toMatchObject({ ok: false, httpStatus: 403, errorType: 'InvalidSignatureException' });
  });

  it('refuses an unknown access key as UnrecognizedClientException and an old signature as expired', async () => {
    const stranger = lower(await signAppSyncRequest(url, body, { ...iamAuth, credentials: { accessKeyId: 'AKIASOMEBODYELSE0001', secretAccessKey: 'x' } }));
    expect(await auth.authenticate({ method: 'POST', path: '/graphql', headers: stranger, body })).toEqual({
      ok: false,
      httpStatus: 403,
      errorType: 'UnrecognizedClientException',
      message: 'The security token included in the request is invalid.',
    });
    const later = createAuthenticator({ schema, apiKey: 'k', iam: LOCAL_IAM, now: () => Date.now() + 10 * 60_000 });
    const signed = lower(await signAppSyncRequest(url, body, iamAuth));
    const old = await later.authenticate({ method: 'POST', path: '/graphql', headers: signed, body });
    expect(old).toMatchObject({ ok: false, httpStatus: 403, errorType: 'InvalidSignatureException' });
    expect(old.ok ? '' : old.message).toMatch(/^Signature expired: /);
  });

  it('refuses an Authorization header that is not a complete SigV4 header', async () => {
    const result = await auth.authenticate({ method: 'POST', path: '/graphql', headers: { authorization: 'AWS4-HMAC-SHA256 Credential=x', 'x-amz-date': '20260101T000000Z' }, body });
    expect(result).toMatchObject({ ok: false, httpStatus: 403, errorType: 'IncompleteSignatureException' });
  });
});

describe('directives', () => {
  const auth = createAuthenticator({ schema, apiKey: 'k', iam: LOCAL_IAM });

  it('uses the field directives when present, else the type directives, else only the default mode', () => {
    expect(auth.isFieldAllowed('Query', 'iam', 'AWS_IAM')).toBe(true);
    expect(auth.isFieldAllowed('Query', 'iam', 'API_KEY')).toBe(false);
    expect(auth.isFieldAllowed('Query', 'both', 'API_KEY')).toBe(true);
    expect(auth.isFieldAllowed('Query', 'bare', 'API_KEY')).toBe(true);
    expect(auth.isFieldAllowed('Query', 'bare', 'AWS_IAM')).toBe(false);
    expect(auth.isFieldAllowed('Keyed', 'a', 'AWS_IAM')).toBe(false);
    expect(auth.isFieldAllowed('Keyed', 'b', 'API_KEY')).toBe(false);
    expect(auth.isFieldAllowed('Keyed', 'b', 'AWS_IAM')).toBe(true);
    expect(auth.isFieldAllowed('Keyed', 'c', 'AWS_IAM')).toBe(true);
    expect(auth.isFieldAllowed('Open', 'a', 'AWS_IAM')).toBe(false);
  });
});
