/**
 * The local user pool over HTTP, at `/cognito/` on the stack's own origins (BRIEF contract 2):
 *
 * - `POST /cognito/` — Cognito's JSON protocol (`Content-Type: application/x-amz-json-1.1`,
 *   `X-Amz-Target: AWSCognitoIdentityProviderService.<Operation>`): `InitiateAuth` with
 *   `USER_PASSWORD_AUTH` or `REFRESH_TOKEN_AUTH`, and `GetUser` (access token). Errors are
 *   `{"__type","message"}` with HTTP 400, as Cognito sends them. So the same client code (the AWS
 *   SDK, Amplify, `fetch`) signs in against `https://cognito-idp.<region>.amazonaws.com/` and here.
 * - `GET /cognito/<userPoolId>/.well-known/jwks.json` and `…/openid-configuration`.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { BodyTooLargeError, readBodyWithin } from '../boundary';
import type { ExtraRoute } from '../server';
import { CognitoError, type LocalUserPool } from './userPool';

const TARGET_PREFIX = 'AWSCognitoIdentityProviderService.';
/** Sign-in bodies are tiny; Cognito's own limit is far above what a sign-in needs. */
const MAX_BODY = 64 * 1024;

/** The origin the caller used (the Host header was already checked by the trust boundary). */
export function requestOrigin(req: IncomingMessage): string {
  const tls = (req.socket as Partial<TLSSocket>).encrypted === true;
  return `${tls ? 'https' : 'http'}://${req.headers.host ?? '127.0.0.1'}`;
}

function send(res: ServerResponse, status: number, body: unknown, contentType = 'application/x-amz-json-1.1'): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(text), 'cache-control': 'no-store' });
  res.end(text);
}

function sendError(res: ServerResponse, error: CognitoError): void {
  res.setHeader('x-amzn-errortype', error.type);
  send(res, error.status, { __type: error.type, message: error.message });
}

async function operation(pool: LocalUserPool, target: string, input: Record<string, unknown>, origin: string): Promise<unknown> {
  if (target === 'InitiateAuth') {
    const params = (input.AuthParameters ?? {}) as Record<string, unknown>;
    if (input.AuthFlow === 'USER_PASSWORD_AUTH') {
      return { ChallengeParameters: {}, AuthenticationResult: await pool.signIn(params.USERNAME, params.PASSWORD, input.ClientId, origin) };
    }
    if (input.AuthFlow === 'REFRESH_TOKEN_AUTH' || input.AuthFlow === 'REFRESH_TOKEN') {
      return { ChallengeParameters: {}, AuthenticationResult: await pool.refreshTokens(params.REFRESH_TOKEN, input.ClientId, origin) };
    }
    throw new CognitoError('InvalidParameterException', `The local user pool supports AuthFlow USER_PASSWORD_AUTH and REFRESH_TOKEN_AUTH, not ${String(input.AuthFlow)}.`);
  }
  if (target === 'GetUser') {
    const claims = typeof input.AccessToken === 'string' ? await pool.verify(input.AccessToken) : null;
    if (!claims || claims.token_use !== 'access') throw new CognitoError('NotAuthorizedException', 'Invalid Access Token');
    const user = pool.listUsers().find((u) => u.sub === claims.sub);
    if (!user) throw new CognitoError('UserNotFoundException', 'User does not exist.');
    return {
      Username: user.username,
      UserAttributes: [{ Name: 'sub', Value: user.sub }, ...(user.email !== null ? [{ Name: 'email', Value: user.email }, { Name: 'email_verified', Value: 'true' }] : [])],
    };
  }
  throw new CognitoError('UnknownOperationException', `The local user pool does not implement ${target || 'this operation'}.`);
}

/** The route the local stack adds for `pool`. */
export function cognitoRoute(pool: LocalUserPool): ExtraRoute {
  return (req, res) => {
    const { pathname } = new URL(req.url ?? '/', 'http://localhost');
    if (pathname !== '/cognito' && !pathname.startsWith('/cognito/')) return false;
    const wellKnown = `/cognito/${pool.userPoolId}/.well-known/`;
    if ((req.method === 'GET' || req.method === 'HEAD') && pathname === `${wellKnown}jwks.json`) {
      send(res, 200, pool.jwks(), 'application/json; charset=UTF-8');
      return true;
    }
    if ((req.method === 'GET' || req.method === 'HEAD') && pathname === `${wellKnown}openid-configuration`) {
      const issuer = pool.issuer(requestOrigin(req));
      send(res, 200, { issuer, jwks_uri: `${issuer}/.well-known/jwks.json`, id_token_signing_alg_values_supported: ['RS256'], subject_types_supported: ['public'] }, 'application/json; charset=UTF-8');
      return true;
    }
    if (req.method !== 'POST' || (pathname !== '/cognito/' && pathname !== '/cognito')) {
      send(res, 404, { __type: 'ResourceNotFoundException', message: `Nothing at ${pathname}.` }, 'application/json; charset=UTF-8');
      return true;
    }
    const answer = async (): Promise<void> => {
      let body: string;
      try {
        body = await readBodyWithin(req, MAX_BODY);
      } catch (error) {
        if (error instanceof BodyTooLargeError) return sendError(res, new CognitoError('InvalidParameterException', 'The request is too large.'));
        throw error;
      }
      const targetHeader = String(req.headers['x-amz-target'] ?? '');
      if (!targetHeader.startsWith(TARGET_PREFIX)) return sendError(res, new CognitoError('UnknownOperationException', 'Missing or unknown X-Amz-Target.'));
      let input: unknown;
      try {
        input = JSON.parse(body || '{}');
      } catch {
        return sendError(res, new CognitoError('SerializationException', 'The request body is not valid JSON.'));
      }
      if (typeof input !== 'object' || input === null || Array.isArray(input)) return sendError(res, new CognitoError('SerializationException', 'The request body must be a JSON object.'));
      try {
        send(res, 200, await operation(pool, targetHeader.slice(TARGET_PREFIX.length), input as Record<string, unknown>, requestOrigin(req)));
      } catch (error) {
        if (error instanceof CognitoError) return sendError(res, error);
        throw error;
      }
    };
    answer().catch((error: unknown) => {
      if (!res.headersSent) send(res, 500, { __type: 'InternalErrorException', message: error instanceof Error ? error.message : String(error) });
      else res.end();
    });
    return true;
  };
}
