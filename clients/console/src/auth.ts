/**
 * The console's auth modes, AppSync's names: an API key (`x-api-key`), AWS_IAM (each request
 * signed with SigV4 in the browser, service `appsync`), a Cognito user pools / OIDC token (the JWT
 * itself is the `Authorization` header, no `Bearer`), or none (only what the headers editor sends).
 */
import { signAppSyncRequest } from '../../api/client';

export type ConsoleAuth =
  | { mode: 'API_KEY'; apiKey: string }
  | { mode: 'AWS_IAM'; region: string; accessKeyId: string; secretAccessKey: string; sessionToken?: string }
  | { mode: 'AMAZON_COGNITO_USER_POOLS'; token: string }
  | { mode: 'NONE' };

export type ConsoleAuthMode = ConsoleAuth['mode'];

/** What the server offers to prefill the picker (`/console/defaults.json`); every field optional. */
export interface ConsoleDefaults {
  apiKey?: string;
  iam?: { region: string; accessKeyId: string; secretAccessKey: string };
}

/** A JWT is three base64url parts; a pasted `Bearer …` is the most common mistake. */
export function tokenProblem(token: string): string | null {
  const trimmed = token.trim();
  if (!trimmed) return 'Paste a token (for a local user: foreman users token NAME).';
  if (/^bearer\s/i.test(trimmed)) return 'AppSync wants the token alone: remove "Bearer ".';
  if (!/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/.test(trimmed)) return 'This does not look like a JWT (three base64url parts separated by dots).';
  return null;
}

/**
 * The headers that authorize one POST of `body` to `url` (content-type included; `host` is left
 * to the browser, which refuses to set it but sends the same value the signature covers).
 */
export async function authHeaders(url: URL, body: string, auth: ConsoleAuth): Promise<Record<string, string>> {
  const json = { 'content-type': 'application/json' };
  switch (auth.mode) {
    case 'API_KEY':
      return { ...json, 'x-api-key': auth.apiKey };
    case 'AMAZON_COGNITO_USER_POOLS':
      return { ...json, authorization: auth.token.trim() };
    case 'AWS_IAM': {
      const signed = await signAppSyncRequest(url, body, { mode: 'AWS_IAM', region: auth.region, credentials: iamCredentials(auth) });
      return Object.fromEntries(Object.entries(signed).filter(([name]) => name.toLowerCase() !== 'host'));
    }
    case 'NONE':
      return json;
  }
}

export function iamCredentials(auth: Extract<ConsoleAuth, { mode: 'AWS_IAM' }>): { accessKeyId: string; secretAccessKey: string; sessionToken?: string } {
  return { accessKeyId: auth.accessKeyId, secretAccessKey: auth.secretAccessKey, ...(auth.sessionToken ? { sessionToken: auth.sessionToken } : {}) };
}
