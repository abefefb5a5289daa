import type { Command } from 'commander';
import { CliError, EXIT } from '../errors';

// Placeholder until the 'evaluate' command lands; replaced by its owner.
export function register(program: Command): void {
  program
    .command('evaluate')
    .description('(not built yet)')
    .action(() => {
      throw new CliError('evaluate is not built yet', EXIT.FAILED);
    });
}
