/**
 * The processor's environment, read once at module load; a missing variable fails the cold start
 * with its name, not the first upload with an undefined endpoint.
 */
export class MissingEnvironmentVariableError extends Error {
  override name = 'MissingEnvironmentVariableError';
  constructor(readonly variable: string) {
    super(`Environment variable ${variable} is not set; the CDK stack (infra/aws/stack.ts) sets it.`);
  }
}

export function requireEnv(env: NodeJS.ProcessEnv, name: string): string {
  const value = env[name];
  if (value === undefined || value === '') throw new MissingEnvironmentVariableError(name);
  return value;
}

export interface ProcessorConfig {
  graphqlUrl: string;
  region: string;
  stateMachineArn: string;
  largeFileBytes: number;
}

export function loadProcessorConfig(env: NodeJS.ProcessEnv): ProcessorConfig {
  const largeFileBytes = Number(requireEnv(env, 'FOREMAN_LARGE_FILE_BYTES'));
  if (!Number.isFinite(largeFileBytes) || largeFileBytes <= 0) throw new RangeError(`FOREMAN_LARGE_FILE_BYTES must be a positive number of bytes`);
  return {
    graphqlUrl: requireEnv(env, 'FOREMAN_GRAPHQL_URL'),
    // Lambda sets AWS_REGION in every function's environment.
    region: requireEnv(env, 'AWS_REGION'),
    stateMachineArn: requireEnv(env, 'FOREMAN_STATE_MACHINE_ARN'),
    largeFileBytes,
  };
}
