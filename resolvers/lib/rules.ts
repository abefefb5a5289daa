/**
 * What the two validators share beyond the generated model table (schema/generated/models.ts):
 * the anchored patterns of each cell format, the characters an identifier may not hold, and the
 * limits of a batch and of a stored row error. The APPSYNC_JS validator (`./validate.ts`,
 * `util.matches`, Java's Pattern) and the engine's (clients/ingest/validate.ts, `RegExp`) read the
 * same strings, so they are written in the common subset of both regex dialects.
 *
 * APPSYNC_JS-safe: plain data, no functions.
 */
import type { FieldFormat, FieldRule } from '../../schema/models';

export type { FieldFormat, FieldRule };

/**
 * Anchored patterns of the cell formats (`date` also needs a calendar check, `url` a path check).
 * - email: local@domain.tld, each part made of characters outside
 *   `[^\s@,;:<>()\[\]"\\\u0000-\u001f\u007f-\u00a0\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]`: none of
 *   RFC 822's specials ()<>@,;:\"[] (what AppSync's AWSEmail refuses: `poison@[10.0.0.1]` would be
 *   stored and then break every query returning it), no whitespace, control, zero-width or
 *   bidi-override characters (they make look-alike addresses);
 * - url (AWSURL): a scheme, then something; the path may not hold two slashes in a row (checked apart).
 * Plain literals (no template, no comments inside), so that bundles importing only the limits below
 * leave this table out.
 */
export const PATTERNS = {
  email:
    '^[^\\s@,;:<>()\\[\\]"\\\\\\u0000-\\u001f\\u007f-\\u00a0\\u200b-\\u200f\\u2028-\\u202e\\u2060-\\u2069\\ufeff]+@[^\\s@,;:<>()\\[\\]"\\\\\\u0000-\\u001f\\u007f-\\u00a0\\u200b-\\u200f\\u2028-\\u202e\\u2060-\\u2069\\ufeff]+\\.[^\\s@,;:<>()\\[\\]"\\\\\\u0000-\\u001f\\u007f-\\u00a0\\u200b-\\u200f\\u2028-\\u202e\\u2060-\\u2069\\ufeff]+$',
  phone: '^\\+?[0-9][0-9 ().\\-]{5,22}[0-9]$',
  date: '^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$',
  decimal: '^-?[0-9]+(\\.[0-9]+)?$',
  integer: '^-?[0-9]+$',
  url: '^[a-zA-Z][a-zA-Z0-9+.\\-]*:[^\\s]+$',
} as const;

/** What a FORMAT error says after the column's label, per format (`Email is not a valid email address.`). */
export const FORMAT_MESSAGES: Partial<Record<FieldFormat, string>> = {
  email: 'is not a valid email address',
  phone: 'is not a valid phone number',
  date: 'is not a date in the form YYYY-MM-DD',
  url: 'is not a valid URL',
  integer: 'is not a whole number',
  decimal: 'is not a number',
};

/**
 * The characters an identifier (a @unique field, a reference column) may not hold, as one class:
 * C0 and C1 controls, zero-width characters and marks, line and paragraph separators, bidi
 * embeddings, overrides and isolates, word joiners, the BOM. They make look-alike keys.
 */
export const IDENTIFIER_FORBIDDEN = '[\\u0000-\\u001f\\u007f-\\u009f\\u200b-\\u200f\\u2028-\\u202e\\u2060-\\u2069\\ufeff]';

/** The largest (and, negated minus one, smallest) value of a GraphQL Int: AppSync refuses to return more. */
export const INT_MAX = 2147483647;

/**
 * The longest batch recordRejectedRows accepts (a ROW# item a row + marker + META within
 * TransactWriteItems' 100) and the engine's default. An import batch's own limit is its model's
 * `batchRows` (generated from the items a row needs).
 */
export const MAX_BATCH_ROWS = 49;

/**
 * How much of a rejected row the server stores (a `ROW#` item, and the errors again in the batch
 * marker's outcomes), so that rows of any width fit DynamoDB's 400 KB item limit and a batch of 49
 * fits TransactWriteItems' 4 MB: each cell cut to `cellChars` (marked "… [N more characters]"),
 * header names, fields and codes to `nameChars`, the row's JSON to about `rawChars` (cells after
 * that are counted, not stored), at most `errors` errors (then one MORE_ERRORS) of `messageChars`.
 * Worst case, every character 3 UTF-8 bytes: one error ≤ (64 + 64 + 200)·3 = 984 B, so a ROW item
 * ≤ 8,192·3 + 7·984 B ≈ 31 KB and a marker's errors ≤ 49·7·984 B ≈ 337 KB, both under 400 KB, and a
 * batch ≤ 49·31 KB + 337 KB ≈ 1.9 MB. The client's `--errors-out` report keeps the whole row.
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ServiceQuotas.html
 */
export const ROW_ERROR_LIMITS = {
  cellChars: 1024,
  nameChars: 64,
  rawChars: 8192,
  errors: 6,
  messageChars: 200,
} as const;
