import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseDotEnv, resolveEndpoint } from '../../../clients/cli/endpoint';
import type { LocalStack } from '../../../infra/local/contracts';
import { decodeJwt } from 'jose';
import { resolveToken, type ClientAuth } from '../../../clients/api/client';
import { LocalUserPool } from '../../../infra/local/auth/userPool';

const tmp = () => mkdtempSync(path.join(os.tmpdir(), 'foreman-endpoint-'));

function fakeStack(started: string[]) {
  return async () => {
    started.push('embedded');
    const userPool = await LocalUserPool.open(null);
    return { graphqlUrl: 'http://127.0.0.1:1/graphql', apiKey: '', userPool, stop: async () => void started.push('stopped') } as unknown as LocalStack;
  };
}

/** The claims of the token a resolved endpoint signs with (user pools mode). */
async function tokenClaims(auth: ClientAuth): Promise<Record<string, unknown>> {
  if (auth.mode !== 'AMAZON_COGNITO_USER_POOLS') throw new Error(`expected user pools auth, got ${auth.mode}`);
  return decodeJwt(await resolveToken(auth.token));
}

describe('parseDotEnv', () => {
  it('reads KEY=value lines, quotes, export and comments', () => {
    expect(parseDotEnv('# c\nexport FOREMAN_GRAPHQL_URL="http://x/graphql"\nFOREMAN_API_KEY=da2-abc # trailing\nBAD LINE\nQ=\'a b\'\n')).toEqual({
      FOREMAN_GRAPHQL_URL: 'http://x/graphql',
      FOREMAN_API_KEY: 'da2-abc',
      Q: 'a b',
    });
  });
});

describe('resolveEndpoint', () => {
  it('prefers flags, then the environment, then .env', async () => {
    const cwd = tmp();
    writeFileSync(path.join(cwd, '.env'), 'FOREMAN_GRAPHQL_URL=http://dotenv/graphql\nFOREMAN_API_KEY=dotenv-key\n');
    const env = { FOREMAN_GRAPHQL_URL: 'http://env/graphql', FOREMAN_API_KEY: 'env-key' };
    expect(await resolveEndpoint({ cwd, env, endpoint: 'http://flag/graphql', apiKey: 'flag-key' })).toMatchObject({ url: 'http://flag/graphql', apiKey: 'flag-key', source: 'flags' });
    expect(await resolveEndpoint({ cwd, env })).toMatchObject({ url: 'http://env/graphql', apiKey: 'env-key', source: 'environment' });
    expect(await resolveEndpoint({ cwd, env: {} })).toMatchObject({ url: 'http://dotenv/graphql', apiKey: 'dotenv-key', source: '.env' });
  });

  it('uses a running foreman serve, and ignores a record whose process is gone', async () => {
    const cwd = tmp();
    mkdirSync(path.join(cwd, '.foreman'));
    const record = (pid: number) => writeFileSync(path.join(cwd, '.foreman', 'server.json'), JSON.stringify({ graphqlUrl: 'http://serve/graphql', apiKey: 'serve-key', pid }));
    record(process.pid);
    const served = await resolveEndpoint({ cwd, env: {} });
    expect(served).toMatchObject({ url: 'http://serve/graphql', source: 'foreman serve' });
    // On the local stack the CLI is the built-in admin, with a token of the data directory's pool.
    expect(await tokenClaims(served.auth)).toMatchObject({ 'cognito:username': 'foreman-admin', 'cognito:groups': ['admins'], token_use: 'id' });
    expect((await tokenClaims(served.auth)).iss).toMatch(/^http:\/\/serve\/cognito\/us-east-1_/);
    // 2^22 + 1 is above Linux's default pid_max, so no process has it.
    record(4_194_305);
    const started: string[] = [];
    const notices: string[] = [];
    const r = await resolveEndpoint({ cwd, env: {}, startStack: fakeStack(started), notice: (l) => notices.push(l) });
    expect(r).toMatchObject({ url: 'http://127.0.0.1:1/graphql', source: 'embedded' });
    expect(await tokenClaims(r.auth)).toMatchObject({ 'cognito:username': 'foreman-admin', token_use: 'id' });
    expect(notices).toEqual(['starting the embedded local AppSync (DynamoDB Local)…']);
    await r.stop();
    expect(started).toEqual(['embedded', 'stopped']);
  });

  it('signs with FOREMAN_ID_TOKEN (a user-pool ID token) instead of a key, unless --api-key is given', async () => {
    const env = { FOREMAN_ID_TOKEN: 'eyJ.token.sig' };
    const flagged = await resolveEndpoint({ cwd: tmp(), env, endpoint: 'http://x/graphql' });
    expect(flagged).toMatchObject({ url: 'http://x/graphql', source: 'flags', auth: { mode: 'AMAZON_COGNITO_USER_POOLS', token: 'eyJ.token.sig' } });
    expect(await resolveEndpoint({ cwd: tmp(), env: { ...env, FOREMAN_GRAPHQL_URL: 'http://env/graphql' } })).toMatchObject({ source: 'environment', auth: { mode: 'AMAZON_COGNITO_USER_POOLS' } });
    expect(await resolveEndpoint({ cwd: tmp(), env, endpoint: 'http://x/graphql', apiKey: 'k' })).toMatchObject({ auth: { mode: 'API_KEY', apiKey: 'k' } });
  });

  it('refuses an endpoint without any credentials, saying how to get them', async () => {
    await expect(resolveEndpoint({ cwd: tmp(), env: {}, endpoint: 'http://x/graphql' })).rejects.toThrow('no credentials for http://x/graphql: run foreman login, set FOREMAN_ID_TOKEN, or pass --api-key');
  });
});
