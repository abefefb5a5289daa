/**
 * `foreman users`: the local stack's user pool (infra/local/auth/userPool.ts), in its data
 * directory — the same file a running `foreman serve` reads, so a user added here can sign in
 * there at once. (In AWS, users are added with `aws cognito-idp admin-create-user`: README.)
 *
 *   foreman users add NAME [--group G]... [--password P] [--email E] [--data-dir .foreman]
 *   foreman users list [--json] [--data-dir .foreman]
 *   foreman users token NAME [--access] [--data-dir .foreman]
 */
import type { Command } from 'commander';
import path from 'node:path';
import { USER_GROUP_NAMES } from '../../../infra/groups';
import type { LocalUserPool } from '../../../infra/local/auth/userPool';
import { isProcessAlive, readServerRecord } from '../../../infra/local/serverRecord';
import { CliError, EXIT } from '../errors';

interface DirOptions {
  dataDir: string;
}

async function openPool(dataDir: string): Promise<LocalUserPool> {
  const { LocalUserPool } = await import('../../../infra/local/auth/userPool');
  return LocalUserPool.open(path.resolve(dataDir));
}

/** The origin tokens name as issuer: the running `foreman serve`'s, else `foreman serve`'s default. */
export function localOrigin(dataDir: string): string {
  const record = readServerRecord(path.resolve(dataDir));
  if (record?.graphqlUrl && record.pid && isProcessAlive(record.pid)) return new URL(record.graphqlUrl).origin;
  return 'http://127.0.0.1:4000';
}

function cliErrorOf(error: unknown, name: string): unknown {
  const type = (error as { type?: string }).type;
  const message = (error as Error).message;
  if (type === 'UsernameExistsException') return new CliError(`user ${name} exists already (foreman users list shows who).`, EXIT.FAILED);
  if (type === 'InvalidPasswordException') return new CliError(`${message} — use at least 12 characters with lower and upper case letters, digits and symbols, or leave out --password to get one generated.`, EXIT.USAGE);
  if (type === 'ResourceNotFoundException' || type === 'InvalidParameterException') return new CliError(message, EXIT.USAGE);
  return error;
}

export function register(program: Command): void {
  const users = program.command('users').description('Users of the local stack’s user pool (sign-in for the API, the web page and the CLI).');

  users
    .command('add <name>')
    .description(`Add a user; groups: ${USER_GROUP_NAMES.join(', ')}. Without --password one is generated and printed once.`)
    .option('-g, --group <group>', 'a group (repeat for several)', (value: string, previous: string[]) => [...previous, value], [] as string[])
    .option('-p, --password <password>', 'the password (12+ characters: lower, upper, digit, symbol)')
    .option('-e, --email <email>', 'email address (also a sign-in name)')
    .option('--data-dir <dir>', 'the local stack’s data directory', '.foreman')
    .action(async (name: string, options: DirOptions & { group: string[]; password?: string; email?: string }) => {
      const pool = await openPool(options.dataDir);
      try {
        const { user, password } = await pool.addUser({ username: name, password: options.password, groups: options.group, email: options.email ?? null });
        process.stdout.write(`Added ${user.username} (sub ${user.sub}) to ${user.groups.length ? user.groups.join(', ') : 'no group'} in ${options.dataDir}.\n`);
        if (options.password === undefined) process.stdout.write(`Password (shown once): ${password}\n`);
      } catch (error) {
        throw cliErrorOf(error, name);
      }
    });

  users
    .command('list')
    .description('List the users: name, groups, email.')
    .option('--json', 'one JSON array (no password hashes)')
    .option('--data-dir <dir>', 'the local stack’s data directory', '.foreman')
    .action(async (options: DirOptions & { json?: boolean }) => {
      const pool = await openPool(options.dataDir);
      const list = pool.listUsers().map((u) => ({ username: u.username, sub: u.sub, email: u.email, groups: u.groups, createdAt: u.createdAt }));
      if (options.json) {
        process.stdout.write(`${JSON.stringify(list, null, 2)}\n`);
        return;
      }
      const width = Math.max(8, ...list.map((u) => u.username.length));
      process.stdout.write(`${'USERNAME'.padEnd(width)}  ${'GROUPS'.padEnd(20)}  EMAIL\n`);
      for (const u of list) process.stdout.write(`${u.username.padEnd(width)}  ${(u.groups.join(',') || '-').padEnd(20)}  ${u.email ?? '-'}\n`);
    });

  users
    .command('token <name>')
    .description('Print an ID token of the user (for scripts and tests: `Authorization: <token>`), valid one hour.')
    .option('--access', 'print the access token instead (AppSync accepts both)')
    .option('--data-dir <dir>', 'the local stack’s data directory', '.foreman')
    .action(async (name: string, options: DirOptions & { access?: boolean }) => {
      const pool = await openPool(options.dataDir);
      if (!pool.findUser(name)) throw new CliError(`no user ${name} in ${options.dataDir}: add it with \`foreman users add ${name} --group importers\`.`, EXIT.FAILED);
      const tokens = await pool.issueTokens(name, { origin: localOrigin(options.dataDir), clientId: pool.cliClientId });
      process.stdout.write(`${options.access ? tokens.AccessToken : tokens.IdToken}\n`);
    });
}
