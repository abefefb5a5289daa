/**
 * The local server's trust boundary: which `Host` headers it answers (DNS rebinding: a page on
 * evil.example whose name now resolves to 127.0.0.1 still sends `Host: evil.example`), which
 * `Origin`s get a CORS grant (only the stack's own http/https origins, never `*`), and reading a
 * request body without ever holding more than the limit.
 *
 * Every refusal is an AppSync-shaped JSON body `{"errors":[{"errorType","message"}]}`; the statuses
 * and why are in docs/security.md.
 */
import os from 'node:os';
import type { IncomingMessage } from 'node:http';

const LOOPBACK_NAMES = ['127.0.0.1', 'localhost', '[::1]'];

function hostName(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host.toLowerCase();
}

/** The names a server bound to `host` can be reached by, as they appear in a Host header. */
export function servedNames(host: string): string[] {
  const names = new Set(LOOPBACK_NAMES);
  if (host === '0.0.0.0' || host === '::') {
    // Bound to every interface: each of this machine's addresses is ours too.
    for (const list of Object.values(os.networkInterfaces())) for (const a of list ?? []) names.add(hostName(a.address.split('%')[0]!));
    names.add(os.hostname().toLowerCase());
  } else {
    names.add(hostName(host));
  }
  return [...names];
}

export interface Refusal {
  status: number;
  errorType: string;
  message: string;
}

/**
 * The addresses and origins one local stack serves; `serve()` is called once per listening server,
 * after its port is known.
 */
export class TrustBoundary {
  private readonly hosts = new Set<string>();
  private readonly origins = new Set<string>();

  serve(protocol: 'http' | 'https', host: string, port: number): void {
    const defaultPort = protocol === 'http' ? 80 : 443;
    for (const name of servedNames(host)) {
      this.hosts.add(`${name}:${port}`);
      this.origins.add(`${protocol}://${name}:${port}`);
      if (port === defaultPort) {
        this.hosts.add(name);
        this.origins.add(`${protocol}://${name}`);
      }
    }
  }

  /** The stack's own origins (what CORS grants), for docs and tests. */
  allowedOrigins(): string[] {
    return [...this.origins];
  }

  isOwnOrigin(origin: string | undefined): boolean {
    return origin !== undefined && this.origins.has(origin.toLowerCase());
  }

  /** Refuses a request whose Host is not one of ours, or that a foreign page sent (Origin). */
  check(req: IncomingMessage): Refusal | null {
    const host = (req.headers.host ?? '').toLowerCase();
    if (!this.hosts.has(host)) {
      return {
        status: 403,
        errorType: 'ForbiddenException',
        message: `This server does not answer for host ${JSON.stringify(req.headers.host ?? '')}: use one of its own addresses (e.g. 127.0.0.1 or localhost with its port).`,
      };
    }
    const origin = req.headers.origin;
    // Browsers send Origin on cross-origin requests (and on same-origin POSTs); tools send none.
    // `null` (a sandboxed page, a file) is foreign too.
    if (origin !== undefined && !this.isOwnOrigin(origin)) {
      return { status: 403, errorType: 'ForbiddenException', message: `Requests from the web origin ${origin} are not allowed: only pages served by this stack may call it.` };
    }
    return null;
  }

  /** CORS headers for a request from `origin`: a grant for our own origins, nothing for others. */
  corsHeaders(origin: string | undefined): Record<string, string> {
    if (!this.isOwnOrigin(origin)) return {};
    return {
      'access-control-allow-origin': origin!,
      'access-control-allow-methods': 'POST, GET, OPTIONS',
      'access-control-allow-headers': 'content-type, x-api-key, authorization, x-amz-date, x-amz-security-token, x-amz-user-agent, x-amz-content-sha256, x-amz-target, amz-sdk-invocation-id, amz-sdk-request, cache-control',
      'access-control-max-age': '600',
      vary: 'Origin',
    };
  }
}

export class BodyTooLargeError extends Error {
  override name = 'BodyTooLargeError';
  constructor(readonly limit: number, readonly declared: number | null) {
    super(declared !== null ? `The request body is ${declared} bytes; at most ${limit} are accepted.` : `The request body exceeds ${limit} bytes, the most that is accepted.`);
  }
}

/** Past this many discarded bytes the connection is cut instead (a body that never ends). */
const DRAIN_CAP_BYTES = 64 * 1024 * 1024;

/** Reads and discards the rest of a refused body, so the client can read the refusal; never keeps it. */
function drain(req: IncomingMessage): void {
  let drained = 0;
  req.on('data', (chunk: Buffer) => {
    drained += chunk.length;
    if (drained > DRAIN_CAP_BYTES) req.destroy();
  });
}

/**
 * Reads a request body of at most `limit` bytes. A larger `Content-Length` is refused before a
 * byte is read; a body that turns out larger while streaming (chunked) stops being kept at the
 * limit. Either way the rest is drained and discarded, never buffered, so that the client (still
 * sending) can read the refusal instead of a broken pipe.
 */
export function readBodyWithin(req: IncomingMessage, limit: number): Promise<string> {
  const declaredHeader = req.headers['content-length'];
  const declared = declaredHeader !== undefined && /^\d+$/.test(declaredHeader) ? Number(declaredHeader) : null;
  if (declared !== null && declared > limit) {
    drain(req);
    return Promise.reject(new BodyTooLargeError(limit, declared));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > limit) {
        req.off('data', onData);
        chunks.length = 0;
        drain(req);
        reject(new BodyTooLargeError(limit, null));
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.on('end', () => {
      if (size <= limit) resolve(Buffer.concat(chunks).toString('utf8'));
    });
    req.on('error', reject);
  });
}
