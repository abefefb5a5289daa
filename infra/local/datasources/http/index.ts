/**
 * HTTP (resolver-reference-http-js.html): `{ method, resourcePath, params: { query, headers, body } }`
 * becomes a real request to the data source's endpoint + resourcePath, and `ctx.result` is
 * `{ statusCode, headers, body }` with the body as text. With `authorizationConfig.authorizationType`
 * `AWS_IAM` the request is SigV4-signed for `awsIamConfig.signingRegion`/`signingServiceName`, as
 * AppSync signs it with the data source's role (locally: the AWS SDK's default credential chain,
 * or the credentials the stack was given).
 */
import { Sha256 } from '@aws-crypto/sha256-js';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import type { ApiDataSourceSpec } from '../../../wiring';
import { RequestObjectError, isObject } from '../errors';
import type { DataSourceDeps, DataSourceOutcome, LocalDataSource } from '../types';

type Spec = Extract<ApiDataSourceSpec, { kind: 'HTTP' }>;

const METHODS = new Set(['GET', 'POST', 'PUT', 'DELETE', 'PATCH']);
/** How long a call may take before it fails (AppSync gives data sources 30 s). */
const TIMEOUT_MS = 30_000;

export interface HttpRequestObject {
  method: string;
  resourcePath: string;
  params: { query: Record<string, unknown>; headers: Record<string, string>; body: string | undefined };
}

/** Checks and normalises the request object; throws RequestObjectError as AppSync refuses it. */
export function parseHttpRequest(request: unknown): HttpRequestObject {
  if (!isObject(request)) throw new RequestObjectError('The HTTP request object must be an object with method and resourcePath.');
  const method = request.method;
  if (typeof method !== 'string' || !METHODS.has(method)) throw new RequestObjectError(`Unsupported HTTP method ${JSON.stringify(method)}: use GET, POST, PUT, PATCH or DELETE.`);
  const resourcePath = request.resourcePath;
  if (typeof resourcePath !== 'string' || !resourcePath.startsWith('/')) throw new RequestObjectError('resourcePath must be a string starting with "/".');
  const params = request.params === undefined || request.params === null ? {} : request.params;
  if (!isObject(params)) throw new RequestObjectError('params must be an object with query, headers and body.');
  const query = params.query ?? {};
  if (!isObject(query)) throw new RequestObjectError('params.query must be an object.');
  const headers = params.headers ?? {};
  if (!isObject(headers) || Object.values(headers).some((v) => typeof v !== 'string')) throw new RequestObjectError('params.headers must map header names to strings.');
  const body = params.body === undefined || params.body === null ? undefined : typeof params.body === 'string' ? params.body : JSON.stringify(params.body);
  return { method, resourcePath, params: { query, headers: headers as Record<string, string>, body } };
}

function queryPairs(query: Record<string, unknown>): [string, string][] {
  const pairs: [string, string][] = [];
  for (const [name, value] of Object.entries(query)) {
    for (const v of Array.isArray(value) ? value : [value]) if (v !== undefined && v !== null) pairs.push([name, typeof v === 'string' ? v : JSON.stringify(v)]);
  }
  return pairs;
}

async function sign(
  url: URL,
  req: HttpRequestObject,
  pairs: [string, string][],
  config: NonNullable<Spec['authorizationConfig']>,
  credentials: AwsCredentialIdentity | AwsCredentialIdentityProvider,
): Promise<Record<string, string>> {
  const query: Record<string, string | string[]> = {};
  for (const [k, v] of pairs) {
    const prev = query[k];
    query[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
  }
  const signer = new SignatureV4({ service: config.awsIamConfig.signingServiceName, region: config.awsIamConfig.signingRegion, credentials, sha256: Sha256 });
  const signed = await signer.sign(
    new HttpRequest({
      method: req.method,
      protocol: url.protocol,
      hostname: url.hostname,
      port: url.port ? Number(url.port) : undefined,
      path: url.pathname,
      query,
      headers: { ...req.params.headers, host: url.host },
      body: req.params.body,
    }),
  );
  return signed.headers;
}

async function defaultCredentials(): Promise<AwsCredentialIdentityProvider> {
  const { defaultProvider } = await import('@aws-sdk/credential-provider-node');
  return defaultProvider();
}

export function createHttpDataSource(spec: Spec, deps: DataSourceDeps): LocalDataSource {
  let base: URL;
  try {
    base = new URL(spec.endpoint);
  } catch {
    throw new Error(`HTTP data source ${spec.name}: endpoint ${JSON.stringify(spec.endpoint)} is not a URL`);
  }
  const auth = spec.authorizationConfig;
  if (auth && auth.authorizationType !== 'AWS_IAM') throw new Error(`HTTP data source ${spec.name}: authorizationType must be AWS_IAM`);
  let credentials: Promise<AwsCredentialIdentity | AwsCredentialIdentityProvider> | null = null;
  return {
    name: spec.name,
    kind: spec.kind,
    async invoke({ request }): Promise<DataSourceOutcome> {
      const req = parseHttpRequest(request);
      const url = new URL(base.href.replace(/\/$/, '') + req.resourcePath);
      const pairs = queryPairs(req.params.query);
      for (const [k, v] of pairs) url.searchParams.append(k, v);
      let headers: Record<string, string> = { ...req.params.headers };
      if (auth) {
        credentials ??= deps.credentials ? Promise.resolve(deps.credentials) : defaultCredentials();
        headers = await sign(url, req, pairs, auth, await credentials);
        delete headers.host;
      }
      let response: Response;
      try {
        response = await fetch(url, { method: req.method, headers, body: req.params.body, signal: AbortSignal.timeout(TIMEOUT_MS), redirect: 'manual' });
      } catch (error) {
        const cause = (error as { cause?: { code?: string; message?: string } }).cause;
        return { result: null, error: { type: 'HttpFailure', message: `${req.method} ${url.origin}${url.pathname} failed: ${cause?.code ?? cause?.message ?? (error as Error).message}` } };
      }
      const body = await response.text();
      return { result: { statusCode: response.status, headers: Object.fromEntries(response.headers), body }, error: null };
    },
  };
}
