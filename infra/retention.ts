/**
 * How long row errors and batch markers are kept, shared by the CDK app and the local stack: the
 * resolvers stamp an `expiresAt` (epoch seconds) on each from the AppSync environment variable
 * below, DynamoDB TTL deletes them in AWS, and the local stack's sweeper does it locally.
 */

/** The AppSync environment variable (`ctx.env`) holding the retention in whole days. */
export const RETENTION_ENV_VAR = 'ROW_ERROR_RETENTION_DAYS';

/** `-c rowErrorRetentionDays` when not given. */
export const DEFAULT_ROW_ERROR_RETENTION_DAYS = 30;

/** Whole days from 1 to 3650: a typo such as `0` or `30d` must not silently keep data for ever or delete it at once. */
export function parseRetentionDays(value: unknown, what = 'rowErrorRetentionDays'): number {
  if (value === undefined || value === null || value === '') return DEFAULT_ROW_ERROR_RETENTION_DAYS;
  const days = typeof value === 'number' ? value : Number(String(value).trim());
  if (!Number.isInteger(days) || days < 1 || days > 3650) {
    throw new RangeError(`${what} must be a whole number of days from 1 to 3650, not ${JSON.stringify(value)}.`);
  }
  return days;
}

/** `ctx.env` entries for the retention (AppSync environment variables are strings). */
export function retentionEnvironment(days: number = DEFAULT_ROW_ERROR_RETENTION_DAYS): Record<string, string> {
  return { [RETENTION_ENV_VAR]: String(parseRetentionDays(days)) };
}
