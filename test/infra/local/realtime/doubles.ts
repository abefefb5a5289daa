/**
 * Small stand-ins for the contracts the real-time endpoint depends on, so the protocol can be
 * tested on a bare http.Server before (and independently of) the full local stack:
 * - an Authenticator that accepts one API key and verifies SigV4 (service `appsync`) for one key pair;
 * - an APPSYNC_JS runtime whose "code" names a JS function (enough to drive setSubscriptionFilter);
 * - a frame-by-frame `ws` client.
 */
import { readFileSync } from 'node:fs';
import http from 'node:http';
import tls from 'node:tls';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { buildSchema, type GraphQLSchema } from 'graphql';
import { SignatureV4 } from '@smithy/signature-v4';
import { HttpRequest } from '@smithy/protocol-http';
import { Sha256 } from '@aws-crypto/sha256-js';
import WebSocket from 'ws';
import type { AppSyncJsRuntime, AuthMode, AuthRequest, AuthResult, Authenticator, ContextInit, HandlerRun, LoadedCode } from '../../../../infra/local/contracts';
import { repoRoot } from '../../../../infra/bundle';

export const API_KEY = 'da2-testkey0000000000000000';
export const IAM = { region: 'us-east-1', accessKeyId: 'AKIDLOCALTEST', secretAccessKey: 'local-secret' };

export function loadSchema(): GraphQLSchema {
  const sdl = ['aws.graphql', 'generated/appsync.graphql'].map((f) => readFileSync(path.join(repoRoot, 'schema', f), 'utf8')).join('\n');
  return buildSchema(sdl);
}

