/**
 * util.* helpers (https://docs.aws.amazon.com/appsync/latest/devguide/built-in-util-js.html and
 * the @aws-appsync/utils typings). Expected values are reasoned from the Java behaviour AWS names
 * (URLEncoder, Pattern.matches, DateTimeFormatter) or from the ULID/KSUID specifications.
 */
import { describe, expect, it } from 'vitest';
import { createGlobals, escapeJavaScript, ksuid, newRunState, ulid, urlDecode, urlEncode } from '../../../../infra/local/runtime/util';

const state = newRunState('getCustomer', 'Query', 'IAM Authorization');
const { util } = createGlobals(() => state, () => Date.UTC(2024, 0, 2, 3, 4, 5, 678));

describe('encoding', () => {
  it('URL-encodes as application/x-www-form-urlencoded: spaces as +, UTF-8 bytes as %XX', () => {
    expect(urlEncode('a b&c=d/é*~')).toBe('a+b%26c%3Dd%2F%C3%A9*%7E');
    expect(urlDecode('a+b%26c%3Dd%2F%C3%A9')).toBe('a b&c=d/é');
  });

  it('base64-encodes UTF-8 text and decodes it back', () => {
    expect(util.base64Encode('héllo')).toBe('aMOpbGxv');
    expect(util.base64Decode('aMOpbGxv')).toBe('héllo');
  });

  it('escapes quotes, slashes, control and non-ASCII characters for JavaScript', () => {
    expect(escapeJavaScript(`He said "hi"/'yo'\n\té`)).toBe(`He said \\"hi\\"\\/\\'yo\\'\\n\\t\\u00E9`);
  });
});

