/**
 * The local stack's user pool: what Cognito is to the API in AWS, in-process (docs/auth.md says
 * why this and not the npm package `cognito-local`).
 *
 * - Users (name, `sub`, email, groups, scrypt password hash) and the pool's RS256 key pair live in
 *   `<dataDir>/cognito/pool.json` (mode 0600), so users and tokens survive restarts; an in-memory
 *   stack keeps them in memory. A file changed by another process (`foreman users add` while
 *   `foreman serve` runs) is read again on the next sign-in.
 * - Tokens carry Cognito's claims (ID: `sub aud token_use=id iss cognito:username cognito:groups
 *   email auth_time iat exp jti origin_jti event_id`; access: `client_id token_use=access scope
 *   username …`), signed with the pool's key (`kid` in the JWKS). The refresh token is opaque, as
 *   Cognito's is (a JWE only this pool can read).
 * - Issuer `<origin>/cognito/<userPoolId>`, JWKS at `<issuer>/.well-known/jwks.json` (BRIEF
 *   contract 2); `handleCognitoRequest` speaks Cognito's JSON protocol at `POST /cognito/`.
 * - A built-in admin (`foreman-admin`, group `admins`) is created with the pool; its password is
 *   in `<dataDir>/cognito/admin.json` (mode 0600). The CLI signs in as it on the local stack.
 */
import { createHash, generateKeyPairSync, randomBytes, randomInt, randomUUID, scrypt as scryptCb, timingSafeEqual } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { compactDecrypt, CompactEncrypt, createLocalJWKSet, importJWK, jwtVerify, SignJWT, type JSONWebKeySet, type JWK, type JWTPayload } from 'jose';
import { isUserGroup, USER_GROUP_NAMES } from '../../groups';

const scrypt = promisify(scryptCb) as (password: string, salt: Buffer, keylen: number, options: { N: number; r: number; p: number }) => Promise<Buffer>;

/** The user the CLI acts as on the local stack. */
export const LOCAL_ADMIN = 'foreman-admin';
/** Cognito's default ID/access token lifetime, and what infra/aws/auth.ts TOKEN_VALIDITY sets. */
export const TOKEN_SECONDS = 3600;
const REFRESH_SECONDS = 30 * 24 * 3600;
const SCRYPT = { N: 16384, r: 8, p: 1 } as const;
/** The region the pool id names (the local stack's region, as LOCAL_IAM). */
const REGION = 'us-east-1';

export interface PoolUser {
  username: string;
  sub: string;
  email: string | null;
  groups: string[];
  /** `scrypt$N$r$p$<salt b64>$<hash b64>` */
  passwordHash: string;
  createdAt: string;
}

interface PoolData {
  userPoolId: string;
  /** App clients as in AWS: one for the web page, one for the CLI. */
  clients: { web: string; cli: string };
  kid: string;
  privateJwk: JWK;
  /** Encrypts refresh tokens (A256GCM, base64url). */
  refreshKey: string;
  users: PoolUser[];
}

export interface AuthenticationResult {
  IdToken: string;
  AccessToken: string;
  RefreshToken?: string;
  ExpiresIn: number;
  TokenType: 'Bearer';
}

/** A refusal in Cognito's terms: `__type` and message, sent with HTTP 400. */
export class CognitoError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
    this.name = type;
  }
}

const notAuthorized = (): CognitoError => new CognitoError('NotAuthorizedException', 'Incorrect username or password.');

