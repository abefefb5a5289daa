/**
 * util.* helpers (https://docs.aws.amazon.com/appsync/latest/devguide/built-in-util-js.html and
 * the @aws-appsync/utils typings). Expected values are reasoned from the Java behaviour AWS names
 * (URLEncoder, Pattern.matches, DateTimeFormatter) or from the ULID/KSUID specifications.
 */
import { describe, expect, it } from 'vitest';
import { createGlobals, escapeJavaScript, ksuid, newRunState, ulid, urlDecode, urlEncode, UtilErrorSignal } from '../../../../infra/local/runtime/util';

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

  it('keeps response headers and refuses the restricted x-amz- prefix', () => {
    util.http.addResponseHeader('itemsCount', 7);
    expect(state.responseHeaders).toEqual({ itemsCount: 7 });
    let thrown: unknown;
    try {
      util.http.addResponseHeader('x-amz-date', 'x');
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(UtilErrorSignal);
    expect((thrown as UtilErrorSignal).entry.message).toMatch(/restricted/);
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
