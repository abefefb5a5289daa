/**
 * `foreman login` / `foreman logout`: a Cognito session for the CLI against a deployed stack
 * (clients/cli/session.ts). The pool comes from flags, else the environment or `.env` that
 * `npm run deploy` writes (FOREMAN_USER_POOL_ID, FOREMAN_USER_POOL_CLIENT_ID, FOREMAN_REGION).
 *
 *   foreman login [--username NAME] [--password-stdin] [--user-pool-id ID] [--client-id ID] [--region R] [--cognito-endpoint URL]
 *   foreman logout
 */
import type { Command } from 'commander';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { parseDotEnv } from '../endpoint';
import { CliError, EXIT } from '../errors';
import { login, logout, sessionFile, type PoolConfig } from '../session';

interface LoginFlags {
  username?: string;
  passwordStdin?: boolean;
  userPoolId?: string;
  clientId?: string;
  region?: string;
  cognitoEndpoint?: string;
}

/** The pool to sign in to: flags, then the environment, then `.env` in the working directory. */
export function poolConfig(flags: LoginFlags, env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): PoolConfig {
  const dotEnvPath = path.join(cwd, '.env');
  const dotEnv = existsSync(dotEnvPath) ? parseDotEnv(readFileSync(dotEnvPath, 'utf8')) : {};
  const pick = (flag: string | undefined, ...names: string[]) => flag || names.map((n) => env[n] || dotEnv[n]).find(Boolean);
  const userPoolId = pick(flags.userPoolId, 'FOREMAN_USER_POOL_ID');
  const clientId = pick(flags.clientId, 'FOREMAN_USER_POOL_CLIENT_ID');
  // A pool id starts with its region (us-east-1_AbC…).
  const region = pick(flags.region, 'FOREMAN_REGION', 'AWS_REGION') ?? userPoolId?.split('_')[0];
  const endpoint = pick(flags.cognitoEndpoint, 'FOREMAN_COGNITO_ENDPOINT');
  const missing = [!userPoolId && 'the user pool id (--user-pool-id or FOREMAN_USER_POOL_ID)', !clientId && 'the app client id (--client-id or FOREMAN_USER_POOL_CLIENT_ID)'].filter(Boolean);
  if (missing.length) {
    throw new CliError(`foreman login needs ${missing.join(' and ')}: npm run deploy (or npm run write-env) writes them to .env.`, EXIT.USAGE);
  }
  return { userPoolId: userPoolId!, clientId: clientId!, region: region!, ...(endpoint ? { endpoint } : {}) };
}

async function readStdin(): Promise<string> {
  let text = '';
  for await (const chunk of process.stdin) text += chunk.toString();
  return text.replace(/\r?\n$/, '');
}

/** Asks on the terminal; `secret` echoes nothing. */
async function ask(question: string, secret: boolean): Promise<string> {
  const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
  if (secret) {
    const write = (rl as unknown as { _writeToOutput(s: string): void })._writeToOutput.bind(rl);
    (rl as unknown as { _writeToOutput(s: string): void })._writeToOutput = (s: string) => write(s.startsWith(question) ? question : '');
  }
  try {
    return await new Promise<string>((resolve) => rl.question(question, resolve));
  } finally {
    if (secret) process.stderr.write('\n');
    rl.close();
  }
}

export function register(program: Command): void {
  program
    .command('login')
    .description('Sign in to the deployed stack’s Cognito user pool; later commands use the session (kept in your config directory, refreshed, never printed).')
    .option('--username <name>', 'user name or email (asked when omitted, on a terminal)')
    .option('--password-stdin', 'read the password from standard input (for scripts)')
    .option('--user-pool-id <id>', 'default: FOREMAN_USER_POOL_ID from the environment or .env')
    .option('--client-id <id>', 'the CLI app client; default: FOREMAN_USER_POOL_CLIENT_ID')
    .option('--region <region>', 'default: FOREMAN_REGION, AWS_REGION, or the pool id’s prefix')
    .option('--cognito-endpoint <url>', 'another Cognito endpoint than AWS’s (the local stack’s <origin>/cognito/)')
    .action(async (flags: LoginFlags) => {
      const config = poolConfig(flags);
      const tty = Boolean(process.stdin.isTTY);
      if (!flags.username && !tty) throw new CliError('pass --username NAME (there is no terminal to ask on).', EXIT.USAGE);
      if (!flags.passwordStdin && !tty) throw new CliError('pass --password-stdin and the password on standard input (there is no terminal to ask on).', EXIT.USAGE);
      const username = flags.username ?? (await ask('Username: ', false)).trim();
      const password = flags.passwordStdin ? await readStdin() : await ask('Password: ', true);
      if (!username || !password) throw new CliError('a user name and a password are needed.', EXIT.USAGE);
      const { file } = await login(config, username, password);
      process.stdout.write(`Signed in as ${username} to ${config.userPoolId}. Session saved in ${file} (only you can read it); commands against FOREMAN_GRAPHQL_URL use it until foreman logout.\n`);
    });

  program
    .command('logout')
    .description('Forget the session foreman login saved.')
    .action(() => {
      process.stdout.write(logout() ? `Signed out: ${sessionFile()} removed.\n` : 'Not signed in.\n');
    });
}
