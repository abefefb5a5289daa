import type { Command } from 'commander';
import { CliError, EXIT } from '../errors';

// Placeholder until the 'watch' command lands; replaced by its owner.
export function register(program: Command): void {
  program
    .command('watch')
    .description('(not built yet)')
    .action(() => {
      throw new CliError('watch is not built yet', EXIT.FAILED);
    });
}
