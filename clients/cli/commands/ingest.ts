import type { Command } from 'commander';
import { CliError, EXIT } from '../errors';

// Placeholder until the 'ingest' command lands; replaced by its owner.
export function register(program: Command): void {
  program
    .command('ingest')
    .description('(not built yet)')
    .action(() => {
      throw new CliError('ingest is not built yet', EXIT.FAILED);
    });
}
