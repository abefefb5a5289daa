// The local user pool against the real local stack: Cognito's JSON protocol at /cognito/ (BRIEF
// contract 2), the tokens' claims (Cognito's ID/access token claims, docs.aws.amazon.com/cognito
// "Understanding user pool JSON web tokens"), verified here independently through the published
// JWKS, and AppSync's user pools mode refusing every token that is not a valid one of this pool with
// the request-level 401, over HTTP and on the real-time WebSocket.
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRemoteJWKSet, decodeJwt, importJWK, jwtVerify, SignJWT, type JWK, type JWTPayload } from 'jose';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_ADMIN, LocalUserPool } from '../../../../infra/local/auth/userPool';
import { startTestStack, type TestStack } from '../../../helpers/localStack';

let dir: string;
let pool: LocalUserPool;
let stack: TestStack;
let origin: string;
let poolKey: Awaited<ReturnType<typeof importJWK>>;
let kid: string;
const PASSWORD = 'Correct-Horse-9-battery';

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'foreman-pool-'));
  pool = await LocalUserPool.open(dir);
  stack = await startTestStack({ userPool: pool });
  origin = new URL(stack.graphqlUrl).origin;
  // What someone holding the pool's key file could sign: the tests forge with it.
  const saved = JSON.parse(readFileSync(path.join(dir, 'cognito', 'pool.json'), 'utf8')) as { privateJwk: JWK; kid: string };
  poolKey = await importJWK(saved.privateJwk, 'RS256');
  kid = saved.kid;
  await pool.addUser({ username: 'alice', password: PASSWORD, groups: ['importers'], email: 'alice@example.com' });
  await pool.addUser({ username: 'vera', password: PASSWORD, groups: ['viewers'] });
}, 120_000);

afterAll(async () => {
  await stack?.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function cognito(target: string, body: unknown): Promise<{ status: number; json: Record<string, unknown>; type: string | null }> {
  const response = await fetch(`${origin}/cognito/`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `AWSCognitoIdentityProviderService.${target}` },
    body: JSON.stringify(body),
  });
  return { status: response.status, json: (await response.json()) as Record<string, unknown>, type: response.headers.get('content-type') };
}

async function signIn(username: string, password: string, clientId = pool.webClientId) {
  return cognito('InitiateAuth', { AuthFlow: 'USER_PASSWORD_AUTH', ClientId: clientId, AuthParameters: { USERNAME: username, PASSWORD: password } });
}

const ERASE = 'mutation { eraseCustomer(input: { email: "nobody@example.com" }) { email complete } }';

async function graphql(authorization: string | undefined, query = ERASE): Promise<{ status: number; body: { data?: unknown; errors?: { errorType?: string; message: string }[] } }> {
  const response = await fetch(stack.graphqlUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(authorization === undefined ? {} : { authorization }) },
    body: JSON.stringify({ query }),
  });
  return { status: response.status, body: (await response.json()) as never };
}

const REFUSED = { errors: [{ errorType: 'UnauthorizedException', message: 'You are not authorized to make this call.' }] };

function forge(claims: JWTPayload, key: Parameters<SignJWT['sign']>[0] = poolKey, header: { alg: string; kid?: string } = { alg: 'RS256', kid }): Promise<string> {
  return new SignJWT(claims).setProtectedHeader(header).sign(key);
}

function validIdClaims(over: JWTPayload = {}): JWTPayload {
  const now = Math.floor(Date.now() / 1000);
  return {
    sub: pool.findUser(LOCAL_ADMIN)!.sub,
    'cognito:groups': ['admins'],
    iss: `${origin}/cognito/${pool.userPoolId}`,
    'cognito:username': LOCAL_ADMIN,
    aud: pool.webClientId,
    token_use: 'id',
    auth_time: now,
    iat: now,
    exp: now + 600,
    jti: 'j',
    ...over,
  };
}

