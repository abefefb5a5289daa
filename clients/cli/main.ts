/**
 * The `foreman` CLI entry point: it only dispatches. Each command lives in `commands/<name>.ts`
 * and exports `register(program)`. Any error that escapes a command becomes one readable line
 * and an exit code (see `exitCodes`).
 */
import { Command, CommanderError } from 'commander';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../../infra/root';
import { EXIT, CliError, oldFlagHint } from './errors';

const pkg = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { version: string };

const program = new Command('foreman')
  .description('Foreman: CSV in, validated and deduplicated GraphQL writes out, live progress. Runs on AWS AppSync or an embedded local AppSync.')
  .version(pkg.version)
  .showHelpAfterError('(run with --help for usage)')
  .addHelpText('after', '\nExit codes: 0 ok · 1 rows rejected or the command failed · 2 bad usage or an unusable file · 3 the same file was ingested before.')
  // Inherited by every command: flags of the old CLI get a pointer to what replaced them.
  .configureOutput({ outputError: (text, write) => write(`${text}${oldFlagHint(text, process.argv.slice(2)) ?? ''}`) })
  .exitOverride();

const commands = ['serve', 'evaluate', 'ingest', 'ingestions', 'mappings', 'models', 'watch', 'users', 'login'] as const;
for (const name of commands) {
  const mod = (await import(`./commands/${name}.ts`)) as { register(program: Command): void };
  mod.register(program);
}

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    // Help and --version exit 0; usage errors exit 2 (commander already printed the message).
    process.exitCode = error.exitCode === 0 ? 0 : EXIT.USAGE;
  } else if (error instanceof CliError) {
    process.stderr.write(`foreman: ${error.message}\n`);
    process.exitCode = error.exitCode;
  } else {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`foreman: ${message}\n`);
    process.exitCode = EXIT.FAILED;
  }
}