/** Cognito's password policy messages (infra/aws/auth.ts: 12 characters, all four classes). */
export function passwordProblem(password: string): string | null {
  if (password.length < 12) return 'Password did not conform with policy: Password not long enough';
  if (!/[a-z]/.test(password)) return 'Password did not conform with policy: Password must have lowercase characters';
  if (!/[A-Z]/.test(password)) return 'Password did not conform with policy: Password must have uppercase characters';
  if (!/[0-9]/.test(password)) return 'Password did not conform with policy: Password must have numeric characters';
  if (!/[\^$*.[\]{}()?"!@#%&/\\,><':;|_~`=+-]/.test(password)) return 'Password did not conform with policy: Password must have symbol characters';
  return null;
}

/** A password that satisfies the policy: 24 characters, every class. */
export function generatePassword(): string {
  const sets = ['abcdefghijkmnopqrstuvwxyz', 'ABCDEFGHJKLMNPQRSTUVWXYZ', '23456789', '!#%+-=_~'];
  const all = sets.join('');
  const chars = sets.map((s) => s[randomInt(s.length)]!);
  while (chars.length < 24) chars.push(all[randomInt(all.length)]!);
  for (let i = chars.length - 1; i > 0; i -= 1) {
    const j = randomInt(i + 1);
    [chars[i], chars[j]] = [chars[j]!, chars[i]!];
  }
  return chars.join('');
}

async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const hash = await scrypt(password, salt, 32, SCRYPT);
  return `scrypt$${SCRYPT.N}$${SCRYPT.r}$${SCRYPT.p}$${salt.toString('base64')}$${hash.toString('base64')}`;
}

async function passwordMatches(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64');
  const actual = await scrypt(password, Buffer.from(salt, 'base64'), expected.length, { N: Number(n), r: Number(r), p: Number(p) });
  return timingSafeEqual(actual, expected);
}

const ID_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';
function randomId(length: number, alphabet = ID_ALPHABET): string {
  let out = '';
  for (let i = 0; i < length; i += 1) out += alphabet[randomInt(alphabet.length)];
  return out;
}

function newPoolData(): PoolData {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const kid = createHash('sha256').update(randomBytes(16)).digest('base64url').slice(0, 43);
  return {
    // Cognito's shapes: `<region>_<9 alphanumerics>`, 26-character client ids.
    userPoolId: `${REGION}_${randomId(9, 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789')}`,
    clients: { web: randomId(26), cli: randomId(26) },
    kid,
    privateJwk: { ...(privateKey.export({ format: 'jwk' }) as JWK), kid, alg: 'RS256', use: 'sig' },
    refreshKey: randomBytes(32).toString('base64url'),
    users: [],
  };
}

function writePrivate(file: string, text: string): void {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, text, { mode: 0o600 });
  chmodSync(tmp, 0o600);
  renameSync(tmp, file);
}

/** The username as Cognito matches it here: case-insensitively (`signInCaseSensitive: false`). */
const sameName = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();

export interface AddUserInput {
  username: string;
  /** Default: a generated one (returned). */
  password?: string;
  groups?: string[];
  email?: string | null;
}

export interface IssueOptions {
  /** The issuer's origin, e.g. `http://127.0.0.1:4000` (the request's origin). */
  origin: string;
  /** Default: the web client. */
  clientId?: string;
  /** Seconds since the epoch; default now. For tests of expiry. */
  now?: number;
}

/** The user pool of one local stack (one data directory). */
export class LocalUserPool {
  private data: PoolData;
  private mtimeMs = 0;
  private signingKey: ReturnType<typeof importJWK> | null = null;
  private readonly file: string | null;

  private constructor(
    readonly dir: string | null,
    data: PoolData,
  ) {
    this.data = data;
    this.file = dir ? path.join(dir, 'pool.json') : null;
  }

  /**
   * The pool of `dataDir` (`<dataDir>/cognito/`), created with its built-in admin on first use;
   * `null`: a pool in memory.
   */
  static async open(dataDir: string | null): Promise<LocalUserPool> {
    if (dataDir === null) {
      const pool = new LocalUserPool(null, newPoolData());
      await pool.ensureAdmin();
      return pool;
    }
    const dir = path.join(path.resolve(dataDir), 'cognito');
    const file = path.join(dir, 'pool.json');
    if (existsSync(file)) {
      const pool = new LocalUserPool(dir, JSON.parse(readFileSync(file, 'utf8')) as PoolData);
      pool.mtimeMs = statSync(file).mtimeMs;
      await pool.ensureAdmin();
      return pool;
    }
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const pool = new LocalUserPool(dir, newPoolData());
    pool.save();
    await pool.ensureAdmin();
    return pool;
  }

