// AWS scalars validated as AppSync's scalars page describes them
// (https://docs.aws.amazon.com/appsync/latest/devguide/scalars.html); examples are the page's own where it gives some.
import { describe, expect, it } from 'vitest';
import { awsScalarBehaviour, isValidScalar } from '../../../../infra/local/graphql/scalars';

const cases: Record<string, { valid: unknown[]; invalid: unknown[] }> = {
  AWSDate: {
    // "1970-01-01Z, 1970-01-01-07:00 and 1970-01-01+05:30 are all valid"; seconds in the offset are accepted.
    valid: ['1970-01-01', '1970-01-01Z', '1970-01-01-07:00', '1970-01-01+05:30', '1970-01-01+05:30:10', '2024-02-29'],
    invalid: ['1970-1-1', '2026-02-30', '2023-02-29', '1970-01-01T00:00Z', '19700101', '', 20260101],
  },
  AWSTime: {
    valid: ['12:30', '12:30:24', '12:30:24.500', '12:30:24.123456789', '12:30:24Z', '12:30:24-07:00', '12:30+05:30'],
    invalid: ['25:00', '12:60', '12:30:24.', '1230', '12:30:24 Z'],
  },
  AWSDateTime: {
    valid: ['1930-01-01T16:00:00-07:00', '2026-11-22T21:00:00.000Z', '2026-11-22T21:00Z', '2026-11-22T21:00:00'],
    invalid: ['2026-11-22', '2026-11-22 21:00:00Z', '2026-13-01T00:00:00Z', '2026-11-22T24:00:00Z'],
  },
  AWSEmail: {
    valid: ['example@example.com', 'first.last+tag@sub.example.co.uk', "o'brien@example.ie"],
    invalid: ['no-at-sign', 'a b@example.com', 'a@b@c.com', '@example.com', 'user@', ' ada@example.com '],
  },
  AWSPhone: {
    // "Phone numbers can contain either spaces or hyphens to separate digit groups."
    valid: ['+1 555 555 5555', '555-555-5555', '+44 20 7946 0958', '5555555555'],
    invalid: ['abc', '12', 'call me', '+1 555 555 5555 ext'],
  },
  AWSURL: {
    // "https://www.amazon.com/dp/B000NZW3KC/ or mailto:example@example.com"; a scheme is required; no // in the path.
    valid: ['https://www.amazon.com/dp/B000NZW3KC/', 'mailto:example@example.com', 'http://localhost:4000/graphql'],
    invalid: ['www.amazon.com', 'https://www.amazon.com//dp', 'not a url', ''],
  },
  AWSIPAddress: {
    // quad-dotted IPv4, non-bracketed IPv6, optional CIDR suffix.
    valid: ['123.12.34.56', '1a2b:3c4b::1234:4567', '::1', '123.45.67.89/16', '1a2b::/64'],
    invalid: ['256.1.1.1', '1.2.3', '[::1]', '123.45.67.89/33', 'localhost'],
  },
  AWSTimestamp: {
    valid: [0, 1700000000, -123],
    invalid: [1.5, '1700000000', null],
  },
  AWSJSON: {
    valid: ['{"a":1}', '[1,2]', '"text"', '3', 'null'],
    invalid: ['not json', "{'a':1}", '{"a":', 42],
  },
};

describe('AWS scalars', () => {
  for (const [scalar, { valid, invalid }] of Object.entries(cases)) {
    it(`accepts what AppSync documents as a valid ${scalar}`, () => {
      expect(valid.filter((v) => !isValidScalar(scalar, v))).toEqual([]);
    });
    it(`refuses what is not a valid ${scalar}`, () => {
      expect(invalid.filter((v) => isValidScalar(scalar, v))).toEqual([]);
    });
  }

  it('hands AWSJSON input to resolvers parsed, and sends maps out as JSON text', () => {
    expect(awsScalarBehaviour.AWSJSON!.parseValue('{"a":[1,true]}')).toEqual({ a: [1, true] });
    expect(awsScalarBehaviour.AWSJSON!.serialize({ a: 1 })).toBe('{"a":1}');
    expect(awsScalarBehaviour.AWSJSON!.serialize('{"already":"text"}')).toBe('{"already":"text"}');
  });

  it('refuses to send an invalid value out (a resolver returning a bad AWSDateTime)', () => {
    expect(() => awsScalarBehaviour.AWSDateTime!.serialize('yesterday')).toThrow(/Invalid AWSDateTime/);
  });
});
