/**
 * The local AppSync's auth: API key (`x-api-key`), AWS_IAM (SigV4, service `appsync`) verified by
 * re-signing the request with @smithy/signature-v4, and AMAZON_COGNITO_USER_POOLS (the JWT itself in
 * `Authorization`, ID or access token, verified against a user pool: infra/local/auth/userPool.ts),
 * and the schema's `@aws_*` directives enforced per type and field (security-authz.html): a field's
 * directives replace its type's; with neither, only the default mode may read it;
 * `@aws_cognito_user_pools(cognito_groups: [...])` / `@aws_auth(cognito_groups: [...])` also need
 * one of the groups in the token's `cognito:groups`.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';
import { HttpRequest } from '@smithy/protocol-http';
import { Sha256 } from '@aws-crypto/sha256-js';
import { isObjectType, Kind, type GraphQLField, type GraphQLSchema } from 'graphql';
import type { AuthMode, AuthRequest, AuthResult, Authenticator } from '../contracts';

/** The fixed credentials the local stack accepts for AWS_IAM (documented in the README). */
export const LOCAL_IAM = {
  region: 'us-east-1',
  accessKeyId: 'AKIAFOREMANLOCAL0001',
  secretAccessKey: 'foreman-local-secret-access-key-do-not-use-in-aws',
  /** AWS's documentation account id, so nobody mistakes it for a real one. */
  accountId: '123456789012',
  userName: 'foreman-local',
  /** IAM's unique id of the local user (`ctx.identity.username` for IAM callers). */
  userId: 'AIDAFOREMANLOCALUSER1',
} as const;

/** What the user pools mode needs from a pool: token verification (signature, expiry, issuer, client, token_use). */
export interface UserPoolVerifier {
  /** The token's claims when it is valid for this pool, else null. */
  verify(token: string): Promise<Record<string, unknown> | null>;
}

export interface AuthConfig {
  schema: GraphQLSchema;
  /** Enables AMAZON_COGNITO_USER_POOLS (default or additional mode) against this pool. */
  userPool?: UserPoolVerifier;
  apiKey: string;
  /** Epoch milliseconds after which the key is refused; null = never. */
  apiKeyExpiresAt?: number | null;
  iam?: { accessKeyId: string; secretAccessKey: string; region: string; accountId: string; userName: string; userId: string };
  defaultMode?: AuthMode;
  additionalModes?: AuthMode[];
  /** For tests of expiry/skew. */
  now?: () => number;
}

const AUTH_DIRECTIVES: Record<string, AuthMode | 'OTHER'> = {
  aws_api_key: 'API_KEY',
  aws_iam: 'AWS_IAM',
  aws_oidc: 'OTHER',
  aws_lambda: 'OTHER',
  aws_cognito_user_pools: 'AMAZON_COGNITO_USER_POOLS',
  aws_auth: 'AMAZON_COGNITO_USER_POOLS',
};

const AUTH_TYPE_TEXT: Record<AuthMode, string> = {
  API_KEY: 'API Key Authorization',
  AWS_IAM: 'IAM Authorization',
  AMAZON_COGNITO_USER_POOLS: 'User Pool Authorization',
};

type Failure = Extract<AuthResult, { ok: false }>;

// Request-level refusals, as AppSync sends them (HTTP status + errors[0]).
const unauthorized = (): Failure => ({ ok: false, httpStatus: 401, errorType: 'UnauthorizedException', message: 'You are not authorized to make this call.' });
const iamFailure = (errorType: string, message: string): Failure => ({ ok: false, httpStatus: 403, errorType, message });
const SIGNATURE_MISMATCH =
  'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';

function header(headers: AuthRequest['headers'], name: string): string | undefined {
  const value = headers[name] ?? headers[name.toLowerCase()];
  return Array.isArray(value) ? value.join(',') : value;
}

/** Who may read one field: its modes, and for user pools the groups (null = any signed-in user). */
interface FieldRule {
  modes: Set<AuthMode | 'OTHER'>;
  cognitoGroups: string[] | null;
}

type DirectiveNode = NonNullable<NonNullable<GraphQLField<unknown, unknown>['astNode']>['directives']>[number];

