import type { Command } from 'commander';
import { CliError, EXIT } from '../errors';

// Placeholder until the 'serve' command lands; replaced by its owner.
export function register(program: Command): void {
  program
    .command('serve')
    .description('(not built yet)')
    .action(() => {
      throw new CliError('serve is not built yet', EXIT.FAILED);
    });
}