describe('Cognito JSON protocol at /cognito/', () => {
  it('signs in with USER_PASSWORD_AUTH: ID, access and refresh tokens with Cognito’s claims, verifiable through the published JWKS', async () => {
    const { status, json, type } = await signIn('alice', PASSWORD);
    expect(status).toBe(200);
    expect(type).toBe('application/x-amz-json-1.1');
    const result = json.AuthenticationResult as { IdToken: string; AccessToken: string; RefreshToken: string; ExpiresIn: number; TokenType: string };
    expect(result.ExpiresIn).toBe(3600);
    expect(result.TokenType).toBe('Bearer');
    expect(typeof result.RefreshToken).toBe('string');

    const issuer = `${origin}/cognito/${pool.userPoolId}`;
    // The same check a resource server does against Cognito: the issuer's JWKS, issuer and audience.
    const jwks = createRemoteJWKSet(new URL(`${issuer}/.well-known/jwks.json`));
    const { payload: id, protectedHeader } = await jwtVerify(result.IdToken, jwks, { issuer, audience: pool.webClientId, algorithms: ['RS256'] });
    expect(protectedHeader.kid).toBe(kid);
    const sub = pool.findUser('alice')!.sub;
    expect(sub).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(id).toMatchObject({ sub, token_use: 'id', 'cognito:username': 'alice', 'cognito:groups': ['importers'], email: 'alice@example.com', aud: pool.webClientId });
    expect(id.exp! - id.iat!).toBe(3600);
    for (const claim of ['auth_time', 'jti', 'origin_jti', 'event_id']) expect(id[claim], claim).toBeDefined();

    const { payload: access } = await jwtVerify(result.AccessToken, jwks, { issuer, algorithms: ['RS256'] });
    expect(access).toMatchObject({ sub, token_use: 'access', client_id: pool.webClientId, username: 'alice', scope: 'aws.cognito.signin.user.admin', 'cognito:groups': ['importers'] });
    expect(access.aud).toBeUndefined();
    // Both tokens of one sign-in share the session's origin_jti and event_id (Cognito does).
    expect(access.origin_jti).toBe(id.origin_jti);
    expect(access.event_id).toBe(id.event_id);
  });

  it('signs in with the email and any case of the name (signInAliases email, signInCaseSensitive false)', async () => {
    expect((await signIn('ALICE', PASSWORD)).status).toBe(200);
    const byEmail = await signIn('alice@example.com', PASSWORD);
    expect(decodeJwt((byEmail.json.AuthenticationResult as { IdToken: string }).IdToken)['cognito:username']).toBe('alice');
  });

  it('refuses a wrong password and an unknown user alike (preventUserExistenceErrors)', async () => {
    const expected = { status: 400, json: { __type: 'NotAuthorizedException', message: 'Incorrect username or password.' } };
    expect(await signIn('alice', 'Wrong-password-1')).toMatchObject(expected);
    expect(await signIn('nobody', PASSWORD)).toMatchObject(expected);
  });

  it('refuses an unknown app client, an unsupported flow, an unknown operation and a body that is not JSON', async () => {
    expect(await signIn('alice', PASSWORD, 'not-a-client-of-this-pool')).toMatchObject({ status: 400, json: { __type: 'ResourceNotFoundException' } });
    expect(await cognito('InitiateAuth', { AuthFlow: 'USER_SRP_AUTH', ClientId: pool.webClientId, AuthParameters: { USERNAME: 'alice' } })).toMatchObject({ status: 400, json: { __type: 'InvalidParameterException' } });
    expect(await cognito('AdminDeleteUser', { Username: 'alice' })).toMatchObject({ status: 400, json: { __type: 'UnknownOperationException' } });
    const response = await fetch(`${origin}/cognito/`, { method: 'POST', headers: { 'x-amz-target': 'AWSCognitoIdentityProviderService.InitiateAuth' }, body: '{nope' });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { __type: string }).__type).toBe('SerializationException');
  });

  it('refreshes with REFRESH_TOKEN_AUTH (new ID and access tokens, no new refresh token) and refuses a bad refresh token', async () => {
    const first = (await signIn('alice', PASSWORD, pool.cliClientId)).json.AuthenticationResult as { IdToken: string; RefreshToken: string };
    const refreshed = await cognito('InitiateAuth', { AuthFlow: 'REFRESH_TOKEN_AUTH', ClientId: pool.cliClientId, AuthParameters: { REFRESH_TOKEN: first.RefreshToken } });
    expect(refreshed.status).toBe(200);
    const result = refreshed.json.AuthenticationResult as { IdToken: string; RefreshToken?: string };
    expect(result.RefreshToken).toBeUndefined();
    expect(result.IdToken).not.toBe(first.IdToken);
    expect(decodeJwt(result.IdToken)).toMatchObject({ aud: pool.cliClientId, origin_jti: decodeJwt(first.IdToken).origin_jti, 'cognito:username': 'alice' });

    const invalid = { status: 400, json: { __type: 'NotAuthorizedException', message: 'Invalid Refresh Token' } };
    expect(await cognito('InitiateAuth', { AuthFlow: 'REFRESH_TOKEN_AUTH', ClientId: pool.cliClientId, AuthParameters: { REFRESH_TOKEN: 'garbage' } })).toMatchObject(invalid);
    // A refresh token belongs to the client it was issued to.
    expect(await cognito('InitiateAuth', { AuthFlow: 'REFRESH_TOKEN_AUTH', ClientId: pool.webClientId, AuthParameters: { REFRESH_TOKEN: first.RefreshToken } })).toMatchObject(invalid);
  });

  it('answers GetUser for an access token, not for an ID token', async () => {
    const tokens = (await signIn('alice', PASSWORD)).json.AuthenticationResult as { IdToken: string; AccessToken: string };
    const user = await cognito('GetUser', { AccessToken: tokens.AccessToken });
    expect(user.json).toEqual({
      Username: 'alice',
      UserAttributes: [
        { Name: 'sub', Value: pool.findUser('alice')!.sub },
        { Name: 'email', Value: 'alice@example.com' },
        { Name: 'email_verified', Value: 'true' },
      ],
    });
    expect(await cognito('GetUser', { AccessToken: tokens.IdToken })).toMatchObject({ status: 400, json: { __type: 'NotAuthorizedException' } });
  });

  it('keeps the pool file private and passwords only as scrypt hashes; the built-in admin’s credentials in admin.json (0600)', () => {
    const file = path.join(dir, 'cognito', 'pool.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(path.join(dir, 'cognito', 'admin.json')).mode & 0o777).toBe(0o600);
    const text = readFileSync(file, 'utf8');
    expect(text).not.toContain(PASSWORD);
    expect(pool.findUser('alice')!.passwordHash).toMatch(/^scrypt\$16384\$8\$1\$/);
    const admin = JSON.parse(readFileSync(path.join(dir, 'cognito', 'admin.json'), 'utf8')) as { username: string; password: string };
    expect(admin.username).toBe(LOCAL_ADMIN);
    expect(pool.findUser(LOCAL_ADMIN)!.groups).toEqual(['admins']);
  });
});

