/**
 * `foreman serve` (also `npm start`): the embedded local AppSync on this machine — DynamoDB Local,
 * `POST /graphql`, the real-time WebSocket, HTTPS with a generated certificate — until Ctrl-C.
 *
 *   foreman serve [--port 4000] [--tls-port 4443 | --no-tls] [--host 127.0.0.1]
 *                 [--in-memory] [--data-dir .foreman] [--api-key da2-…] [--api <dir|appsync.json>]
 *
 * With `--api`, any APPSYNC_JS API described by a config file (docs/local-appsync.md) instead of
 * Foreman's own. If DynamoDB Local dies and cannot be restarted, it stops with exit code 1.
 */
import type { Command } from 'commander';
import path from 'node:path';
import type { LocalAppSync, LocalStack } from '../../../infra/local/contracts';
import { CliError, EXIT } from '../errors';

interface ServeOptions {
  port: string;
  tlsPort: string;
  tls: boolean;
  host: string;
  inMemory?: boolean;
  dataDir?: string;
  apiKey?: string;
  api?: string;
  s3Port?: string;
}

function portNumber(value: string, flag: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new CliError(`${flag} expects a port number between 0 and 65535, got ${value}`, EXIT.USAGE);
  return n;
}

/** The text `foreman serve` prints once the stack is up (`api`: the config file of another API than Foreman's). */
export function banner(
  stack: Pick<LocalStack, 'graphqlUrl' | 'realtimeUrl' | 'graphqlTlsUrl' | 'realtimeTlsUrl' | 'apiKey' | 'iam'> & { dynamodb: Pick<LocalStack['dynamodb'], 'endpoint'> },
  where: string,
  api?: string,
): string {
  const origin = new URL(stack.graphqlUrl).origin;
  if (api) {
    return `${[
      `Local AppSync is up for ${api} (${where}).`,
      '',
      `  GraphQL        ${stack.graphqlUrl}`,
      ...(stack.graphqlTlsUrl ? [`  GraphQL (TLS)  ${stack.graphqlTlsUrl}   (self-signed certificate)`] : []),
      `  Real-time      ${stack.realtimeUrl}`,
      ...(stack.realtimeTlsUrl ? [`  Real-time TLS  ${stack.realtimeTlsUrl}`] : []),
      ...(stack.apiKey ? [`  API key        ${stack.apiKey}          (header x-api-key)`] : []),
      ...(stack.iam.accessKeyId
        ? [`  IAM (SigV4)    service appsync, region ${stack.iam.region}`, `                 AWS_ACCESS_KEY_ID=${stack.iam.accessKeyId}`, `                 AWS_SECRET_ACCESS_KEY=${stack.iam.secretAccessKey}`]
        : []),
      `  DynamoDB Local ${stack.dynamodb.endpoint}`,
      '',
      'Try it:',
      `  curl -s ${stack.graphqlUrl} -H 'content-type: application/json' -H 'x-api-key: ${stack.apiKey}' -d '{"query":"{ __typename }"}'`,
      '',
      'Press Ctrl-C to stop.',
    ].join('\n')}\n`;
  }
  const lines = [
    `Foreman local AppSync is up (${where}).`,
    '',
    `  GraphQL        ${stack.graphqlUrl}`,
    ...(stack.graphqlTlsUrl ? [`  GraphQL (TLS)  ${stack.graphqlTlsUrl}   (self-signed certificate)`] : []),
    `  Real-time      ${stack.realtimeUrl}`,
    ...(stack.realtimeTlsUrl ? [`  Real-time TLS  ${stack.realtimeTlsUrl}`] : []),
    `  Web page       ${origin}/app/`,
    `  Console        ${origin}/console`,
    // People sign in to the stack's user pool (docs/auth.md); an API key only when --api-key asks.
    `  User pool      ${origin}/cognito/   (npx foreman users add NAME --group importers; users list; users token NAME)`,
    ...(stack.apiKey ? [`  API key        ${stack.apiKey}          (header x-api-key; no field of Foreman's schema admits it)`] : []),
    `  IAM (SigV4)    service appsync, region ${stack.iam.region}`,
    `                 AWS_ACCESS_KEY_ID=${stack.iam.accessKeyId}`,
    `                 AWS_SECRET_ACCESS_KEY=${stack.iam.secretAccessKey}`,
    `  DynamoDB Local ${stack.dynamodb.endpoint}`,
    '',
    'Try it:',
    `  curl -s ${stack.graphqlUrl} -H 'content-type: application/json' -H "authorization: $(npx foreman users token foreman-admin)" \\`,
    `    -d '{"query":"mutation { createCustomer(input: {email: \\"ada@example.com\\", name: \\"Ada\\"}) { id email version } }"}'`,
    '',
    'Press Ctrl-C to stop.',
  ];
  return `${lines.join('\n')}\n`;
}

