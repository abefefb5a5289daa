/**
 * `foreman watch INGESTION_ID`: follows any ingestion live — started by another terminal, the web
 * page or the S3 processor — through the `onIngestionProgress` subscription, shows the same bar and
 * summary as `foreman ingest`, and exits with the same codes (0 clean, 1 rows rejected or FAILED).
 */
import type { Command } from 'commander';
import { CliError, EXIT } from '../errors';
import { resolveEndpoint } from '../endpoint';
import { followIngestion } from '../watchRender';

interface WatchFlags {
  endpoint?: string;
  apiKey?: string;
  json?: boolean;
}

export function register(program: Command): void {
  program
    .command('watch')
    .description('Follow an ingestion live (its onIngestionProgress subscription) until it finishes.')
    .argument('<ingestionId>', 'the ingestion to follow (printed by `foreman ingest`, listed by listIngestions)')
    .option('--endpoint <url>', 'GraphQL endpoint (default: FOREMAN_GRAPHQL_URL, .env, or a running `foreman serve`)')
    .option('--api-key <key>', 'API key (default: FOREMAN_API_KEY, .env, or the running `foreman serve`)')
    .option('--json', 'print each progress event as one JSON line instead of the bar and summary')
    .addHelpText('after', '\nExit codes: 0 every row created, 1 rows rejected (duplicate/invalid) or the ingestion FAILED, 2 bad usage.')
    .action(async (ingestionId: string, flags: WatchFlags) => {
      const endpoint = await resolveEndpoint({
        endpoint: flags.endpoint,
        apiKey: flags.apiKey,
        // An embedded stack started just for watching would have nothing to show.
        startStack: () => {
          throw new CliError('no Foreman endpoint to watch: start `foreman serve`, or pass --endpoint and --api-key (or set FOREMAN_GRAPHQL_URL).', EXIT.USAGE);
        },
      });
      const { exitCode } = await followIngestion({
        url: endpoint.url,
        auth: endpoint.auth,
        ingestionId,
        json: flags.json,
      });
      process.exitCode = exitCode;
    });
}