describe('user pools auth on /graphql (AppSync’s request-level 401)', () => {
  it('lets a valid ID token and a valid access token through to the field rules', async () => {
    const tokens = (await signIn(LOCAL_ADMIN, JSON.parse(readFileSync(path.join(dir, 'cognito', 'admin.json'), 'utf8')).password as string)).json.AuthenticationResult as {
      IdToken: string;
      AccessToken: string;
    };
    for (const token of [tokens.IdToken, tokens.AccessToken]) {
      const { status, body } = await graphql(token);
      expect(status).toBe(200);
      // eraseCustomer is admins-only: the admin reaches the resolver, which finds nothing to erase.
      expect(body.errors).toBeUndefined();
      expect(body.data).toEqual({ eraseCustomer: { email: 'nobody@example.com', complete: true } });
    }
  });

  it('refuses a user outside the field’s cognito_groups with the field error, not the 401', async () => {
    const { status, body } = await graphql(await stack.tokenFor('vera'.concat('2'), ['viewers']));
    expect(status).toBe(200);
    expect(body.errors).toEqual([expect.objectContaining({ errorType: 'Unauthorized', message: 'Not Authorized to access eraseCustomer on type Mutation' })]);
  });

  it('refuses missing, expired, forged, other-issuer, wrong-client, refresh-use and malformed tokens with 401', async () => {
    const now = Math.floor(Date.now() / 1000);
    const { privateKey: otherKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const cases: Record<string, string | undefined> = {
      missing: undefined,
      empty: '',
      expired: await forge(validIdClaims({ iat: now - 7200, exp: now - 3600 })),
      'forged (another key, same kid)': await forge(validIdClaims(), otherKey),
      'unsigned (alg none)': `${Buffer.from(JSON.stringify({ alg: 'none', kid })).toString('base64url')}.${Buffer.from(JSON.stringify(validIdClaims())).toString('base64url')}.`,
      'other issuer (AWS pool)': await forge(validIdClaims({ iss: `https://cognito-idp.us-east-1.amazonaws.com/${pool.userPoolId}` })),
      'other issuer (another local pool)': await forge(validIdClaims({ iss: `${origin}/cognito/us-east-1_Other0000` })),
      'wrong client (ID token aud)': await forge(validIdClaims({ aud: 'someoneelsesclientid000000' })),
      'wrong client (access token client_id)': await forge(validIdClaims({ aud: undefined, token_use: 'access', client_id: 'someoneelsesclientid000000' })),
      'token_use neither id nor access': await forge(validIdClaims({ token_use: 'refresh' })),
      'no token_use': await forge(validIdClaims({ token_use: undefined })),
      malformed: 'not.a.jwt',
      'Bearer prefix': `Bearer ${await stack.tokenFor('vera3', ['viewers'])}`,
    };
    for (const [name, token] of Object.entries(cases)) {
      const { status, body } = await graphql(token);
      expect({ name, status, body }).toEqual({ name, status: 401, body: REFUSED });
    }
    // The control: the same forging with nothing wrong passes.
    expect((await graphql(await forge(validIdClaims()))).status).toBe(200);
  });
});

describe('user pools auth on the real-time WebSocket', () => {
  function connect(authorization: string): Promise<{ type: string; payload?: { errors?: { errorType: string; message: string }[] } }> {
    const header = Buffer.from(JSON.stringify({ host: new URL(stack.graphqlUrl).host, Authorization: authorization })).toString('base64');
    const socket = new WebSocket(`${stack.realtimeUrl}?header=${header}&payload=e30=`, ['graphql-ws']);
    return new Promise((resolve, reject) => {
      socket.on('open', () => socket.send(JSON.stringify({ type: 'connection_init' })));
      socket.on('message', (raw) => {
        const frame = JSON.parse(raw.toString()) as { type: string };
        if (frame.type === 'ka') return;
        socket.close();
        resolve(frame);
      });
      socket.on('error', reject);
    });
  }

  it('acknowledges a connection with an ID or access token', async () => {
    expect((await connect(await stack.tokenFor('walt', ['importers']))).type).toBe('connection_ack');
    expect((await connect(await stack.tokenFor('walt', ['importers'], { access: true }))).type).toBe('connection_ack');
  });

  it('refuses expired, forged and wrong-client tokens at connection_init', async () => {
    const now = Math.floor(Date.now() / 1000);
    const { privateKey: otherKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    for (const token of [
      await forge(validIdClaims({ iat: now - 7200, exp: now - 3600 })),
      await forge(validIdClaims(), otherKey),
      await forge(validIdClaims({ aud: 'someoneelsesclientid000000' })),
      'garbage',
    ]) {
      const frame = await connect(token);
      expect(frame.type).toBe('connection_error');
      expect(frame.payload?.errors?.[0]?.errorType).toBe('UnauthorizedException');
    }
  });
});
