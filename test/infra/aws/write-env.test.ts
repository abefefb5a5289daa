/**
 * write-env: stack outputs (the file `cdk deploy --outputs-file` writes) → `.env`.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseDotEnv } from '../../../clients/cli/endpoint';
import { main, OutputsError, renderEnv, stackOutputs } from '../../../infra/aws/write-env';

const outputs = {
  GraphqlUrl: 'https://abc123.appsync-api.eu-west-1.amazonaws.com/graphql',
  RealtimeUrl: 'wss://abc123.appsync-realtime-api.eu-west-1.amazonaws.com/graphql',
  Region: 'eu-west-1',
  UserPoolId: 'eu-west-1_AbCdEfGhI',
  WebClientId: '1example23456789web',
  CliClientId: '4example56789012cli',
  IngestBucketName: 'foreman-dev-ingestbucket-1',
  WebUrl: 'https://d111111abcdef8.cloudfront.net',
  LargeFileStateMachineArn: 'arn:aws:states:eu-west-1:123456789012:stateMachine:LargeFileImport',
};

describe('write-env', () => {
  it('writes the variables the clients read, which the CLI parses back to the same values', () => {
    const env = parseDotEnv(renderEnv(outputs));
    // what `foreman ingest` and the typed client read
    expect(env).toMatchObject({ FOREMAN_GRAPHQL_URL: outputs.GraphqlUrl, FOREMAN_REALTIME_URL: outputs.RealtimeUrl, AWS_REGION: 'eu-west-1' });
    // what `foreman login` reads: the pool, the CLI's own client (not the web page's) and the region
    expect(env).toMatchObject({ FOREMAN_USER_POOL_ID: outputs.UserPoolId, FOREMAN_USER_POOL_CLIENT_ID: outputs.CliClientId, FOREMAN_REGION: 'eu-west-1' });
    // and no API key of any kind
    expect(Object.keys(env).filter((k) => k.includes('API_KEY'))).toEqual([]);
    // and the rest of the deployment, for scripts
    expect(env.FOREMAN_INGEST_BUCKET).toBe(outputs.IngestBucketName);
  });

  it('drops the API key lines an earlier deployment wrote', () => {
    const existing = 'FOREMAN_API_KEY=da2-old\nFOREMAN_API_KEY_ID=da2-old\nMY_TOKEN=keep-me\n';
    const env = parseDotEnv(renderEnv(outputs, existing));
    expect(env.FOREMAN_API_KEY).toBeUndefined();
    expect(env.FOREMAN_API_KEY_ID).toBeUndefined();
    expect(env.MY_TOKEN).toBe('keep-me');
  });

  it('refuses outputs without the user pool (a stack from before sign-in existed)', () => {
    const { UserPoolId: _pool, ...old } = outputs;
    expect(() => stackOutputs({ 'Foreman-dev': old })).toThrow(/UserPoolId/);
  });

  it('keeps unrelated lines of an existing .env and replaces its own', () => {
    const existing = 'MY_TOKEN=keep-me\nFOREMAN_GRAPHQL_URL=http://127.0.0.1:4000/graphql\n';
    const env = parseDotEnv(renderEnv(outputs, existing));
    // the user's own variable survives, the old endpoint is replaced (not duplicated)
    expect(env.MY_TOKEN).toBe('keep-me');
    expect(env.FOREMAN_GRAPHQL_URL).toBe(outputs.GraphqlUrl);
    expect(renderEnv(outputs, existing).match(/FOREMAN_GRAPHQL_URL=/g)).toHaveLength(1);
  });

  it('picks the only stack in the outputs file and refuses a file without the API outputs', () => {
    // one stack: no --stack needed
    expect(stackOutputs({ 'Foreman-prod': outputs }).stack).toBe('Foreman-prod');
    // a stack missing the endpoint is refused with a message saying which output
    expect(() => stackOutputs({ Other: { Foo: 'x' } })).toThrow(OutputsError);
    expect(() => stackOutputs({ Other: { Foo: 'x' } })).toThrow(/GraphqlUrl/);
  });

  it('reads cdk.outputs.json and writes .env in the working directory', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'foreman-write-env-'));
    writeFileSync(path.join(dir, 'cdk.outputs.json'), JSON.stringify({ 'Foreman-dev': outputs }));
    // WHEN run with no options
    const message = main([], dir);
    // THEN .env holds the endpoint and the message says so
    expect(parseDotEnv(readFileSync(path.join(dir, '.env'), 'utf8')).FOREMAN_GRAPHQL_URL).toBe(outputs.GraphqlUrl);
    expect(message).toContain('Foreman-dev');
  });
});
