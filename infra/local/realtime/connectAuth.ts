/**
 * Where a real-time connect carries its credentials (real-time-websocket-client.html):
 * 1. `?header=<base64 JSON>&payload=e30=` on the URL;
 * 2. an extra subprotocol `header-<base64url JSON>` next to `graphql-ws` (what Amplify JS v6 sends);
 * 3. plain HTTP headers on the upgrade request.
 * The header JSON is `{host, x-api-key}` for API keys, or the SigV4 headers of
 * `POST https://<host>/graphql/connect` with body `{}` for IAM.
 */
import type { IncomingMessage } from 'node:http';

export type HeaderMap = Record<string, string | string[] | undefined>;

/** Decodes base64 or base64url (padded or not) JSON; `null` when it is not a JSON object. */
export function decodeHeaderJson(encoded: string): Record<string, unknown> | null {
  try {
    const normalised = encoded.replace(/-/g, '+').replace(/_/g, '/');
    const text = Buffer.from(normalised, 'base64').toString('utf8');
    const parsed: unknown = JSON.parse(text);
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** Lower-cases header names and keeps string (or string[]) values only. */
export function normaliseHeaders(input: Record<string, unknown>): HeaderMap {
  const out: HeaderMap = {};
  for (const [name, value] of Object.entries(input)) {
    if (typeof value === 'string') out[name.toLowerCase()] = value;
    else if (Array.isArray(value) && value.every((v) => typeof v === 'string')) out[name.toLowerCase()] = value as string[];
    else if (typeof value === 'number') out[name.toLowerCase()] = String(value);
  }
  return out;
}

export function offeredSubprotocols(request: IncomingMessage): string[] {
  const raw = request.headers['sec-websocket-protocol'];
  if (!raw) return [];
  return raw
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean);
}

/**
 * The connect headers, or `null` when the request carries no credentials at all.
 * An undecodable `header` parameter also yields `null` (AppSync answers both with UnauthorizedException).
 */
export function connectHeaders(request: IncomingMessage): HeaderMap | null {
  const url = new URL(request.url ?? '/', 'http://localhost');
  const headerParam = url.searchParams.get('header');
  if (headerParam) {
    const decoded = decodeHeaderJson(headerParam);
    return decoded ? normaliseHeaders(decoded) : null;
  }
  const headerProtocol = offeredSubprotocols(request).find((p) => p.startsWith('header-'));
  if (headerProtocol) {
    const decoded = decodeHeaderJson(headerProtocol.slice('header-'.length));
    return decoded ? normaliseHeaders(decoded) : null;
  }
  const h = request.headers;
  if (h['x-api-key'] || h.authorization) {
    const plain: HeaderMap = {};
    for (const [name, value] of Object.entries(h)) {
      if (name === 'sec-websocket-protocol' || name === 'sec-websocket-key' || name === 'upgrade' || name === 'connection') continue;
      plain[name] = value;
    }
    return plain;
  }
  return null;
}
