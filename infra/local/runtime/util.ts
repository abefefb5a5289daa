/**
 * The `util`, `extensions` and `runtime` objects resolver code sees
 * (https://docs.aws.amazon.com/appsync/latest/devguide/built-in-util-js.html,
 * extensions-js.html, runtime-utils-js.html).
 *
 * They are built once per runtime and write into the state of the handler currently running
 * (`RunState`), which the runtime swaps before each call: handlers are synchronous, so one
 * pointer is enough and nothing leaks from one run into the next.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { AppSyncErrorEntry, HandlerEffects } from '../contracts';
import { createDynamodbUtil } from './dynamodb-utils';
import { createTimeUtil } from './time';
import { toJsonObject } from './rds';
import { conditionExpression, filterExpression, toElasticsearchQueryDSL, toSubscriptionFilter } from './transform';
import { xmlToJsonString, xmlToMap } from './xml';

export interface RunState {
  appendedErrors: AppSyncErrorEntry[];
  logs: string[];
  effects: HandlerEffects;
  fieldName: string;
  parentTypeName: string;
  authType: string;
}

export function newRunState(fieldName = '', parentTypeName = '', authType = ''): RunState {
  return {
    appendedErrors: [],
    logs: [],
    effects: { invalidateSubscriptions: [], evictFromApiCache: [] },
    fieldName,
    parentTypeName,
    authType,
  };
}

/**
 * Thrown by `util.error` / `util.unauthorized`; resolver code cannot catch it (no try/catch in
 * APPSYNC_JS). Signals are not `Error`s on purpose: capturing a stack trace on every early exit
 * would cost more than the rest of a handler run.
 */
export class UtilErrorSignal {
  readonly name = 'UtilErrorSignal';
  constructor(readonly entry: AppSyncErrorEntry) {}
}

/** Thrown by `runtime.earlyReturn`. */
export class EarlyReturnSignal {
  readonly name = 'EarlyReturnSignal';
  constructor(
    readonly value: unknown,
    readonly skipTo: 'END' | 'NEXT',
  ) {}
}

function errorEntry(message: unknown, errorType?: unknown, data?: unknown, errorInfo?: unknown): AppSyncErrorEntry {
  return {
    message: String(message),
    errorType: errorType === undefined || errorType === null ? null : String(errorType),
    data: data === undefined ? null : data,
    errorInfo: errorInfo === undefined ? null : errorInfo,
  };
}

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** 26 characters: 48-bit millisecond time then 80 random bits, Crockford base32 (ulid spec). */
export function ulid(now = Date.now()): string {
  let time = '';
  let t = now;
  for (let i = 0; i < 10; i += 1) {
    time = CROCKFORD[t % 32] + time;
    t = Math.floor(t / 32);
  }
  const bytes = randomBytes(16);
  let random = '';
  for (let i = 0; i < 16; i += 1) random += CROCKFORD[bytes[i]! % 32];
  return time + random;
}

/** 27 characters: base62 of 4 bytes of seconds since the KSUID epoch (1400000000) and 16 random bytes. */
export function ksuid(now = Date.now()): string {
  const payload = Buffer.alloc(20);
  payload.writeUInt32BE(Math.floor(now / 1000) - 1400000000, 0);
  randomBytes(16).copy(payload, 4);
  let n = BigInt(`0x${payload.toString('hex')}`);
  let out = '';
  while (n > 0n) {
    out = BASE62[Number(n % 62n)] + out;
    n /= 62n;
  }
  return out.padStart(27, '0');
}

