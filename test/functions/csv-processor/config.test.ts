/**
 * The processor's environment and object keys.
 */
import { describe, expect, it, vi } from 'vitest';
import { loadProcessorConfig, MissingEnvironmentVariableError } from '../../../functions/csv-processor/config';
import { decodeEventKey, failedKey, NotAnUploadError, processedKey } from '../../../functions/csv-processor/keys';

const env = {
  FOREMAN_GRAPHQL_URL: 'https://abc.appsync-api.eu-west-1.amazonaws.com/graphql',
  AWS_REGION: 'eu-west-1',
  FOREMAN_STATE_MACHINE_ARN: 'arn:aws:states:eu-west-1:123456789012:stateMachine:X',
  FOREMAN_LARGE_FILE_BYTES: '52428800',
};

describe('loadProcessorConfig', () => {
  it('reads the endpoint, region, state machine and threshold', () => {
    // the threshold becomes a number of bytes
    expect(loadProcessorConfig(env)).toEqual({ graphqlUrl: env.FOREMAN_GRAPHQL_URL, region: 'eu-west-1', stateMachineArn: env.FOREMAN_STATE_MACHINE_ARN, largeFileBytes: 52428800 });
  });

  it('fails naming the variable that is missing', () => {
    const { FOREMAN_STATE_MACHINE_ARN: _, ...rest } = env;
    // the error names exactly the missing variable
    expect(() => loadProcessorConfig(rest)).toThrow(MissingEnvironmentVariableError);
    expect(() => loadProcessorConfig(rest)).toThrow(/FOREMAN_STATE_MACHINE_ARN/);
  });

  it('makes the handler module fail at load (cold start) without its environment', async () => {
    // GIVEN no Foreman variables in the environment
    vi.stubEnv('FOREMAN_GRAPHQL_URL', '');
    vi.resetModules();
    // WHEN the handler module loads THEN it throws naming the variable
    await expect(import('../../../functions/csv-processor/handler')).rejects.toThrow(/FOREMAN_LARGE_FILE_BYTES|FOREMAN_GRAPHQL_URL/);
    vi.unstubAllEnvs();
  });
});

describe('object keys', () => {
  it('decodes S3 event keys: + is a space, the rest percent-encoded', () => {
    // S3 notifications URL-encode keys with spaces as +
    expect(decodeEventKey('uploads/March+2026/customers%281%29.csv')).toBe('uploads/March 2026/customers(1).csv');
  });

  it('keeps the path under uploads/ when moving', () => {
    // the relative path survives the move
    expect(processedKey('uploads/a/b.csv')).toBe('processed/a/b.csv');
    expect(failedKey('uploads/a/b.csv')).toBe('failed/a/b.csv');
  });

  it('refuses a key outside uploads/', () => {
    // a stray notification cannot make the processor move other objects
    expect(() => processedKey('processed/a.csv')).toThrow(NotAnUploadError);
  });
});