  /** Does `dataDir` hold a pool already (so `foreman users` does not create one by accident)? */
  static exists(dataDir: string): boolean {
    return existsSync(path.join(path.resolve(dataDir), 'cognito', 'pool.json'));
  }

  get userPoolId(): string {
    return this.data.userPoolId;
  }
  get webClientId(): string {
    return this.data.clients.web;
  }
  get cliClientId(): string {
    return this.data.clients.cli;
  }
  get clientIds(): string[] {
    return [this.data.clients.web, this.data.clients.cli];
  }

  issuer(origin: string): string {
    return `${origin.replace(/\/+$/, '')}/cognito/${this.data.userPoolId}`;
  }

  /**
   * Is `iss` this pool's issuer? Its path must name this pool exactly; its origin is the one the
   * token was issued on (a stack serves http and https, `localhost` and `127.0.0.1`, a port
   * that may change between runs), and only this pool's private key can sign it.
   */
  isOwnIssuer(iss: unknown): boolean {
    if (typeof iss !== 'string') return false;
    const m = /^https?:\/\/[^/?#@\s]+\/cognito\/([^/?#]+)$/.exec(iss);
    return m?.[1] === this.data.userPoolId;
  }

  /** The public half of the pool's key, as Cognito publishes it. */
  jwks(): JSONWebKeySet {
    const { kty, n, e, kid } = this.data.privateJwk;
    return { keys: [{ kty: kty!, n: n!, e: e!, kid: kid!, alg: 'RS256', use: 'sig' }] };
  }

  /** Reads the file again when another process changed it. */
  private refresh(): void {
    if (!this.file || !existsSync(this.file)) return;
    const mtime = statSync(this.file).mtimeMs;
    if (mtime === this.mtimeMs) return;
    this.data = JSON.parse(readFileSync(this.file, 'utf8')) as PoolData;
    this.mtimeMs = mtime;
  }

  private save(): void {
    if (!this.file) return;
    writePrivate(this.file, `${JSON.stringify(this.data, null, 2)}\n`);
    this.mtimeMs = statSync(this.file).mtimeMs;
  }

  private async ensureAdmin(): Promise<void> {
    if (this.findUser(LOCAL_ADMIN)) return;
    const password = generatePassword();
    await this.addUser({ username: LOCAL_ADMIN, password, groups: ['admins'], email: null });
    if (this.dir) writePrivate(path.join(this.dir, 'admin.json'), `${JSON.stringify({ username: LOCAL_ADMIN, password }, null, 2)}\n`);
  }

  /** Where the built-in admin's password is (null in memory). */
  adminCredentialsFile(): string | null {
    return this.dir ? path.join(this.dir, 'admin.json') : null;
  }

  findUser(name: string): PoolUser | undefined {
    this.refresh();
    return this.data.users.find((u) => sameName(u.username, name) || (u.email !== null && sameName(u.email, name)));
  }

  listUsers(): PoolUser[] {
    this.refresh();
    return this.data.users.map((u) => ({ ...u, groups: [...u.groups] }));
  }

  /**
   * Adds a user (Cognito's AdminCreateUser + AdminSetUserPassword + AdminAddUserToGroup).
   * @throws CognitoError UsernameExistsException, InvalidPasswordException, InvalidParameterException, ResourceNotFoundException (unknown group)
   */
  async addUser(input: AddUserInput): Promise<{ user: PoolUser; password: string }> {
    const username = input.username;
    if (!/^[\p{L}\p{M}\p{S}\p{N}\p{P}]{1,128}$/u.test(username)) {
      throw new CognitoError('InvalidParameterException', `1 validation error detected: Value '${username}' at 'username' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\p{L}\\p{M}\\p{S}\\p{N}\\p{P}]+`);
    }
    const email = input.email ?? null;
    if (email !== null && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email)) throw new CognitoError('InvalidParameterException', 'Invalid email address format.');
    const groups = [...new Set(input.groups ?? [])];
    const unknown = groups.find((g) => !isUserGroup(g));
    if (unknown !== undefined) throw new CognitoError('ResourceNotFoundException', `Group not found: ${unknown} (the groups are ${USER_GROUP_NAMES.join(', ')}).`);
    const password = input.password ?? generatePassword();
    const problem = passwordProblem(password);
    if (problem) throw new CognitoError('InvalidPasswordException', problem);
    const passwordHash = await hashPassword(password);
    this.refresh();
    if (this.findUser(username) || (email !== null && this.findUser(email))) throw new CognitoError('UsernameExistsException', 'User account already exists');
    const user: PoolUser = { username, sub: randomUUID(), email, groups, passwordHash, createdAt: new Date().toISOString() };
    this.data.users.push(user);
    this.save();
    return { user: { ...user, groups: [...groups] }, password };
  }