/** Java's URLEncoder (application/x-www-form-urlencoded, UTF-8): space → '+', keeps `A-Za-z0-9.-*_`. */
export function urlEncode(value: string): string {
  return Array.from(Buffer.from(String(value), 'utf8'))
    .map((b) => {
      const c = String.fromCharCode(b);
      if (/[A-Za-z0-9.\-*_]/.test(c)) return c;
      if (c === ' ') return '+';
      return `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
    })
    .join('');
}

export function urlDecode(value: string): string {
  return decodeURIComponent(String(value).replace(/\+/g, ' '));
}

/** Apache commons-text escapeEcmaScript, which is what `escapeJavaScript` documents ("JavaScript escaped string"). */
export function escapeJavaScript(value: string): string {
  let out = '';
  for (const ch of String(value)) {
    const code = ch.codePointAt(0)!;
    switch (ch) {
      case "'":
        out += "\\'";
        break;
      case '"':
        out += '\\"';
        break;
      case '\\':
        out += '\\\\';
        break;
      case '/':
        out += '\\/';
        break;
      case '\b':
        out += '\\b';
        break;
      case '\n':
        out += '\\n';
        break;
      case '\t':
        out += '\\t';
        break;
      case '\f':
        out += '\\f';
        break;
      case '\r':
        out += '\\r';
        break;
      default:
        if (code < 32 || code > 0x7e) {
          const units = code > 0xffff ? [ch.charCodeAt(0), ch.charCodeAt(1)] : [code];
          out += units.map((u) => `\\u${u.toString(16).toUpperCase().padStart(4, '0')}`).join('');
        } else out += ch;
    }
  }
  return out;
}

const patternCache = new Map<string, RegExp>();

/** Java's POSIX character classes, which JS regexes spell differently. */
const JAVA_POSIX_CLASSES: Record<string, string> = {
  Lower: 'a-z',
  Upper: 'A-Z',
  ASCII: '\\x00-\\x7F',
  Alpha: 'a-zA-Z',
  Digit: '0-9',
  Alnum: 'a-zA-Z0-9',
  Punct: '!-\\/:-@\\[-`{-~',
  Space: ' \\t\\n\\x0B\\f\\r',
  XDigit: '0-9a-fA-F',
};

/**
 * Java `Pattern.matches(pattern, value)`: the whole string must match. Java-only syntax with a
 * direct JS equivalent is translated: `\A`/`\z`/`\Z`, possessive quantifiers, POSIX classes
 * (`\p{Alpha}`), and leading inline flags (`(?i)`, `(?s)`, `(?m)`).
 */
export function javaMatches(pattern: string, value: string): boolean {
  let re = patternCache.get(pattern);
  if (!re) {
    let source = String(pattern);
    let flags = '';
    const inline = /^\(\?([ismx]+)\)/.exec(source);
    if (inline) {
      flags = [...new Set(inline[1]!.replace('x', ''))].join('');
      source = source.slice(inline[0].length);
    }
    const translated = source
      .replace(/\\p\{(\w+)\}/g, (whole, name: string) => (JAVA_POSIX_CLASSES[name] ? `[${JAVA_POSIX_CLASSES[name]}]` : whole))
      .replace(/\\P\{(\w+)\}/g, (whole, name: string) => (JAVA_POSIX_CLASSES[name] ? `[^${JAVA_POSIX_CLASSES[name]}]` : whole))
      .replace(/\\A/g, '^')
      .replace(/\\[Zz]/g, '$')
      // Possessive quantifiers (`a*+`) are approximated by greedy ones (JS has no possessive form).
      .replace(/([*+?}])\+/g, '$1');
    re = new RegExp(`^(?:${translated})$`, `${flags}u`);
    patternCache.set(pattern, re);
  }
  return re.test(String(value));
}

function nullableJson(value: unknown): string | null {
  return value === null ? null : JSON.stringify(value);
}

/** Dropped by `util.http.copyHeaders` and refused as response headers (http-helpers-in-utils-http-js.html). */
const HOP_HEADERS = new Set(['transfer-encoding', 'connection', 'host', 'expect', 'keep-alive', 'upgrade', 'proxy-authenticate', 'proxy-authorization', 'te', 'content-length']);
/** Refused as response headers on top of HOP_HEADERS (same page). */
const RESPONSE_ONLY_RESTRICTED = new Set([
  'access-control-allow-credentials',
  'access-control-allow-origin',
  'access-control-expose-headers',
  'access-control-max-age',
  'access-control-allow-methods',
  'access-control-allow-headers',
  'vary',
  'content-type',
]);
const RESTRICTED_HEADER_PREFIXES = ['x-amzn-', 'x-amz-'];
/** "The size of custom response headers can't exceed 4 KB. This includes header names and values." */
const RESPONSE_HEADERS_MAX_BYTES = 4096;

/** `current()` returns the state of the handler that is running. */
export function createGlobals(current: () => RunState, now: () => number = Date.now) {
  const util = {
    escapeJavaScript,
    urlEncode,
    urlDecode,
    base64Encode: (value: string) => Buffer.from(String(value), 'utf8').toString('base64'),
    base64Decode: (value: string) => Buffer.from(String(value), 'base64').toString('utf8'),
    autoId: () => randomUUID(),
    autoUlid: () => ulid(now()),
    autoKsuid: () => ksuid(now()),
    // AWS answers util.unauthorized() with the message "Unauthorized", not the field-denial text
    // ("Not Authorized to access … on type …") its auth checks produce.
    unauthorized: (): never => {
      throw new UtilErrorSignal(errorEntry('Unauthorized', 'Unauthorized'));
    },
    error: (message: unknown, errorType?: unknown, data?: unknown, errorInfo?: unknown): never => {
      throw new UtilErrorSignal(errorEntry(message, errorType, data, errorInfo));
    },
    appendError: (message: unknown, errorType?: unknown, data?: unknown, errorInfo?: unknown): void => {
      current().appendedErrors.push(errorEntry(message, errorType, data, errorInfo));
    },
    matches: (pattern: string, value: string) => javaMatches(pattern, value),
    authType: () => current().authType,
    time: createTimeUtil(now),
    dynamodb: createDynamodbUtil(),
    transform: {
      // A JSON string, or null when the object cannot be rendered (as AWS answers).
      toDynamoDBFilterExpression: (filter: unknown) => nullableJson(filterExpression(filter)),
      toDynamoDBConditionExpression: (condition: unknown) => nullableJson(conditionExpression(condition)),
      toElasticsearchQueryDSL,
      toSubscriptionFilter,
    },
    xml: {
      toMap: xmlToMap,
      toJsonString: xmlToJsonString,
    },
    rds: {
      toJsonObject,
      /** The VTL helper's JS twin: `toJsonObject` as a JSON string. */
      toJsonString: (result: unknown) => JSON.stringify(toJsonObject(result)),
    },
    str: {
      normalize: (value: string, form: string) => String(value).normalize(String(form).toUpperCase() as 'NFC'),
    },
    math: {
      roundNum: (n: number) => Math.round(n),
      minVal: (a: number, b: number) => Math.min(a, b),
      maxVal: (a: number, b: number) => Math.max(a, b),
      randomDouble: () => Math.random(),
      randomWithinRange: (start: number, end: number) => Math.floor(Math.random() * (end - start + 1)) + start,
    },
    http: {
      copyHeaders: (headers: Record<string, unknown>) => {
        const out: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(headers ?? {})) {
          if (!HOP_HEADERS.has(k.toLowerCase())) out[k] = v;
        }
        return out;
      },
      addResponseHeader: (name: unknown, value: unknown) => {
        addHeader(current(), name, value);
      },
      addResponseHeaders: (headers: Record<string, unknown>) => {
        for (const [name, value] of Object.entries(headers ?? {})) addHeader(current(), name, value);
      },
    },
  };

  const extensions = {
    evictFromApiCache: (typeName: string, fieldName: string, keys: Record<string, unknown>) => {
      current().effects.evictFromApiCache.push({ typeName, fieldName, keys: { ...keys } });
    },
    setSubscriptionFilter: (filter: unknown) => {
      current().effects.subscriptionFilter = filter;
    },
    setSubscriptionInvalidationFilter: (filter: unknown) => {
      current().effects.subscriptionInvalidationFilter = filter;
    },
    invalidateSubscriptions: (obj: { subscriptionField: string; payload: Record<string, unknown> }) => {
      current().effects.invalidateSubscriptions.push({ subscriptionField: obj.subscriptionField, payload: { ...obj.payload } });
    },
  };

  const runtime = {
    earlyReturn: (value?: unknown, options?: { skipTo?: 'END' | 'NEXT' }): never => {
      // Without options AWS skips to the next handler of the pipeline; in a pipeline resolver's
      // request handler that is the resolver's response (runtime-utils-js.html).
      throw new EarlyReturnSignal(value === undefined ? null : value, options?.skipTo === 'END' ? 'END' : 'NEXT');
    },
  };

  return { util, extensions, runtime };
}

/**
 * `util.http.addResponseHeader`: a header with an empty or restricted name or a null value is
 * ignored and yields a `ResponseHeaderError` in the operation's errors; the handler carries on
 * (http-helpers-in-utils-http-js.html). The last definition of a name wins.
 */
function addHeader(state: RunState, name: unknown, value: unknown): void {
  const text = typeof name === 'string' ? name : '';
  const lower = text.toLowerCase();
  const refuse = (why: string): void => {
    state.appendedErrors.push(errorEntry(why, 'ResponseHeaderError'));
  };
  if (text.trim() === '') return refuse('Response header name must not be empty');
  if (value === null || value === undefined) return refuse(`Response header ${text} has a null value`);
  if (HOP_HEADERS.has(lower) || RESPONSE_ONLY_RESTRICTED.has(lower) || RESTRICTED_HEADER_PREFIXES.some((p) => lower.startsWith(p))) {
    return refuse(`Response header ${text} is restricted`);
  }
  const rendered = typeof value === 'string' ? value : JSON.stringify(value);
  const current = state.effects.responseHeaders ?? {};
  const headers = { ...current, [text]: rendered };
  const size = Object.entries(headers).reduce((sum, [k, v]) => sum + Buffer.byteLength(k) + Buffer.byteLength(v), 0);
  if (size > RESPONSE_HEADERS_MAX_BYTES) return refuse(`Response header ${text} would take custom response headers past ${RESPONSE_HEADERS_MAX_BYTES} bytes`);
  state.effects.responseHeaders = headers;
}
