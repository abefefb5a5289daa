/**
 * `foreman login`: signs in with the AWS SDK's InitiateAuth against the local stack's user pool
 * (the same protocol as Cognito's, at <origin>/cognito/), keeps the session private, never prints a
 * token, refreshes it, and later commands against a remote endpoint use it.
 */
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { CognitoIdentityProviderClient, InitiateAuthCommand } from '@aws-sdk/client-cognito-identity-provider';
import { decodeJwt } from 'jose';
import { startTestStack, type TestStack } from '../../helpers/localStack';
import { runCli } from './run';
import { login, sessionIdToken, type StoredSession } from '../../../clients/cli/session';
import { poolConfig } from '../../../clients/cli/commands/login';
import { CliError } from '../../../clients/cli/errors';

/** The CLI with no endpoint credentials from this machine's environment. */
const run = (args: string[], env: NodeJS.ProcessEnv, stdin?: string) => runCli(args, { env: { FOREMAN_ID_TOKEN: '', ...env }, stdin });

describe('foreman login against the local user pool', () => {
  let stack: TestStack;
  let password: string;
  const dirs: string[] = [];
  const configDir = () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'foreman-login-'));
    dirs.push(dir);
    return dir;
  };
  const poolFlags = () => ['--user-pool-id', stack.userPool.userPoolId, '--client-id', stack.userPool.cliClientId, '--region', 'us-east-1', '--cognito-endpoint', `${new URL(stack.graphqlUrl).origin}/cognito/`];

  beforeAll(async () => {
    stack = await startTestStack();
    ({ password } = await stack.userPool.addUser({ username: 'lena', groups: ['importers'] }));
  });
  afterAll(async () => {
    await stack?.stop();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('keeps a private session without printing a token, and commands against the endpoint use it', { timeout: 120_000 }, async () => {
    const dir = configDir();
    const env = { FOREMAN_CONFIG_DIR: dir };
    // Without a session the endpoint has no credentials: bad usage, saying what to do.
    const before = await run(['ingestions', '--endpoint', stack.graphqlUrl, '--json'], env);
    expect(before.code).toBe(2);
    expect(before.stderr).toContain('run foreman login');

    const r = await run(['login', '--username', 'lena', '--password-stdin', ...poolFlags()], env, `${password}\n`);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Signed in as lena');
    const file = path.join(dir, 'session.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const session = JSON.parse(readFileSync(file, 'utf8')) as StoredSession;
    // An ID token of this pool's CLI client for lena…
    expect(decodeJwt(session.idToken)).toMatchObject({ token_use: 'id', aud: stack.userPool.cliClientId, 'cognito:username': 'lena', 'cognito:groups': ['importers'] });
    // …that appears in no output.
    expect(r.stdout + r.stderr).not.toContain(session.idToken.split('.')[1]!);
    expect(r.stdout + r.stderr).not.toContain(session.refreshToken);

    const listed = await run(['ingestions', '--endpoint', stack.graphqlUrl, '--json'], env);
    expect(listed.code).toBe(0);
    expect(JSON.parse(listed.stdout)).toEqual([]);

    const out = await run(['logout'], env);
    expect(out.code).toBe(0);
    expect(existsSync(file)).toBe(false);
  });

  it('refuses a wrong password with Cognito’s message and stores nothing', { timeout: 60_000 }, async () => {
    const dir = configDir();
    const r = await run(['login', '--username', 'lena', '--password-stdin', ...poolFlags()], { FOREMAN_CONFIG_DIR: dir }, 'not-her-password\n');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('could not sign in as lena: Incorrect username or password.');
    expect(existsSync(path.join(dir, 'session.json'))).toBe(false);
  });

  it('refreshes the ID token with the refresh token when it is about to expire, and stores the new one', async () => {
    const env = { FOREMAN_CONFIG_DIR: configDir() };
    const config = { userPoolId: stack.userPool.userPoolId, clientId: stack.userPool.cliClientId, region: 'us-east-1', endpoint: `${new URL(stack.graphqlUrl).origin}/cognito/` };
    const { session } = await login(config, 'lena', password, env);
    // Still valid for an hour: the stored token is used as is.
    expect(await sessionIdToken(env)).toBe(session.idToken);
    // Four minutes from expiry (inside the five-minute margin): refreshed through REFRESH_TOKEN_AUTH.
    const later = () => session.expiresAt - 4 * 60 * 1000;
    const refreshed = await sessionIdToken(env, later);
    expect(refreshed).not.toBe(session.idToken);
    expect(decodeJwt(refreshed)).toMatchObject({ token_use: 'id', 'cognito:username': 'lena' });
    const stored = JSON.parse(readFileSync(path.join(env.FOREMAN_CONFIG_DIR, 'session.json'), 'utf8')) as StoredSession;
    expect(stored.idToken).toBe(refreshed);
    expect(stored.refreshToken).toBe(session.refreshToken);
    expect(stored.expiresAt).toBeGreaterThan(later());
  });

  it('asks for foreman login again when Cognito refuses the refresh token', async () => {
    const env = { FOREMAN_CONFIG_DIR: configDir() };
    const config = { userPoolId: stack.userPool.userPoolId, clientId: stack.userPool.cliClientId, region: 'us-east-1', endpoint: `${new URL(stack.graphqlUrl).origin}/cognito/` };
    const { session } = await login(config, 'lena', password, env);
    writeFileSync(path.join(env.FOREMAN_CONFIG_DIR, 'session.json'), JSON.stringify({ ...session, refreshToken: 'revoked', expiresAt: 0 }));
    const error = await sessionIdToken(env).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CliError);
    expect((error as Error).message).toMatch(/the session of lena has ended .*run foreman login again/);
  });
});

describe('foreman login (Cognito mocked)', () => {
  it('explains a challenge it does not answer and stores nothing', async () => {
    const cognito = mockClient(CognitoIdentityProviderClient);
    cognito.on(InitiateAuthCommand).resolves({ ChallengeName: 'NEW_PASSWORD_REQUIRED', Session: 's' });
    const dir = mkdtempSync(path.join(os.tmpdir(), 'foreman-login-'));
    try {
      const error = await login({ userPoolId: 'eu-west-1_Abc', clientId: 'c', region: 'eu-west-1' }, 'nina', 'pw', { FOREMAN_CONFIG_DIR: dir }).catch((e: unknown) => e);
      expect((error as Error).message).toContain('needs the NEW_PASSWORD_REQUIRED step');
      expect(existsSync(path.join(dir, 'session.json'))).toBe(false);
      // USER_PASSWORD_AUTH with the client and the user's credentials, nothing else.
      expect(cognito.commandCalls(InitiateAuthCommand)[0]!.args[0].input).toEqual({ AuthFlow: 'USER_PASSWORD_AUTH', ClientId: 'c', AuthParameters: { USERNAME: 'nina', PASSWORD: 'pw' } });
    } finally {
      cognito.restore();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reads the pool from the environment, takes the region from the pool id, and says what is missing', () => {
    const cwd = mkdtempSync(path.join(os.tmpdir(), 'foreman-login-'));
    try {
      expect(poolConfig({}, { FOREMAN_USER_POOL_ID: 'eu-central-1_Xyz', FOREMAN_USER_POOL_CLIENT_ID: 'cli' }, cwd)).toEqual({ userPoolId: 'eu-central-1_Xyz', clientId: 'cli', region: 'eu-central-1' });
      expect(() => poolConfig({}, {}, cwd)).toThrow(/needs the user pool id .* and the app client id .*npm run write-env/);
    } finally {
      rmSync(cwd, { recursive: true, force: true });
    }
  });
});
