/**
 * `foreman serve` (also `npm start`): the embedded local AppSync on this machine — DynamoDB Local,
 * `POST /graphql`, the real-time WebSocket, HTTPS with a generated certificate — until Ctrl-C.
 *
 *   foreman serve [--port 4000] [--tls-port 4443 | --no-tls] [--host 127.0.0.1]
 *                 [--in-memory] [--data-dir .foreman] [--api-key da2-…]
 */
import type { Command } from 'commander';
import type { LocalStack } from '../../../infra/local/contracts';
import { CliError, EXIT } from '../errors';

interface ServeOptions {
  port: string;
  tlsPort: string;
  tls: boolean;
  host: string;
  inMemory?: boolean;
  dataDir: string;
  apiKey?: string;
}

function portNumber(value: string, flag: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new CliError(`${flag} expects a port number between 0 and 65535, got ${value}`, EXIT.USAGE);
  return n;
}

/** The text `foreman serve` prints once the stack is up. */
export function banner(
  stack: Pick<LocalStack, 'graphqlUrl' | 'realtimeUrl' | 'graphqlTlsUrl' | 'realtimeTlsUrl' | 'apiKey' | 'iam'> & { dynamodb: Pick<LocalStack['dynamodb'], 'endpoint'> },
  where: string,
): string {
  const origin = new URL(stack.graphqlUrl).origin;
  const lines = [
    `Foreman local AppSync is up (${where}).`,
    '',
    `  GraphQL        ${stack.graphqlUrl}`,
    ...(stack.graphqlTlsUrl ? [`  GraphQL (TLS)  ${stack.graphqlTlsUrl}   (self-signed certificate)`] : []),
    `  Real-time      ${stack.realtimeUrl}`,
    ...(stack.realtimeTlsUrl ? [`  Real-time TLS  ${stack.realtimeTlsUrl}`] : []),
    `  Web page       ${origin}/app/`,
    `  Console        ${origin}/console`,
    `  API key        ${stack.apiKey}          (header x-api-key)`,
    `  IAM (SigV4)    service appsync, region ${stack.iam.region}`,
    `                 AWS_ACCESS_KEY_ID=${stack.iam.accessKeyId}`,
    `                 AWS_SECRET_ACCESS_KEY=${stack.iam.secretAccessKey}`,
    `  DynamoDB Local ${stack.dynamodb.endpoint}`,
    '',
    'Try it:',
    `  curl -s ${stack.graphqlUrl} -H 'content-type: application/json' -H 'x-api-key: ${stack.apiKey}' \\`,
    `    -d '{"query":"mutation { createCustomer(input: {email: \\"ada@example.com\\", name: \\"Ada\\"}) { id email version } }"}'`,
    '',
    'Press Ctrl-C to stop.',
  ];
  return `${lines.join('\n')}\n`;
}

export function register(program: Command): void {
  program
    .command('serve')
    .description('Run the embedded local AppSync (GraphQL, real-time, API key and IAM auth) over DynamoDB Local until Ctrl-C.')
    .option('--port <port>', 'HTTP port for /graphql and /graphql/realtime (0 picks a free one)', '4000')
    .option('--tls-port <port>', 'HTTPS/WSS port, self-signed certificate (0 picks a free one)', '4443')
    .option('--no-tls', 'serve plain HTTP only')
    .option('--host <host>', 'interface to listen on', '127.0.0.1')
    .option('--in-memory', 'keep DynamoDB Local in memory: nothing persists after Ctrl-C')
    .option('--data-dir <dir>', 'where DynamoDB data, the API key and the certificate live', '.foreman')
    .option('--api-key <key>', 'accept this API key instead of the generated one')
    .action(async (options: ServeOptions) => {
      const port = portNumber(options.port, '--port');
      const tlsPort = options.tls ? portNumber(options.tlsPort, '--tls-port') : null;
      const stackModule = await import('../../../infra/local/stack');
      const started = Date.now();
      process.stderr.write('Starting DynamoDB Local and the local AppSync…\n');
      let stack: Awaited<ReturnType<typeof stackModule.startLocalStack>>;
      try {
        stack = await stackModule.startLocalStack(
          { inMemory: options.inMemory ?? false, dataDir: options.dataDir, host: options.host, port, tlsPort, apiKey: options.apiKey, quiet: true },
          { announce: true, onLog: (line) => process.stderr.write(`[resolver] ${line}\n`) },
        );
      } catch (error) {
        if (
          error instanceof stackModule.JavaMissingError ||
          error instanceof stackModule.PortInUseError ||
          error instanceof stackModule.StackAlreadyRunningError ||
          error instanceof stackModule.WiredCodeError
        ) {
          throw new CliError(error.message, EXIT.FAILED);
        }
        throw error;
      }
      const where = options.inMemory ? 'in memory: data is gone when it stops' : `data in ${options.dataDir}`;
      process.stdout.write(banner(stack, `${where}; started in ${((Date.now() - started) / 1000).toFixed(1)} s`));

      await new Promise<void>((resolve) => {
        let stopping = false;
        const stop = (signal: NodeJS.Signals): void => {
          if (stopping) return;
          stopping = true;
          process.stderr.write(`\n${signal}: stopping…\n`);
          stack
            .stop()
            .catch((error: unknown) => process.stderr.write(`foreman: while stopping: ${error instanceof Error ? error.message : String(error)}\n`))
            .finally(() => {
              process.stderr.write('Stopped.\n');
              resolve();
            });
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
        process.on('SIGHUP', stop);
      });
    });
}
