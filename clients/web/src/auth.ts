/**
 * Signing in to the Cognito user pool from the page, without Amplify: Cognito's own JSON protocol
 * (`InitiateAuth` with `USER_PASSWORD_AUTH`, then `REFRESH_TOKEN_AUTH`) over `fetch`. The same code
 * signs in against AWS (`https://cognito-idp.<region>.amazonaws.com/`) and against the local stack's
 * user pool (`config.json`'s `cognitoEndpoint`, docs/auth.md), which speaks the same protocol.
 *
 * Tokens live in `sessionStorage` (this tab only, gone when it closes; never `localStorage`), and
 * the ID token is refreshed shortly before it expires. The page sends the ID token as AppSync's
 * `Authorization` header, on requests and on the real-time subscription.
 */

/** How long before expiry a token is refreshed (requests and subscriptions never carry a token about to lapse). */
export const REFRESH_MARGIN_MS = 5 * 60_000;

/** Cognito's answer to a successful InitiateAuth. */
interface AuthenticationResult {
  IdToken?: string;
  AccessToken?: string;
  RefreshToken?: string;
  ExpiresIn?: number;
}

/** A refusal from Cognito (`__type` and `message`), or a sign-in the page cannot complete. */
export class SignInError extends Error {
  override name = 'SignInError';
  constructor(
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

/** The signed-in user, from the ID token's claims. */
export interface Identity {
  username: string;
  groups: string[];
  sub: string;
  /** When the ID token expires (ms since the epoch). */
  expiresAt: number;
}

interface StoredTokens {
  idToken: string;
  refreshToken: string;
  /** ms since the epoch */
  expiresAt: number;
}

/** Cognito's endpoint for `region`, or the one config.json names (the local stack's). */
export function cognitoEndpoint(config: { region: string | null; cognitoEndpoint?: string | null }): string {
  if (config.cognitoEndpoint) return config.cognitoEndpoint;
  if (!config.region) throw new SignInError('ConfigError', 'config.json names neither cognitoEndpoint nor region: the page cannot tell where to sign in.');
  return `https://cognito-idp.${config.region}.amazonaws.com/`;
}

/** The claims of a JWT (not verified: the API verifies the token; the page only reads who it is for). */
export function jwtClaims(token: string): Record<string, unknown> {
  const part = token.split('.')[1];
  if (!part) throw new SignInError('InvalidToken', 'The token Cognito returned is not a JWT.');
  const base64 = part.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(part.length / 4) * 4, '=');
  const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
  return JSON.parse(new TextDecoder().decode(bytes)) as Record<string, unknown>;
}

/** Who an ID token is for: `cognito:username`, `cognito:groups` (absent = none), `sub`, `exp`. */
export function identityOf(idToken: string): Identity {
  const c = jwtClaims(idToken);
  const groups = Array.isArray(c['cognito:groups']) ? c['cognito:groups'].filter((g): g is string => typeof g === 'string') : [];
  return {
    username: typeof c['cognito:username'] === 'string' ? c['cognito:username'] : String(c.sub ?? ''),
    groups,
    sub: String(c.sub ?? ''),
    expiresAt: typeof c.exp === 'number' ? c.exp * 1000 : 0,
  };
}

export interface AuthSessionOptions {
  endpoint: string;
  clientId: string;
  /** Default: the browser's sessionStorage. */
  storage?: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;
  fetch?: typeof fetch;
  now?: () => number;
}

/** The page's sign-in state for one app client. */
export class AuthSession {
  private readonly key: string;
  private readonly storage: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;
  private readonly doFetch: typeof fetch;
  private readonly now: () => number;
  private refreshing: Promise<StoredTokens> | null = null;

  constructor(private readonly options: AuthSessionOptions) {
    this.key = `foreman.session.${options.clientId}`;
    this.storage = options.storage ?? sessionStorage;
    this.doFetch = options.fetch ?? ((input, init) => fetch(input, init));
    this.now = options.now ?? Date.now;
  }

  /** The signed-in user, or null. */
  current(): Identity | null {
    const t = this.load();
    return t ? identityOf(t.idToken) : null;
  }

  /** Signs in with a username (or email alias) and password; throws SignInError with Cognito's message. */
  async signIn(username: string, password: string): Promise<Identity> {
    const result = await this.initiateAuth('USER_PASSWORD_AUTH', { USERNAME: username, PASSWORD: password });
    if (!result.RefreshToken) throw new SignInError('InvalidResponse', 'Cognito returned no refresh token.');
    const tokens = this.tokensFrom(result, result.RefreshToken);
    this.save(tokens);
    return identityOf(tokens.idToken);
  }

