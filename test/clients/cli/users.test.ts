// `foreman users add|list|token` as a user runs them, against a data directory's user pool; the
// token is checked with the pool's published key, as AppSync would, and then used on a real local
// stack that serves the same data directory's pool.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalUserPool } from '../../../infra/local/auth/userPool';
import { startTestStack, type TestStack } from '../../helpers/localStack';
import { runCli } from './run';

let cwd: string;
const dataDir = () => path.join(cwd, '.foreman');

beforeAll(() => {
  cwd = mkdtempSync(path.join(os.tmpdir(), 'foreman-users-'));
});
afterAll(() => rmSync(cwd, { recursive: true, force: true }));

describe('foreman users', () => {
  it('adds a user with groups and a generated password, printed once; lists users with the built-in admin', async () => {
    const added = await runCli(['users', 'add', 'alice', '--group', 'importers', '--group', 'viewers', '--email', 'alice@example.com'], { cwd });
    expect(added.stderr).toBe('');
    expect(added.code).toBe(0);
    const password = /Password \(shown once\): (\S+)/.exec(added.stdout)?.[1];
    expect(password).toMatch(/^(?=.*[a-z])(?=.*[A-Z])(?=.*\d).{24}$/);

    const listed = await runCli(['users', 'list', '--json'], { cwd });
    expect(listed.code).toBe(0);
    const users = JSON.parse(listed.stdout) as { username: string; groups: string[]; email: string | null }[];
    expect(users.map((u) => [u.username, u.groups, u.email])).toEqual([
      ['foreman-admin', ['admins'], null],
      ['alice', ['importers', 'viewers'], 'alice@example.com'],
    ]);
    expect(listed.stdout).not.toContain('scrypt');

    // The password printed is the one the pool accepts.
    const pool = await LocalUserPool.open(dataDir());
    await expect(pool.signIn('alice', password, pool.webClientId, 'http://127.0.0.1:4000')).resolves.toMatchObject({ TokenType: 'Bearer' });
  });

  it('refuses a weak password, an unknown group and a second user of the same name, with what to do', async () => {
    const weak = await runCli(['users', 'add', 'bob', '--password', 'short'], { cwd });
    expect(weak.code).toBe(2);
    expect(weak.stderr).toContain('Password did not conform with policy: Password not long enough');
    const group = await runCli(['users', 'add', 'bob', '--group', 'owners'], { cwd });
    expect(group.code).toBe(2);
    expect(group.stderr).toContain('Group not found: owners');
    const again = await runCli(['users', 'add', 'ALICE', '--password', 'Another-Passw0rd!'], { cwd });
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('user ALICE exists already');
    const listed = JSON.parse((await runCli(['users', 'list', '--json'], { cwd })).stdout) as unknown[];
    expect(listed).toHaveLength(2);
  });

  it('prints an ID token (or with --access an access token) of this pool, and refuses an unknown user', async () => {
    const pool = await LocalUserPool.open(dataDir());
    const keys = createLocalJWKSet(pool.jwks());
    const id = await runCli(['users', 'token', 'alice'], { cwd });
    expect(id.code).toBe(0);
    const { payload } = await jwtVerify(id.stdout.trim(), keys, { audience: pool.cliClientId });
    expect(payload).toMatchObject({ token_use: 'id', 'cognito:username': 'alice', 'cognito:groups': ['importers', 'viewers'], iss: `http://127.0.0.1:4000/cognito/${pool.userPoolId}` });
    const access = await runCli(['users', 'token', 'alice', '--access'], { cwd });
    expect((await jwtVerify(access.stdout.trim(), keys)).payload).toMatchObject({ token_use: 'access', client_id: pool.cliClientId, username: 'alice' });

    const missing = await runCli(['users', 'token', 'zed'], { cwd });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('foreman users add zed');
  });

  describe('with a stack serving the same pool', () => {
    let stack: TestStack;
    beforeAll(async () => {
      stack = await startTestStack({ userPool: await LocalUserPool.open(dataDir()) });
    }, 120_000);
    afterAll(() => stack?.stop());

    it('a user added while the stack runs signs in at once, and its printed token is accepted', async () => {
      const added = await runCli(['users', 'add', 'carol', '--group', 'admins', '--password', 'Carol-Passw0rd!x'], { cwd });
      expect(added.code).toBe(0);
      const signIn = await fetch(new URL('/cognito/', stack.graphqlUrl), {
        method: 'POST',
        headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AWSCognitoIdentityProviderService.InitiateAuth' },
        body: JSON.stringify({ AuthFlow: 'USER_PASSWORD_AUTH', ClientId: stack.userPool.webClientId, AuthParameters: { USERNAME: 'carol', PASSWORD: 'Carol-Passw0rd!x' } }),
      });
      expect(signIn.status).toBe(200);

      const token = (await runCli(['users', 'token', 'carol'], { cwd })).stdout.trim();
      const response = await fetch(stack.graphqlUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: token },
        body: JSON.stringify({ query: 'mutation { eraseCustomer(input: { email: "none@example.com" }) { complete } }' }),
      });
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ data: { eraseCustomer: { complete: true } } });
    });
  });
});