function header(headers: AuthRequest['headers'], name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

const unauthorized: AuthResult = { ok: false, errorType: 'UnauthorizedException', message: 'You are not authorized to make this call.', httpStatus: 401 };

export function fakeAuthenticator(schema: GraphQLSchema): Authenticator & { requests: AuthRequest[] } {
  const requests: AuthRequest[] = [];
  return {
    requests,
    async authenticate(request) {
      requests.push(request);
      const apiKey = header(request.headers, 'x-api-key');
      if (apiKey !== undefined) {
        return apiKey === API_KEY ? { ok: true, mode: 'API_KEY', identity: null, authType: 'API Key Authorization' } : unauthorized;
      }
      const authorization = header(request.headers, 'authorization');
      const amzDate = header(request.headers, 'x-amz-date');
      const host = header(request.headers, 'host');
      if (!authorization || !amzDate || !host || !authorization.includes(`Credential=${IAM.accessKeyId}/`)) return unauthorized;
      const signedHeaders = /SignedHeaders=([^,]+)/.exec(authorization)?.[1]?.split(';') ?? [];
      const toSign: Record<string, string> = {};
      for (const name of signedHeaders) {
        const v = header(request.headers, name);
        if (v !== undefined) toSign[name] = v;
      }
      const signer = new SignatureV4({ service: 'appsync', region: IAM.region, credentials: IAM, sha256: Sha256 });
      const iso = amzDate.replace(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/, '$1-$2-$3T$4:$5:$6Z');
      const [hostname, port] = host.split(':');
      const signed = await signer.sign(
        new HttpRequest({ method: request.method, protocol: 'https:', hostname: hostname!, port: port ? Number(port) : undefined, path: request.path, headers: toSign, body: request.body }),
        { signingDate: new Date(iso) },
      );
      const expected = signed.headers.authorization ?? signed.headers.Authorization;
      return expected === authorization
        ? { ok: true, mode: 'AWS_IAM', identity: { accountId: '000000000000', userArn: 'arn:aws:iam::000000000000:user/local' }, authType: 'IAM Authorization' }
        : unauthorized;
    },
    isFieldAllowed(typeName, fieldName, mode: AuthMode) {
      const type = schema.getType(typeName) as { getFields?: () => Record<string, { astNode?: { directives?: readonly { name: { value: string } }[] } }> } | undefined;
      const directives = type?.getFields?.()[fieldName]?.astNode?.directives?.map((d) => d.name.value) ?? [];
      // The double's key caller stands for a caller of the schema's default mode: with Foreman's
      // schema on user pools (docs/auth.md), fields open to signed-in users are open to it.
      const modes = directives.filter((d) => d === 'aws_api_key' || d === 'aws_iam' || d === 'aws_cognito_user_pools');
      if (modes.length === 0) return mode === 'API_KEY';
      return mode === 'API_KEY' ? modes.includes('aws_api_key') || modes.includes('aws_cognito_user_pools') : modes.includes('aws_iam');
    },
  };
}

/** "Code" is a key into `handlers`; its response handler may return a subscription filter. */
export function fakeRuntime(handlers: Record<string, (ctx: ContextInit) => { filter?: unknown; error?: string }>): AppSyncJsRuntime & { contexts: ContextInit[] } {
  const contexts: ContextInit[] = [];
  return {
    contexts,
    load(code, fileName): LoadedCode {
      return { fileName: code || fileName, hasRequest: true, hasResponse: true };
    },
    run(code, handler, ctx): HandlerRun {
      const base: HandlerRun = { outcome: { kind: 'value', value: { payload: null } }, appendedErrors: [], logs: [], effects: { invalidateSubscriptions: [], evictFromApiCache: [] } };
      if (handler === 'request') return base;
      contexts.push(ctx);
      const result = handlers[code.fileName]!(ctx);
      if (result.error) return { ...base, outcome: { kind: 'error', error: { message: result.error, errorType: 'Unauthorized', data: null, errorInfo: null } } };
      return { ...base, outcome: { kind: 'value', value: null }, effects: { ...base.effects, ...(result.filter !== undefined ? { subscriptionFilter: result.filter } : {}) } };
    },
  };
}

export async function listen(server: http.Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

export type Frame = { type: string; id?: string; payload?: Record<string, unknown> } & Record<string, unknown>;

/** A frame-by-frame client: `next()` resolves with the next frame received (in order). */
export class FrameClient {
  readonly frames: Frame[] = [];
  private waiters: ((f: Frame) => void)[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  readonly opened: Promise<void>;
  readonly ws: WebSocket;

  constructor(url: string, protocols: string[] = ['graphql-ws'], options: WebSocket.ClientOptions = {}) {
    this.ws = new WebSocket(url, protocols, options);
    this.opened = new Promise((resolve, reject) => {
      this.ws.once('open', () => resolve());
      this.ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
      this.ws.once('error', reject);
    });
    this.closed = new Promise((resolve) => this.ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() })));
    this.ws.on('message', (data) => {
      const frame = JSON.parse(data.toString()) as Frame;
      const waiter = this.waiters.shift();
      if (waiter) waiter(frame);
      else this.frames.push(frame);
    });
  }

  send(message: unknown): void {
    this.ws.send(typeof message === 'string' ? message : JSON.stringify(message));
  }

  next(): Promise<Frame> {
    const queued = this.frames.shift();
    if (queued) return Promise.resolve(queued);
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** The next frame that is not a keep-alive. */
  async nextNonKa(): Promise<Frame> {
    for (;;) {
      const f = await this.next();
      if (f.type !== 'ka') return f;
    }
  }

  async init(): Promise<Frame> {
    await this.opened;
    this.send({ type: 'connection_init' });
    return this.nextNonKa();
  }

  close(): void {
    this.ws.close();
  }
}

export function b64(json: unknown): string {
  return Buffer.from(JSON.stringify(json)).toString('base64');
}

export function b64url(json: unknown): string {
  return Buffer.from(JSON.stringify(json)).toString('base64url');
}

/** The `?header=…&payload=e30=` form of an API-key connect. */
export function apiKeyUrl(base: string, host: string, apiKey = API_KEY): string {
  return `${base}?header=${encodeURIComponent(b64({ host, 'x-api-key': apiKey }))}&payload=e30=`;
}

export function startMessage(id: string, query: string, variables: Record<string, unknown>, authorization: Record<string, string>) {
  return { id, type: 'start', payload: { data: JSON.stringify({ query, variables }), extensions: { authorization } } };
}

/** A TLS server's certificate as PEM, read from the handshake: what a user would save and trust. */
export async function serverCertificate(host: string, port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host, port, rejectUnauthorized: false }, () => {
      const der = socket.getPeerCertificate().raw;
      socket.end();
      resolve(`-----BEGIN CERTIFICATE-----\n${der.toString('base64').replace(/(.{64})/g, '$1\n')}\n-----END CERTIFICATE-----\n`);
    });
    socket.on('error', reject);
  });
}
