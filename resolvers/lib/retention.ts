/**
 * When a row error or batch marker written now expires (DynamoDB TTL, epoch seconds), from the
 * `ROW_ERROR_RETENTION_DAYS` AppSync environment variable (infra/retention.ts); 30 days without it.
 * APPSYNC_JS-safe: JSON.parse reads the number (it answers "" for anything that is not JSON).
 */
import { util } from '@aws-appsync/utils';

const DEFAULT_DAYS = 30;
const SECONDS_PER_DAY = 86400;

export function expiresAt(env: Record<string, string>): number {
  const text = env.ROW_ERROR_RETENTION_DAYS;
  const parsed: unknown = text ? JSON.parse(text) : DEFAULT_DAYS;
  const days = typeof parsed === 'number' && parsed >= 1 ? Math.floor(parsed) : DEFAULT_DAYS;
  return util.time.nowEpochSeconds() + days * SECONDS_PER_DAY;
}