function directiveRule(directives: readonly DirectiveNode[] | undefined): FieldRule | null {
  const rule: FieldRule = { modes: new Set(), cognitoGroups: null };
  for (const d of directives ?? []) {
    const mode = AUTH_DIRECTIVES[d.name.value];
    if (mode === undefined) continue;
    rule.modes.add(mode);
    if (mode !== 'AMAZON_COGNITO_USER_POOLS') continue;
    const arg = d.arguments?.find((a) => a.name.value === 'cognito_groups');
    if (arg?.value.kind === Kind.LIST) {
      const groups = arg.value.values.flatMap((v) => (v.kind === Kind.STRING ? [v.value] : []));
      rule.cognitoGroups = [...(rule.cognitoGroups ?? []), ...groups];
    }
  }
  return rule.modes.size ? rule : null;
}

/** `20260101T000000Z` → epoch ms. */
function parseAmzDate(text: string): number | null {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(text);
  return m ? Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!) : null;
}

function amzDate(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

/**
 * @example
 * const auth = createAuthenticator({ schema, apiKey: 'da2-…', iam: LOCAL_IAM });
 * const result = await auth.authenticate({ method: 'POST', path: '/graphql', headers, body });
 */
export function createAuthenticator(config: AuthConfig): Authenticator {
  const defaultMode = config.defaultMode ?? 'API_KEY';
  const enabled = new Set<AuthMode>([defaultMode, ...(config.additionalModes ?? (config.iam ? ['AWS_IAM' as const] : []))]);
  const now = config.now ?? Date.now;
  const allowed = new Map<string, FieldRule>();

  for (const type of Object.values(config.schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    const typeRule = directiveRule(type.astNode?.directives);
    for (const field of Object.values(type.getFields())) {
      const rule = directiveRule(field.astNode?.directives) ?? typeRule ?? { modes: new Set([defaultMode]), cognitoGroups: null };
      allowed.set(`${type.name}.${field.name}`, rule);
    }
  }

  /**
   * AMAZON_COGNITO_USER_POOLS: the `Authorization` header is the token itself. AppSync takes ID
   * and access tokens alike (Amplify JS v6 sends the access token); anything that does not verify
   * is the request-level 401.
   */
  async function authenticateUserPool(request: AuthRequest, token: string): Promise<AuthResult> {
    if (!enabled.has('AMAZON_COGNITO_USER_POOLS') || !config.userPool) return unauthorized();
    const claims = await config.userPool.verify(token.trim());
    if (!claims) return unauthorized();
    const sourceIp = (header(request.headers, 'x-forwarded-for') ?? '127.0.0.1').split(',').map((s) => s.trim());
    const groups = Array.isArray(claims['cognito:groups']) ? (claims['cognito:groups'] as unknown[]).map(String) : null;
    return {
      ok: true,
      mode: 'AMAZON_COGNITO_USER_POOLS',
      authType: AUTH_TYPE_TEXT.AMAZON_COGNITO_USER_POOLS,
      // resolver-context-reference-js.html, "AMAZON_COGNITO_USER_POOLS authorization".
      identity: {
        sub: claims.sub,
        issuer: claims.iss,
        username: claims['cognito:username'] ?? claims.username,
        claims,
        sourceIp,
        defaultAuthStrategy: 'ALLOW',
        groups,
      },
    };
  }

  async function authenticateIam(request: AuthRequest, authorization: string): Promise<AuthResult> {
    if (!enabled.has('AWS_IAM') || !config.iam) return unauthorized();
    const iam = config.iam;
    const parts = Object.fromEntries(
      authorization
        .replace(/^AWS4-HMAC-SHA256\s+/, '')
        .split(',')
        .map((p) => p.trim().split('='))
        .filter((kv) => kv.length === 2)
        .map(([k, v]) => [k!, v!]),
    );
    const missing = ['Credential', 'SignedHeaders', 'Signature'].filter((p) => !parts[p]);
    if (!authorization.startsWith('AWS4-HMAC-SHA256 ') || missing.length) {
      return iamFailure('IncompleteSignatureException', `${missing.map((p) => `Authorization header requires '${p}' parameter.`).join(' ') || 'Unsupported Authorization Type'} Authorization=${authorization}`);
    }
    const dateText = header(request.headers, 'x-amz-date');
    if (!dateText) return iamFailure('IncompleteSignatureException', "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.");
    const [accessKeyId, scopeDate, region, service, terminator] = parts.Credential!.split('/');
    if (accessKeyId !== iam.accessKeyId) return iamFailure('UnrecognizedClientException', 'The security token included in the request is invalid.');
    if (service !== 'appsync' || terminator !== 'aws4_request') return iamFailure('InvalidSignatureException', "Credential should be scoped to correct service: 'appsync'.");
    if (region !== iam.region) return iamFailure('InvalidSignatureException', `Credential should be scoped to a valid region, not '${region}'.`);
    const signedAt = parseAmzDate(dateText);
    if (signedAt === null || scopeDate !== dateText.slice(0, 8)) return iamFailure('InvalidSignatureException', SIGNATURE_MISMATCH);
    const skew = 5 * 60_000;
    if (Math.abs(now() - signedAt) > skew) {
      return iamFailure('InvalidSignatureException', `Signature expired: ${dateText} is now earlier than ${amzDate(now() - skew)} (${amzDate(now())} - 5 min.)`);
    }
    const declaredHash = header(request.headers, 'x-amz-content-sha256');
    if (declaredHash && declaredHash !== createHash('sha256').update(request.body).digest('hex')) return iamFailure('InvalidSignatureException', SIGNATURE_MISMATCH);

    // Re-sign exactly the headers the caller signed, at the caller's time, and compare.
    const signedHeaders = parts.SignedHeaders!.split(';');
    const headers: Record<string, string> = {};
    for (const name of signedHeaders) {
      const value = header(request.headers, name);
      if (value === undefined) return iamFailure('InvalidSignatureException', SIGNATURE_MISMATCH);
      headers[name] = value;
    }
    const host = headers.host ?? '';
    const token = header(request.headers, 'x-amz-security-token');
    const signer = new SignatureV4({
      service: 'appsync',
      region: iam.region,
      credentials: { accessKeyId: iam.accessKeyId, secretAccessKey: iam.secretAccessKey, sessionToken: token },
      sha256: Sha256,
      applyChecksum: false,
    });
    const [pathname, query] = request.path.split('?');
    const signed = await signer.sign(
      new HttpRequest({
        method: request.method,
        protocol: 'https:',
        hostname: host.replace(/:\d+$/, ''),
        path: pathname,
        query: query ? Object.fromEntries(new URLSearchParams(query)) : undefined,
        headers,
        body: request.body,
      }),
      { signingDate: new Date(signedAt), signableHeaders: new Set(signedHeaders) },
    );
    const expected = /Signature=([0-9a-f]+)/.exec(String(signed.headers.authorization ?? signed.headers.Authorization))?.[1] ?? '';
    const given = parts.Signature!;
    if (expected.length !== given.length || !timingSafeEqual(Buffer.from(expected), Buffer.from(given))) {
      return iamFailure('InvalidSignatureException', SIGNATURE_MISMATCH);
    }
    const sourceIp = (header(request.headers, 'x-forwarded-for') ?? '127.0.0.1').split(',').map((s) => s.trim());
    return {
      ok: true,
      mode: 'AWS_IAM',
      authType: AUTH_TYPE_TEXT.AWS_IAM,
      // resolver-context-reference-js.html, "AWS_IAM authorization".
      identity: {
        accountId: iam.accountId,
        cognitoIdentityPoolId: null,
        cognitoIdentityId: null,
        sourceIp,
        username: iam.userId,
        userArn: `arn:aws:iam::${iam.accountId}:user/${iam.userName}`,
        cognitoIdentityAuthType: null,
        cognitoIdentityAuthProvider: null,
      },
    };
  }

  return {
    async authenticate(request) {
      const authorization = header(request.headers, 'authorization');
      if (authorization && (!authorization.startsWith('AWS4-') || !enabled.has('AWS_IAM')) && enabled.has('AMAZON_COGNITO_USER_POOLS')) {
        return authenticateUserPool(request, authorization);
      }
      if (authorization) return authenticateIam(request, authorization);
      const key = header(request.headers, 'x-api-key');
      if (key === undefined || !enabled.has('API_KEY')) return unauthorized();
      const a = Buffer.from(key);
      const b = Buffer.from(config.apiKey);
      if (a.length !== b.length || !timingSafeEqual(a, b)) return unauthorized();
      if (config.apiKeyExpiresAt != null && now() >= config.apiKeyExpiresAt) return unauthorized();
      return { ok: true, mode: 'API_KEY', identity: null, authType: AUTH_TYPE_TEXT.API_KEY };
    },
    isFieldAllowed(typeName, fieldName, mode, identity) {
      if (typeName.startsWith('__') || fieldName.startsWith('__')) return enabled.has(mode);
      const rule = allowed.get(`${typeName}.${fieldName}`);
      if (!enabled.has(mode) || !(rule ? rule.modes.has(mode) : mode === defaultMode)) return false;
      if (mode !== 'AMAZON_COGNITO_USER_POOLS' || !rule?.cognitoGroups) return true;
      const groups = Array.isArray(identity?.groups) ? (identity.groups as unknown[]) : [];
      return rule.cognitoGroups.some((g) => groups.includes(g));
    },
  };
}
