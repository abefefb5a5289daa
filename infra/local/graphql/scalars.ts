/**
 * The AppSync scalars (https://docs.aws.amazon.com/appsync/latest/devguide/scalars.html), validated
 * on input and output the way AppSync describes them. Patterns stay permissive where AWS's page
 * is (AWSPhone, AWSEmail) so that whatever our resolvers validated is also accepted here.
 */
import { GraphQLScalarType, Kind, type GraphQLSchema, type ValueNode } from 'graphql';

/** Offsets: `Z` or `±hh:mm` with optional `:ss` ("considered valid even though not ISO 8601"). */
const OFFSET = '(Z|[+-](?:[01]\\d|2[0-3]):[0-5]\\d(?::[0-5]\\d)?)';
const DATE = '(\\d{4})-(0[1-9]|1[0-2])-(0[1-9]|[12]\\d|3[01])';
const TIME = '(?:[01]\\d|2[0-3]):[0-5]\\d(?::[0-5]\\d(?:\\.\\d{1,9})?)?';

const patterns = {
  AWSDate: new RegExp(`^${DATE}${OFFSET}?$`),
  AWSTime: new RegExp(`^${TIME}${OFFSET}?$`),
  AWSDateTime: new RegExp(`^${DATE}T${TIME}${OFFSET}?$`),
  // RFC 822 local-part@domain-part: no whitespace or RFC 822 specials around one '@'.
  AWSEmail: /^[^\s@<>()[\],;:"]+@[^\s@<>()[\],;:"]+$/,
  // Digits separated by spaces or hyphens (parentheses and dots tolerated), optional +country code.
  AWSPhone: /^\+?[0-9][0-9 ().-]{3,22}[0-9]$/,
};

function realDate(text: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(text);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d;
}

function validUrl(text: string): boolean {
  // AWSURL: a scheme is required (http, mailto, …) and the path may not hold two slashes in a row.
  const m = /^([a-zA-Z][a-zA-Z0-9+.-]*):(.+)$/.exec(text);
  if (!m) return false;
  try {
    const url = new URL(text);
    return !url.pathname.includes('//') && !/\s/.test(text);
  } catch {
    return false;
  }
}

function validIp(text: string): boolean {
  // IPv4 or IPv6, optionally with a CIDR prefix (AppSync: "an IPv4 or IPv6 address … may contain a subnet mask").
  const [address, prefix, extra] = text.split('/');
  if (extra !== undefined || !address) return false;
  const v4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/.test(address);
  let v6 = false;
  if (!v4 && address.includes(':')) {
    try {
      v6 = new URL(`http://[${address}]/`).hostname.length > 2;
    } catch {
      v6 = false;
    }
  }
  if (!v4 && !v6) return false;
  if (prefix === undefined) return true;
  const n = Number(prefix);
  return /^\d+$/.test(prefix) && n >= 0 && n <= (v4 ? 32 : 128);
}

type StringCheck = (text: string) => boolean;

const stringChecks: Record<string, StringCheck> = {
  AWSDate: (t) => patterns.AWSDate.test(t) && realDate(t),
  AWSTime: (t) => patterns.AWSTime.test(t),
  AWSDateTime: (t) => patterns.AWSDateTime.test(t) && realDate(t),
  AWSEmail: (t) => patterns.AWSEmail.test(t),
  AWSPhone: (t) => patterns.AWSPhone.test(t),
  AWSURL: validUrl,
  AWSIPAddress: validIp,
};

/** A value that is not a valid AWS scalar (graphql-js reports it with the value's location). */
export class ScalarValueError extends Error {
  override name = 'ScalarValueError';
}

function invalid(type: string, value: unknown): ScalarValueError {
  return new ScalarValueError(`Invalid ${type} value: ${JSON.stringify(value)}`);
}

function stringScalar(name: string, check: StringCheck): Pick<GraphQLScalarType, 'serialize' | 'parseValue' | 'parseLiteral'> {
  const accept = (value: unknown): string => {
    if (typeof value !== 'string' || !check(value)) throw invalid(name, value);
    return value;
  };
  return {
    serialize: accept,
    parseValue: accept,
    parseLiteral: (node: ValueNode) => {
      if (node.kind !== Kind.STRING) throw invalid(name, 'value' in node ? node.value : node.kind);
      return accept(node.value);
    },
  };
}

const awsJson: Pick<GraphQLScalarType, 'serialize' | 'parseValue' | 'parseLiteral'> = {
  // Output: a map or list is sent as its JSON text; text is sent as it is.
  serialize: (value) => (typeof value === 'string' ? value : JSON.stringify(value)),
  // Input: "any valid JSON construct is automatically parsed and loaded in the resolver code as
  // maps, lists, or scalar values rather than as the literal input strings".
  parseValue: (value) => {
    if (typeof value !== 'string') throw invalid('AWSJSON', value);
    try {
      return JSON.parse(value) as unknown;
    } catch {
      throw invalid('AWSJSON', value);
    }
  },
  parseLiteral: (node) => {
    // AWSJSON is written as a JSON *string* in documents; an object literal is not one.
    if (node.kind !== Kind.STRING) throw invalid('AWSJSON', 'value' in node ? node.value : node.kind);
    try {
      return JSON.parse(node.value) as unknown;
    } catch {
      throw invalid('AWSJSON', node.value);
    }
  },
};

const awsTimestamp: Pick<GraphQLScalarType, 'serialize' | 'parseValue' | 'parseLiteral'> = {
  // Seconds before or after 1970-01-01T00:00Z, an integer.
  serialize: (value) => {
    const n = typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : value;
    if (typeof n !== 'number' || !Number.isSafeInteger(n)) throw invalid('AWSTimestamp', value);
    return n;
  },
  parseValue: (value) => {
    if (typeof value !== 'number' || !Number.isSafeInteger(value)) throw invalid('AWSTimestamp', value);
    return value;
  },
  parseLiteral: (node) => {
    if (node.kind !== Kind.INT) throw invalid('AWSTimestamp', 'value' in node ? node.value : node.kind);
    return Number(node.value);
  },
};

export const awsScalarBehaviour: Record<string, Pick<GraphQLScalarType, 'serialize' | 'parseValue' | 'parseLiteral'>> = {
  ...Object.fromEntries(Object.entries(stringChecks).map(([name, check]) => [name, stringScalar(name, check)])),
  AWSJSON: awsJson,
  AWSTimestamp: awsTimestamp,
};

/** Gives the AWS scalars of a schema built from SDL their AppSync behaviour (in place). */
export function installAwsScalars(schema: GraphQLSchema): void {
  for (const [name, behaviour] of Object.entries(awsScalarBehaviour)) {
    const type = schema.getType(name);
    if (type instanceof GraphQLScalarType) Object.assign(type, behaviour);
  }
}

/** True when `value` is a valid `name` scalar value on input (for tests and the console). */
export function isValidScalar(name: string, value: unknown): boolean {
  const behaviour = awsScalarBehaviour[name];
  if (!behaviour) throw new Error(`${name} is not an AWS scalar`);
  try {
    behaviour.parseValue(value);
    return true;
  } catch {
    return false;
  }
}