  /**
   * The ID token for a request or a subscription: refreshed with REFRESH_TOKEN_AUTH when it
   * expires within REFRESH_MARGIN_MS. Throws SignInError when signed out or the refresh is refused
   * (the refresh token expired or was revoked); the session is then cleared.
   */
  async idToken(): Promise<string> {
    const t = this.load();
    if (!t) throw new SignInError('NotSignedIn', 'You are signed out. Sign in again to continue.');
    if (t.expiresAt - this.now() > REFRESH_MARGIN_MS) return t.idToken;
    return (await this.refresh()).idToken;
  }

  /** Refreshes the tokens now (one refresh at a time, however many requests ask). */
  refresh(): Promise<StoredTokens> {
    this.refreshing ??= (async () => {
      const t = this.load();
      if (!t) throw new SignInError('NotSignedIn', 'You are signed out. Sign in again to continue.');
      try {
        // Cognito answers REFRESH_TOKEN_AUTH with new ID and access tokens and no new refresh token.
        const result = await this.initiateAuth('REFRESH_TOKEN_AUTH', { REFRESH_TOKEN: t.refreshToken });
        const tokens = this.tokensFrom(result, result.RefreshToken ?? t.refreshToken);
        this.save(tokens);
        return tokens;
      } catch (error) {
        if (error instanceof SignInError && error.type === 'NotAuthorizedException') this.signOut();
        throw error;
      }
    })().finally(() => (this.refreshing = null));
    return this.refreshing;
  }

  /** When the ID token should be refreshed (ms from now), or null when signed out. */
  msUntilRefresh(): number | null {
    const t = this.load();
    return t ? Math.max(0, t.expiresAt - REFRESH_MARGIN_MS - this.now()) : null;
  }

  /** Forgets the tokens (this tab's sessionStorage). */
  signOut(): void {
    this.storage.removeItem(this.key);
  }

  private tokensFrom(result: AuthenticationResult, refreshToken: string): StoredTokens {
    if (!result.IdToken) throw new SignInError('InvalidResponse', 'Cognito returned no ID token.');
    const expiresIn = typeof result.ExpiresIn === 'number' ? result.ExpiresIn * 1000 : 0;
    const exp = identityOf(result.IdToken).expiresAt;
    return { idToken: result.IdToken, refreshToken, expiresAt: exp || this.now() + expiresIn };
  }

  private load(): StoredTokens | null {
    const raw = this.storage.getItem(this.key);
    if (!raw) return null;
    try {
      const t = JSON.parse(raw) as Partial<StoredTokens>;
      if (typeof t.idToken === 'string' && typeof t.refreshToken === 'string' && typeof t.expiresAt === 'number') return t as StoredTokens;
    } catch {
      // fall through: a damaged entry is no session
    }
    this.storage.removeItem(this.key);
    return null;
  }

  private save(tokens: StoredTokens): void {
    this.storage.setItem(this.key, JSON.stringify(tokens));
  }

  /** One InitiateAuth call in Cognito's JSON protocol. */
  private async initiateAuth(flow: 'USER_PASSWORD_AUTH' | 'REFRESH_TOKEN_AUTH', parameters: Record<string, string>): Promise<AuthenticationResult> {
    let response: Response;
    try {
      response = await this.doFetch(this.options.endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AWSCognitoIdentityProviderService.InitiateAuth' },
        body: JSON.stringify({ AuthFlow: flow, ClientId: this.options.clientId, AuthParameters: parameters }),
      });
    } catch (error) {
      throw new SignInError('NetworkError', `The sign-in service at ${this.options.endpoint} could not be reached (${error instanceof Error ? error.message : String(error)}).`);
    }
    let body: Record<string, unknown> = {};
    try {
      body = (await response.json()) as Record<string, unknown>;
    } catch {
      // an empty or non-JSON body: described below by the status
    }
    if (!response.ok) {
      // `__type` may carry a namespace ("com.amazonaws…#NotAuthorizedException").
      const type = String(body.__type ?? `HTTP ${response.status}`).split('#').pop()!;
      const message = typeof body.message === 'string' ? body.message : typeof body.Message === 'string' ? body.Message : `Sign-in failed (HTTP ${response.status}).`;
      throw new SignInError(type, message);
    }
    if (typeof body.ChallengeName === 'string') {
      throw new SignInError('ChallengeNotSupported', `Cognito asks for ${body.ChallengeName} (for example a new password or MFA); this page cannot answer it yet. Complete it with the AWS console or CLI, then sign in here.`);
    }
    const result = body.AuthenticationResult as AuthenticationResult | undefined;
    if (!result) throw new SignInError('InvalidResponse', 'Cognito answered without AuthenticationResult.');
    return result;
  }
}

/** The groups that may import files (infra/groups.ts). */
export const IMPORT_GROUPS = ['importers', 'admins'];

export const mayImport = (identity: Identity): boolean => identity.groups.some((g) => IMPORT_GROUPS.includes(g));
