/**
 * The page's sign-in (clients/web/src/auth.ts) against the local stack's real user pool, which
 * speaks Cognito's JSON protocol at /cognito/ (BRIEF contract 2, docs/auth.md): the same code
 * signs in against AWS with only the endpoint changed. Storage is an in-memory stand-in for the
 * browser's sessionStorage; "time" is moved by the test (no timed assertions).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuthSession, cognitoEndpoint, identityOf, mayImport, REFRESH_MARGIN_MS, SignInError } from '../../../clients/web/src/auth';
import { startTestStack, type TestStack } from '../../helpers/localStack';

const PASSWORD = 'Importer-Passw0rd!';

/** sessionStorage as the browser offers it, in memory. */
function memoryStorage(): Storage & { entries: Map<string, string> } {
  const entries = new Map<string, string>();
  return {
    entries,
    get length() {
      return entries.size;
    },
    clear: () => entries.clear(),
    key: (i) => [...entries.keys()][i] ?? null,
    getItem: (k) => entries.get(k) ?? null,
    setItem: (k, v) => void entries.set(k, String(v)),
    removeItem: (k) => void entries.delete(k),
  };
}

describe('signing in to the local user pool from the page code', () => {
  let stack: TestStack;
  let endpoint: string;
  let clientId: string;
  /** Every InitiateAuth flow the session sent. */
  let flows: string[];
  const countingFetch: typeof fetch = async (input, init) => {
    flows.push((JSON.parse(String(init?.body)) as { AuthFlow: string }).AuthFlow);
    return fetch(input, init);
  };

  beforeAll(async () => {
    stack = await startTestStack();
    endpoint = `${new URL(stack.graphqlUrl).origin}/cognito/`;
    clientId = stack.userPool.webClientId;
    await stack.userPool.addUser({ username: 'ines', groups: ['importers'], password: PASSWORD });
    await stack.userPool.addUser({ username: 'victor', groups: ['viewers'], password: PASSWORD });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  function session(storage = memoryStorage(), now = Date.now) {
    flows = [];
    return { storage, auth: new AuthSession({ endpoint, clientId, storage, fetch: countingFetch, now }) };
  }

  it('signs in with USER_PASSWORD_AUTH and keeps the tokens in the storage it was given, under its client', async () => {
    const { storage, auth } = session();
    const identity = await auth.signIn('ines', PASSWORD);
    expect(identity).toMatchObject({ username: 'ines', groups: ['importers'] });
    expect(mayImport(identity)).toBe(true);
    // The ID token lives an hour (TOKEN_SECONDS); its exp is what the session schedules by.
    expect(identity.expiresAt).toBeGreaterThan(Date.now() + 59 * 60_000);
    expect(identity.expiresAt).toBeLessThanOrEqual(Date.now() + 60 * 60_000 + 1000);
    expect([...storage.entries.keys()]).toEqual([`foreman.session.${clientId}`]);
    const stored = JSON.parse(storage.entries.get(`foreman.session.${clientId}`)!) as Record<string, unknown>;
    expect(Object.keys(stored).sort()).toEqual(['expiresAt', 'idToken', 'refreshToken']);
    // The stored token is one the pool itself accepts, for this user.
    const claims = await stack.userPool.verify(String(stored.idToken));
    expect(claims).toMatchObject({ 'cognito:username': 'ines', token_use: 'id', aud: clientId });
    expect(flows).toEqual(['USER_PASSWORD_AUTH']);
    // Another page load in the same tab finds the session.
    expect(new AuthSession({ endpoint, clientId, storage }).current()).toMatchObject({ username: 'ines', groups: ['importers'] });
  });

  it('matches the name case-insensitively as the pool is set up to (signInCaseSensitive: false), and tells a viewer apart', async () => {
    const { auth } = session();
    const viewer = await auth.signIn('VICTOR', PASSWORD);
    expect(viewer).toMatchObject({ username: 'victor', groups: ['viewers'] });
    expect(mayImport(viewer)).toBe(false);
  });

  it('answers a wrong password and an unknown user with Cognito’s own message, and stores nothing', async () => {
    for (const [name, password] of [
      ['ines', 'Wrong-Passw0rd!'],
      ['nobody', PASSWORD],
    ]) {
      const { storage, auth } = session();
      const error = await auth.signIn(name!, password!).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SignInError);
      expect(error).toMatchObject({ type: 'NotAuthorizedException', message: 'Incorrect username or password.' });
      expect(storage.entries.size).toBe(0);
      expect(auth.current()).toBeNull();
    }
  });

  it('hands out the stored ID token while it is fresh, and refreshes it with REFRESH_TOKEN_AUTH within the margin', async () => {
    let clock = Date.now();
    const { storage, auth } = session(memoryStorage(), () => clock);
    const first = await auth.signIn('ines', PASSWORD);
    const token1 = await auth.idToken();
    expect(flows).toEqual(['USER_PASSWORD_AUTH']);
    expect(auth.msUntilRefresh()).toBe(first.expiresAt - REFRESH_MARGIN_MS - clock);

    // One second into the margin: the next request gets a new token, from one refresh however many ask.
    clock = first.expiresAt - REFRESH_MARGIN_MS + 1000;
    const [a, b, c] = await Promise.all([auth.idToken(), auth.idToken(), auth.idToken()]);
    expect(flows).toEqual(['USER_PASSWORD_AUTH', 'REFRESH_TOKEN_AUTH']);
    expect(a).toBe(b);
    expect(b).toBe(c);
    expect(a).not.toBe(token1);
    expect(identityOf(a)).toMatchObject({ username: 'ines', groups: ['importers'] });
    expect(await stack.userPool.verify(a)).toMatchObject({ 'cognito:username': 'ines' });
    // Cognito returns no new refresh token: the first one is kept for the next refresh.
    const stored = JSON.parse(storage.entries.get(`foreman.session.${clientId}`)!) as { idToken: string; refreshToken: string };
    expect(stored.idToken).toBe(a);
    clock = identityOf(a).expiresAt - REFRESH_MARGIN_MS + 1000;
    await auth.idToken();
    expect(flows).toEqual(['USER_PASSWORD_AUTH', 'REFRESH_TOKEN_AUTH', 'REFRESH_TOKEN_AUTH']);
  });

  it('signs out when the refresh token is refused, and clears the tab’s tokens on Sign out', async () => {
    let clock = Date.now();
    const { storage, auth } = session(memoryStorage(), () => clock);
    const identity = await auth.signIn('ines', PASSWORD);
    const key = `foreman.session.${clientId}`;
    const stored = JSON.parse(storage.entries.get(key)!) as Record<string, unknown>;
    storage.entries.set(key, JSON.stringify({ ...stored, refreshToken: 'not-a-refresh-token' }));
    clock = identity.expiresAt;
    await expect(auth.idToken()).rejects.toMatchObject({ type: 'NotAuthorizedException' });
    expect(storage.entries.size).toBe(0);
    await expect(auth.idToken()).rejects.toMatchObject({ type: 'NotSignedIn' });

    await auth.signIn('ines', PASSWORD);
    auth.signOut();
    expect(storage.entries.size).toBe(0);
    expect(auth.current()).toBeNull();
  });

  it('treats a damaged stored session as none', () => {
    const storage = memoryStorage();
    storage.setItem(`foreman.session.${clientId}`, '{"idToken": 42');
    expect(new AuthSession({ endpoint, clientId, storage }).current()).toBeNull();
    expect(storage.entries.size).toBe(0);
  });
});

describe('the sign-in protocol edges', () => {
  const answer = (status: number, body: unknown): typeof fetch => async () => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/x-amz-json-1.1' } });
  const make = (f: typeof fetch) => new AuthSession({ endpoint: 'https://cognito-idp.eu-west-1.amazonaws.com/', clientId: 'c', storage: memoryStorage(), fetch: f });

  it('uses Cognito’s regional endpoint unless config.json names another', () => {
    expect(cognitoEndpoint({ region: 'eu-west-1' })).toBe('https://cognito-idp.eu-west-1.amazonaws.com/');
    expect(cognitoEndpoint({ region: 'eu-west-1', cognitoEndpoint: 'http://127.0.0.1:4000/cognito/' })).toBe('http://127.0.0.1:4000/cognito/');
    expect(() => cognitoEndpoint({ region: null })).toThrow(SignInError);
  });

  it('reads a namespaced __type as AWS JSON protocols may send it', async () => {
    const error = await make(answer(400, { __type: 'com.amazonaws.cognito.identity.idp.model#UserNotConfirmedException', message: 'User is not confirmed.' }))
      .signIn('a', 'b')
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ type: 'UserNotConfirmedException', message: 'User is not confirmed.' });
  });

  it('says so when Cognito asks for a challenge the page cannot answer (a new password)', async () => {
    const error = await make(answer(200, { ChallengeName: 'NEW_PASSWORD_REQUIRED', Session: 's', ChallengeParameters: {} }))
      .signIn('a', 'b')
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ type: 'ChallengeNotSupported' });
    expect((error as Error).message).toMatch(/NEW_PASSWORD_REQUIRED/);
  });

  it('names the endpoint when it cannot be reached', async () => {
    const error = await make(async () => {
      throw new TypeError('Failed to fetch');
    })
      .signIn('a', 'b')
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ type: 'NetworkError' });
    expect((error as Error).message).toBe('The sign-in service at https://cognito-idp.eu-west-1.amazonaws.com/ could not be reached (Failed to fetch).');
  });
});
