/**
 * `foreman login`'s session: signs in to a Cognito user pool (AWS's, or the local stack's at
 * `<origin>/cognito/`, which speaks the same protocol) with USER_PASSWORD_AUTH through the AWS SDK,
 * and keeps the tokens in `<config dir>/foreman/session.json` (directory 0700, file 0600). Commands
 * use the ID token and refresh it with REFRESH_TOKEN_AUTH shortly before it expires. Tokens are
 * never printed.
 *
 * Config dir: $FOREMAN_CONFIG_DIR, else $XDG_CONFIG_HOME/foreman, else ~/.config/foreman.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AuthenticationResultType, InitiateAuthCommandInput, InitiateAuthCommandOutput } from '@aws-sdk/client-cognito-identity-provider';
import { CliError, EXIT } from './errors';

/** Where the pool is: ids and region from `npm run deploy`'s .env (FOREMAN_USER_POOL_ID, …). */
export interface PoolConfig {
  userPoolId: string;
  clientId: string;
  region: string;
  /** Another endpoint than AWS's regional one (the local stack's `<origin>/cognito/`). */
  endpoint?: string;
}

export interface StoredSession extends PoolConfig {
  username: string;
  idToken: string;
  refreshToken: string;
  /** Epoch ms at which the ID token expires. */
  expiresAt: number;
}

/** Refresh this long before the ID token expires, so a request never carries a token about to lapse. */
const REFRESH_MARGIN_MS = 5 * 60 * 1000;

export function configDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.FOREMAN_CONFIG_DIR) return env.FOREMAN_CONFIG_DIR;
  return path.join(env.XDG_CONFIG_HOME || path.join(os.homedir(), '.config'), 'foreman');
}

export function sessionFile(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(configDir(env), 'session.json');
}

/**
 * Calls Cognito's InitiateAuth. The SDK client is loaded here, on first use: it is the heaviest
 * module the CLI has, and only `foreman login` and a session refresh need it.
 */
async function initiateAuth(config: Pick<PoolConfig, 'region' | 'endpoint'>, input: InitiateAuthCommandInput): Promise<InitiateAuthCommandOutput> {
  const { CognitoIdentityProviderClient, InitiateAuthCommand } = await import('@aws-sdk/client-cognito-identity-provider');
  // Sign-in needs no AWS credentials: InitiateAuth is an unauthenticated call.
  const cognito = new CognitoIdentityProviderClient({
    region: config.region,
    endpoint: config.endpoint,
    credentials: { accessKeyId: 'unused', secretAccessKey: 'unused' },
    maxAttempts: 2,
  });
  try {
    return await cognito.send(new InitiateAuthCommand(input));
  } finally {
    cognito.destroy();
  }
}

function describeCognitoError(error: unknown, what: string): CliError {
  const name = (error as { name?: string }).name ?? '';
  const message = (error as Error).message;
  if (name === 'NotAuthorizedException') return new CliError(`${what}: ${message}`, EXIT.FAILED);
  if (name === 'UserNotFoundException') return new CliError(`${what}: Incorrect username or password.`, EXIT.FAILED);
  if (name === 'ResourceNotFoundException' || name === 'InvalidParameterException') {
    return new CliError(`${what}: ${message} — check FOREMAN_USER_POOL_ID, FOREMAN_USER_POOL_CLIENT_ID and FOREMAN_REGION (npm run write-env writes them).`, EXIT.USAGE);
  }
  if (name === 'PasswordResetRequiredException') return new CliError(`${what}: the password must be reset first (aws cognito-idp forgot-password, or ask an admin).`, EXIT.FAILED);
  return new CliError(`${what}: ${name ? `${name}: ` : ''}${message}`, EXIT.FAILED);
}

function expiresAtOf(result: AuthenticationResultType, now: number): number {
  return now + (result.ExpiresIn ?? 3600) * 1000;
}

function save(session: StoredSession, env: NodeJS.ProcessEnv): string {
  const dir = configDir(env);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = sessionFile(env);
  writeFileSync(file, `${JSON.stringify(session, null, 2)}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  return file;
}

/** Signs in and stores the session; returns where. Challenges (new password, MFA) are explained, not answered. */
export async function login(config: PoolConfig, username: string, password: string, env: NodeJS.ProcessEnv = process.env, now = Date.now()): Promise<{ file: string; session: StoredSession }> {
  const answer = await initiateAuth(config, { AuthFlow: 'USER_PASSWORD_AUTH', ClientId: config.clientId, AuthParameters: { USERNAME: username, PASSWORD: password } })
    .catch((error: unknown) => {
      throw describeCognitoError(error, `could not sign in as ${username}`);
    });
  if (answer.ChallengeName) {
    throw new CliError(
      `signing in as ${username} needs the ${answer.ChallengeName} step, which foreman login does not answer: complete it once in the web page (or with aws cognito-idp respond-to-auth-challenge) and run foreman login again.`,
      EXIT.FAILED,
    );
  }
  const result = answer.AuthenticationResult;
  if (!result?.IdToken || !result.RefreshToken) throw new CliError(`could not sign in as ${username}: Cognito answered without tokens.`, EXIT.FAILED);
  const session: StoredSession = { ...config, username, idToken: result.IdToken, refreshToken: result.RefreshToken, expiresAt: expiresAtOf(result, now) };
  return { file: save(session, env), session };
}

export function readSession(env: NodeJS.ProcessEnv = process.env): StoredSession | null {
  const file = sessionFile(env);
  if (!existsSync(file)) return null;
  try {
    const value = JSON.parse(readFileSync(file, 'utf8')) as Partial<StoredSession>;
    if (typeof value.idToken !== 'string' || typeof value.refreshToken !== 'string' || typeof value.clientId !== 'string' || typeof value.region !== 'string') return null;
    return value as StoredSession;
  } catch {
    return null;
  }
}

export function logout(env: NodeJS.ProcessEnv = process.env): boolean {
  const file = sessionFile(env);
  if (!existsSync(file)) return false;
  rmSync(file, { force: true });
  return true;
}

/**
 * The ID token of the stored session, refreshed (and stored again) when it expires within five
 * minutes. A refresh Cognito refuses (refresh token expired or revoked) asks for `foreman login`.
 */
export async function sessionIdToken(env: NodeJS.ProcessEnv = process.env, now: () => number = Date.now): Promise<string> {
  const session = readSession(env);
  if (!session) throw new CliError('not signed in: run foreman login.', EXIT.USAGE);
  if (session.expiresAt - REFRESH_MARGIN_MS > now()) return session.idToken;
  const answer = await initiateAuth(session, { AuthFlow: 'REFRESH_TOKEN_AUTH', ClientId: session.clientId, AuthParameters: { REFRESH_TOKEN: session.refreshToken } }).catch((error: unknown) => {
    const name = (error as { name?: string }).name;
    if (name === 'NotAuthorizedException') throw new CliError(`the session of ${session.username} has ended (${(error as Error).message}): run foreman login again.`, EXIT.FAILED);
    throw describeCognitoError(error, `could not refresh the session of ${session.username}`);
  });
  const result = answer.AuthenticationResult;
  if (!result?.IdToken) throw new CliError(`could not refresh the session of ${session.username}: run foreman login again.`, EXIT.FAILED);
  // Cognito returns no new refresh token on REFRESH_TOKEN_AUTH (unless rotation is on): keep ours.
  const next: StoredSession = { ...session, idToken: result.IdToken, refreshToken: result.RefreshToken ?? session.refreshToken, expiresAt: expiresAtOf(result, now()) };
  save(next, env);
  return next.idToken;
}
