import type { Command } from 'commander';
import { CliError, EXIT } from '../errors';

// Placeholder until the 'models' command lands; replaced by its owner.
export function register(program: Command): void {
  program
    .command('models')
    .description('(not built yet)')
    .action(() => {
      throw new CliError('models is not built yet', EXIT.FAILED);
    });
}
