/**
 * `util.dynamodb.*` (https://docs.aws.amazon.com/appsync/latest/devguide/dynamodb-helpers-in-util-dynamodb-js.html).
 *
 * The JS documentation shows numbers as JSON numbers (`{ "N": 1234 }`), sets as what was passed,
 * and arrays always as lists (`L`, never `SS`/`NS`): this module reproduces exactly that. The
 * DynamoDB data source accepts `N` as a number or a string.
 */

export type AttributeValue =
  | { S: string }
  | { N: number | string }
  | { BOOL: boolean }
  | { NULL: null }
  | { L: AttributeValue[] }
  | { M: Record<string, AttributeValue> }
  | { SS: string[] }
  | { NS: (number | string)[] }
  | { B: string }
  | { BS: string[] };

/** Values that cannot be represented (functions, symbols, `undefined`) come back as `undefined`. */
export function toDynamoDB(value: unknown): AttributeValue | undefined {
  if (value === null) return { NULL: null };
  switch (typeof value) {
    case 'string':
      return { S: value };
    case 'number':
      return { N: value };
    case 'bigint':
      return { N: value.toString() };
    case 'boolean':
      return { BOOL: value };
    case 'object':
      if (Array.isArray(value)) return { L: value.map((v) => toDynamoDB(v) ?? { NULL: null }) };
      return { M: toMapValues(value as Record<string, unknown>) };
    default:
      return undefined;
  }
}

/** Each value converted; keys whose value is `undefined` are left out (as JSON would). */
export function toMapValues(map: Record<string, unknown> | null | undefined): Record<string, AttributeValue> {
  const out: Record<string, AttributeValue> = {};
  if (map === null || map === undefined) return out;
  for (const [key, value] of Object.entries(map)) {
    const converted = toDynamoDB(value);
    if (converted !== undefined) out[key] = converted;
  }
  return out;
}

const nullable =
  <T, R>(fn: (value: T) => R) =>
  (value: T | null | undefined): R | null =>
    value === null || value === undefined ? null : fn(value);

/** Converts a DynamoDB attribute value back to plain JSON (what AppSync hands to `ctx.result`). */
export function fromDynamoDB(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  const av = value as Record<string, unknown>;
  if ('S' in av) return av.S;
  if ('N' in av) return Number(av.N);
  if ('BOOL' in av) return av.BOOL;
  if ('NULL' in av) return null;
  if ('L' in av) return (av.L as unknown[]).map(fromDynamoDB);
  if ('M' in av) return Object.fromEntries(Object.entries(av.M as Record<string, unknown>).map(([k, v]) => [k, fromDynamoDB(v)]));
  if ('SS' in av) return av.SS;
  if ('NS' in av) return (av.NS as unknown[]).map(Number);
  if ('B' in av) return av.B;
  if ('BS' in av) return av.BS;
  return value;
}

/** The `util.dynamodb` object as resolver code sees it. */
export function createDynamodbUtil() {
  return {
    toDynamoDB: (value: unknown) => toDynamoDB(value) ?? null,
    toMapValues,
    toString: nullable((value: string) => ({ S: String(value) })),
    toStringSet: nullable((list: string[]) => ({ SS: [...list] })),
    toNumber: nullable((num: number) => ({ N: num })),
    toNumberSet: nullable((numbers: number[]) => ({ NS: [...numbers] })),
    toBinary: nullable((value: string) => ({ B: value })),
    toBinarySet: nullable((values: string[]) => ({ BS: [...values] })),
    toBoolean: nullable((value: boolean) => ({ BOOL: value })),
    toNull: () => ({ NULL: null }),
    toList: nullable((list: unknown[]) => toDynamoDB(Array.isArray(list) ? list : [list])),
    toMap: nullable((map: Record<string, unknown>) => ({ M: toMapValues(map) })),
    /**
     * S3 objects are stored as a string attribute holding `{"s3":{"key","bucket","region"[,"version"]}}`
     * (dynamodb-helpers-in-util-dynamodb-js.html, toS3Object).
     */
    toS3Object: (key: string, bucket: string, region: string, version?: string) => {
      const s3: Record<string, string> = { key, bucket, region };
      if (version !== undefined && version !== null) s3.version = version;
      return { S: JSON.stringify({ s3 }) };
    },
    fromS3ObjectJson: (value: string) => {
      const parsed = JSON.parse(value) as { s3?: Record<string, string> };
      return parsed.s3 ?? null;
    },
  };
}