  private key(): ReturnType<typeof importJWK> {
    const key = this.signingKey ?? importJWK(this.data.privateJwk, 'RS256');
    this.signingKey = key;
    return key;
  }

  private clientOrThrow(clientId: unknown): string {
    if (typeof clientId !== 'string' || !this.clientIds.includes(clientId)) {
      throw new CognitoError('ResourceNotFoundException', `User pool client ${String(clientId)} does not exist.`);
    }
    return clientId;
  }

  /**
   * ID, access and refresh tokens for `username`, as a successful InitiateAuth returns them. No
   * password: for the CLI's built-in admin and for tests (`stack.tokenFor`).
   */
  async issueTokens(username: string, options: IssueOptions): Promise<Required<AuthenticationResult>> {
    const user = this.findUser(username);
    if (!user) throw new CognitoError('UserNotFoundException', 'User does not exist.');
    const clientId = this.clientOrThrow(options.clientId ?? this.webClientId);
    const authTime = options.now ?? Math.floor(Date.now() / 1000);
    const originJti = randomUUID();
    const tokens = await this.mint(user, clientId, options.origin, authTime, originJti, options.now);
    const refresh = await new CompactEncrypt(
      new TextEncoder().encode(JSON.stringify({ sub: user.sub, client_id: clientId, origin_jti: originJti, auth_time: authTime, exp: (options.now ?? Math.floor(Date.now() / 1000)) + REFRESH_SECONDS })),
    )
      .setProtectedHeader({ alg: 'dir', enc: 'A256GCM', cty: 'JWT' })
      .encrypt(Buffer.from(this.data.refreshKey, 'base64url'));
    return { ...tokens, RefreshToken: refresh };
  }

  private async mint(user: PoolUser, clientId: string, origin: string, authTime: number, originJti: string, now?: number): Promise<AuthenticationResult> {
    const iat = now ?? Math.floor(Date.now() / 1000);
    const exp = iat + TOKEN_SECONDS;
    const iss = this.issuer(origin);
    const eventId = randomUUID();
    const groups = user.groups.length ? { 'cognito:groups': [...user.groups] } : {};
    const header = { alg: 'RS256', kid: this.data.kid };
    const key = await this.key();
    const idClaims: JWTPayload = {
      sub: user.sub,
      ...groups,
      ...(user.email !== null ? { email_verified: true } : {}),
      iss,
      'cognito:username': user.username,
      origin_jti: originJti,
      aud: clientId,
      event_id: eventId,
      token_use: 'id',
      auth_time: authTime,
      exp,
      iat,
      jti: randomUUID(),
      ...(user.email !== null ? { email: user.email } : {}),
    };
    const accessClaims: JWTPayload = {
      sub: user.sub,
      ...groups,
      iss,
      client_id: clientId,
      origin_jti: originJti,
      event_id: eventId,
      token_use: 'access',
      scope: 'aws.cognito.signin.user.admin',
      auth_time: authTime,
      exp,
      iat,
      jti: randomUUID(),
      username: user.username,
    };
    const [IdToken, AccessToken] = await Promise.all([new SignJWT(idClaims).setProtectedHeader(header).sign(key), new SignJWT(accessClaims).setProtectedHeader(header).sign(key)]);
    return { IdToken, AccessToken, ExpiresIn: TOKEN_SECONDS, TokenType: 'Bearer' };
  }