export function register(program: Command): void {
  program
    .command('serve')
    .description('Run the embedded local AppSync (GraphQL, real-time, its user pool and IAM auth) over DynamoDB Local until Ctrl-C.')
    .option('--port <port>', 'HTTP port for /graphql and /graphql/realtime (0 picks a free one)', '4000')
    .option('--tls-port <port>', 'HTTPS/WSS port, self-signed certificate (0 picks a free one)', '4443')
    .option('--no-tls', 'serve plain HTTP only')
    .option('--host <host>', 'interface to listen on', '127.0.0.1')
    .option('--in-memory', 'keep DynamoDB Local in memory: nothing persists after Ctrl-C')
    .option('--data-dir <dir>', 'where DynamoDB data, the API key and the certificate live (default .foreman; with --api, .appsync-local next to the config)')
    .option('--api-key <key>', 'accept this API key instead of the generated one')
    .option('--s3-port <port>', 'port of the local S3 endpoint whose uploads/ run the processor (default 4569; 0 picks a free one, the default with --port 0)')
    .option('--api <dir|file>', 'serve another APPSYNC_JS API from its config file (a folder holding appsync.json, or the file; see docs/local-appsync.md)')
    .action(async (options: ServeOptions) => {
      const port = portNumber(options.port, '--port');
      const tlsPort = options.tls ? portNumber(options.tlsPort, '--tls-port') : null;
      const started = Date.now();
      const onLog = (line: string): void => void process.stderr.write(`[resolver] ${line}\n`);
      let stack: LocalAppSync;
      let dataDir: string;
      let api: string | undefined;
      if (options.api) {
        const { loadApiConfig, ApiConfigError } = await import('../../../infra/local/config');
        let config: ReturnType<typeof loadApiConfig>;
        try {
          config = loadApiConfig(options.api);
        } catch (error) {
          if (error instanceof ApiConfigError) throw new CliError(error.message, EXIT.USAGE);
          throw error;
        }
        api = config.file;
        dataDir = options.dataDir ?? path.join(config.root, '.appsync-local');
        const appsync = await import('../../../infra/local/appsync');
        process.stderr.write(`Starting DynamoDB Local and the local AppSync for ${config.file}…\n`);
        stack = await startOrExplain(() =>
          appsync.startLocalAppSync({
            schema: config.sdl,
            wiring: config.wiring,
            root: config.root,
            dataDir,
            inMemory: options.inMemory ?? false,
            auth: { apiKey: options.apiKey ?? config.auth.apiKey, iam: config.auth.iam ? undefined : false, defaultMode: config.auth.defaultMode, additionalModes: config.auth.additionalModes },
            env: config.env,
            host: options.host,
            port,
            tlsPort,
            announce: true,
            onLog,
            quiet: true,
          }),
        );
      } else {
        dataDir = options.dataDir ?? '.foreman';
        const stackModule = await import('../../../infra/local/stack');
        process.stderr.write('Starting DynamoDB Local and the local AppSync…\n');
        stack = await startOrExplain(() =>
          stackModule.startLocalStack(
            { inMemory: options.inMemory ?? false, dataDir, host: options.host, port, tlsPort, apiKey: options.apiKey, quiet: true },
            { announce: true, onLog },
          ),
        );
        // The S3 route (docs/upload.md): uploads/ of the local bucket run the S3 processor; the page's
        // "Upload and import" PUTs there (createUpload).
        const { startS3Route } = await import('../../../infra/local/s3/route');
        const s3Port = portNumber(options.s3Port ?? (port === 0 ? '0' : '4569'), '--s3-port');
        let route: Awaited<ReturnType<typeof startS3Route>>;
        try {
          route = await startS3Route({ graphqlUrl: stack.graphqlUrl, iam: stack.iam, host: options.host, port: s3Port, onLog: (line) => void process.stderr.write(`[s3] ${line}\n`) });
        } catch (error) {
          await stack.stop().catch(() => undefined);
          if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
            throw new CliError(`Port ${s3Port} on ${options.host} (the local S3 endpoint) is already in use. Stop what uses it, or pass --s3-port with another port (0 picks a free one).`, EXIT.FAILED);
          }
          throw error;
        }
        process.stderr.write(`S3 (local)     ${route.endpoint}  bucket ${route.bucket}: files put under uploads/ are ingested (aws s3 cp FILE s3://${route.bucket}/uploads/ --endpoint-url ${route.endpoint})\n`);
        const stopStack = stack.stop.bind(stack);
        stack.stop = async () => {
          await route.close();
          await stopStack();
        };
      }
      const where = options.inMemory ? 'in memory: data is gone when it stops' : `data in ${dataDir}`;
      process.stdout.write(banner(stack, `${where}; started in ${((Date.now() - started) / 1000).toFixed(1)} s`, api));

      const failure = await new Promise<Error | null>((resolve) => {
        let stopping = false;
        // DynamoDB Local died and could not be restarted: stop serving errors, say so, exit 1.
        void stack.failed.then((error) => {
          if (stopping) return;
          stopping = true;
          stack
            .stop()
            .catch(() => undefined)
            .finally(() => resolve(error));
        });
        const stop = (signal: NodeJS.Signals): void => {
          if (stopping) return;
          stopping = true;
          process.stderr.write(`\n${signal}: stopping…\n`);
          stack
            .stop()
            .catch((error: unknown) => process.stderr.write(`foreman: while stopping: ${error instanceof Error ? error.message : String(error)}\n`))
            .finally(() => {
              process.stderr.write('Stopped.\n');
              resolve(null);
            });
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
        process.on('SIGHUP', stop);
      });
      if (failure) throw new CliError(`${failure.message}. The local AppSync has stopped: check Java and free disk space under ${dataDir}, then run foreman serve again.`, EXIT.FAILED);
    });
}

/** Starts a stack, turning the start-up failures users can act on into one-line CLI errors. */
async function startOrExplain(start: () => Promise<LocalAppSync>): Promise<LocalAppSync> {
  const [{ JavaMissingError, PortInUseError }, { StackAlreadyRunningError }, { WiredCodeError }] = await Promise.all([
    import('../../../infra/local/dynamodb/local'),
    import('../../../infra/local/appsync'),
    import('../../../infra/local/graphql/executor'),
  ]);
  try {
    return await start();
  } catch (error) {
    if (error instanceof JavaMissingError || error instanceof PortInUseError || error instanceof StackAlreadyRunningError || error instanceof WiredCodeError) {
      throw new CliError(error.message, EXIT.FAILED);
    }
    throw error;
  }
}