describe('ids', () => {
  it('makes a UUID v4 with autoId', () => {
    expect(util.autoId()).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('makes a 26-character ULID whose first 10 characters encode the time', () => {
    const id = ulid(Date.UTC(2024, 0, 2, 3, 4, 5, 678));
    expect(id).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
    const time = [...id.slice(0, 10)].reduce((n, c) => n * 32 + '0123456789ABCDEFGHJKMNPQRSTVWXYZ'.indexOf(c), 0);
    expect(time).toBe(Date.UTC(2024, 0, 2, 3, 4, 5, 678));
  });

  it('makes a 27-character base62 KSUID that sorts by time', () => {
    const early = ksuid(Date.UTC(2020, 0, 1));
    const late = ksuid(Date.UTC(2024, 0, 1));
    expect(early).toMatch(/^[0-9A-Za-z]{27}$/);
    expect(early < late).toBe(true);
  });
});

describe('util functions', () => {
  it('matches the whole string like Java Pattern.matches', () => {
    expect(util.matches('[a-z]+@[a-z]+\\.com', 'me@x.com')).toBe(true);
    expect(util.matches('[a-z]+', 'abc1')).toBe(false);
  });

  it('understands Java-only pattern syntax: POSIX classes and inline flags', () => {
    expect(util.matches('\\p{Alpha}+\\p{Digit}{2}', 'abc12')).toBe(true);
    expect(util.matches('\\p{Upper}+', 'abc')).toBe(false);
    expect(util.matches('(?i)hello', 'HeLLo')).toBe(true);
  });

  it('answers the auth type of the request', () => {
    expect(util.authType()).toBe('IAM Authorization');
  });

  it('normalises strings with util.str.normalize', () => {
    expect(util.str.normalize('e\u0301', 'nfc')).toBe('é');
    expect(util.str.normalize('ﬁ', 'nfkd')).toBe('fi');
  });

  it('converts S3 objects to and from their DynamoDB string form', () => {
    // Recorded EvaluateCode answer (localstack/appsync-utils index.test.js.snap): compact JSON.
    expect(util.dynamodb.toS3Object('foo', 'bar', 'baz')).toEqual({ S: '{"s3":{"key":"foo","bucket":"bar","region":"baz"}}' });
    expect(util.dynamodb.fromS3ObjectJson('{"s3":{"key":"foo","bucket":"bar","region":"baz","version":"beep"}}')).toEqual({
      key: 'foo',
      bucket: 'bar',
      region: 'baz',
      version: 'beep',
    });
  });

  // https://docs.aws.amazon.com/appsync/latest/devguide/http-helpers-in-utils-http-js.html: "Headers with
  // an empty or restricted name (String) or a null value (Object) will be ignored and yield a
  // ResponseHeaderError error that is added to the operation's errors output."
  it('keeps response headers, renders non-text values as JSON, and lets the last definition win', () => {
    const run = newRunState('getCustomer', 'Query', 'IAM Authorization');
    const { util: u } = createGlobals(() => run);
    u.http.addResponseHeader('itemsCount', 7);
    u.http.addResponseHeaders({ headerString: 'stringValue', headerObject: { field1: 7, field2: 'string' } });
    u.http.addResponseHeader('headerString', 'again');
    expect(run.effects.responseHeaders).toEqual({ itemsCount: '7', headerString: 'again', headerObject: '{"field1":7,"field2":"string"}' });
    expect(run.appendedErrors).toEqual([]);
  });

  it.each([
    ['x-amz-date', 'x'],
    ['X-Amzn-RequestId', 'x'],
    ['Content-Type', 'text/plain'],
    ['vary', 'Origin'],
    ['Access-Control-Allow-Origin', '*'],
    ['transfer-encoding', 'chunked'],
    ['', 'x'],
    ['render', null],
  ])('records a ResponseHeaderError for %j and carries on', (name, value) => {
    const run = newRunState('getCustomer', 'Query', 'IAM Authorization');
    const { util: u } = createGlobals(() => run);
    expect(() => u.http.addResponseHeader(name, value)).not.toThrow();
    u.http.addResponseHeader('kept', 'yes');
    expect(run.effects.responseHeaders).toEqual({ kept: 'yes' });
    expect(run.appendedErrors).toHaveLength(1);
    expect(run.appendedErrors[0]!.errorType).toBe('ResponseHeaderError');
  });

  it('refuses a header that takes the custom headers past 4 KB, keeping the earlier ones', () => {
    const run = newRunState('getCustomer', 'Query', 'IAM Authorization');
    const { util: u } = createGlobals(() => run);
    u.http.addResponseHeader('a', 'x'.repeat(4000));
    u.http.addResponseHeader('b', 'y'.repeat(200));
    expect(Object.keys(run.effects.responseHeaders ?? {})).toEqual(['a']);
    expect(run.appendedErrors.map((e) => e.errorType)).toEqual(['ResponseHeaderError']);
  });

  it('copies request headers without the ten restricted ones the page lists, in any case', () => {
    const headers = {
      'Transfer-Encoding': 'chunked',
      connection: 'keep-alive',
      Host: 'api.example.com',
      expect: '100-continue',
      'keep-alive': 'timeout=5',
      upgrade: 'h2c',
      'proxy-authenticate': 'Basic',
      'Proxy-Authorization': 'Basic x',
      te: 'trailers',
      'Content-Length': '12',
      authorization: 'Bearer t',
      'x-api-key': 'k',
      'x-amz-date': '20240102T030405Z',
      'content-type': 'application/json',
    };
    // Only the listed headers go: authorization, x-api-key and x-amz-* are not on the list.
    expect(util.http.copyHeaders(headers)).toEqual({
      authorization: 'Bearer t',
      'x-api-key': 'k',
      'x-amz-date': '20240102T030405Z',
      'content-type': 'application/json',
    });
  });
});

describe('util.time with Java DateTimeFormatter patterns', () => {
  it('formats month and day names, 12-hour clocks and fractions', () => {
    expect(util.time.nowFormatted("EEE, d MMM yyyy hh:mm a 'UTC' SSS")).toBe('Tue, 2 Jan 2024 03:04 AM UTC 678');
    expect(util.time.epochMilliSecondsToFormatted(Date.UTC(2024, 6, 1, 12), 'EEEE dd MMMM yyyy HH:mm XXX', 'America/New_York')).toBe(
      'Monday 01 July 2024 08:00 -04:00',
    );
  });

  it('parses a pattern in a named zone across daylight saving time', () => {
    // 2024-01-15 09:00 in New York is UTC-5, 2024-07-15 09:00 is UTC-4.
    expect(util.time.parseFormattedToEpochMilliSeconds('2024-01-15 09:00', 'yyyy-MM-dd HH:mm', 'America/New_York')).toBe(Date.UTC(2024, 0, 15, 14));
    expect(util.time.parseFormattedToEpochMilliSeconds('2024-07-15 09:00', 'yyyy-MM-dd HH:mm', 'America/New_York')).toBe(Date.UTC(2024, 6, 15, 13));
  });

  it('parses ISO 8601 with Z and without seconds', () => {
    expect(util.time.parseISO8601ToEpochMilliSeconds('2024-01-02T03:04Z')).toBe(Date.UTC(2024, 0, 2, 3, 4));
  });
});