  /** USER_PASSWORD_AUTH. @throws CognitoError NotAuthorizedException (unknown user too: `preventUserExistenceErrors`) */
  async signIn(username: unknown, password: unknown, clientId: unknown, origin: string): Promise<Required<AuthenticationResult>> {
    const client = this.clientOrThrow(clientId);
    if (typeof username !== 'string' || typeof password !== 'string') throw new CognitoError('InvalidParameterException', 'Missing required parameter USERNAME');
    const user = this.findUser(username);
    // Hash anyway, so an unknown name takes as long as a wrong password.
    const ok = await passwordMatches(password, user?.passwordHash ?? `scrypt$${SCRYPT.N}$${SCRYPT.r}$${SCRYPT.p}$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=`);
    if (!user || !ok) throw notAuthorized();
    return this.issueTokens(user.username, { origin, clientId: client });
  }

  /** REFRESH_TOKEN_AUTH: new ID and access tokens, no new refresh token (as Cognito). */
  async refreshTokens(refreshToken: unknown, clientId: unknown, origin: string): Promise<AuthenticationResult> {
    const client = this.clientOrThrow(clientId);
    const invalid = new CognitoError('NotAuthorizedException', 'Invalid Refresh Token');
    if (typeof refreshToken !== 'string') throw invalid;
    let claims: { sub?: unknown; client_id?: unknown; origin_jti?: unknown; auth_time?: unknown; exp?: unknown };
    try {
      const { plaintext } = await compactDecrypt(refreshToken, Buffer.from(this.data.refreshKey, 'base64url'));
      claims = JSON.parse(new TextDecoder().decode(plaintext)) as typeof claims;
    } catch {
      throw invalid;
    }
    if (claims.client_id !== client || typeof claims.exp !== 'number' || claims.exp <= Date.now() / 1000) throw invalid;
    this.refresh();
    const user = this.data.users.find((u) => u.sub === claims.sub);
    if (!user) throw new CognitoError('NotAuthorizedException', 'Refresh Token has been revoked');
    return this.mint(user, client, origin, Number(claims.auth_time), String(claims.origin_jti));
  }

  /**
   * Verifies a token the way AppSync's user pools mode does: RS256 signature by this pool's key,
   * not expired, this pool's issuer, `token_use` id (audience = one of the pool's clients) or
   * access (`client_id` = one of them). Returns the claims, or null for any failure.
   */
  async verify(token: string, now?: number): Promise<JWTPayload | null> {
    try {
      const { payload } = await jwtVerify(token, createLocalJWKSet(this.jwks()), { algorithms: ['RS256'], currentDate: now === undefined ? undefined : new Date(now) });
      if (!this.isOwnIssuer(payload.iss)) return null;
      if (typeof payload.exp !== 'number' || typeof payload.sub !== 'string') return null;
      if (payload.token_use === 'id') return typeof payload.aud === 'string' && this.clientIds.includes(payload.aud) ? payload : null;
      if (payload.token_use === 'access') return typeof payload.client_id === 'string' && this.clientIds.includes(payload.client_id) ? payload : null;
      return null;
    } catch {
      return null;
    }
  }
}
