/**
 * Keys of the Uniques table (docs/architecture.md "Data and uniqueness"). APPSYNC_JS-safe: plain string work.
 *
 * A customer's email is unique after trimming and lower-casing. The claim item
 * `{ key: 'email#<normalised email>', kind: 'EMAIL', customerId }` is written in the same
 * TransactWriteItems as the customer, with `attribute_not_exists(#key)`, so two customers can never
 * hold one email: the loser's transaction is cancelled and its cancellation reason names the claim.
 */
import { util } from '@aws-appsync/utils';

/** A claim in the Uniques table: who owns a unique value. */
export interface EmailClaim {
  key: string;
  kind: 'EMAIL';
  customerId: string;
  /** Set when the customer came from an ingestion (the claim then says which file row took it). */
  ingestionId?: string | null;
  rowNumber?: number | null;
}

/**
 * The form emails are stored and compared in: trimmed, Unicode NFC (so `café` typed as é or as
 * e + combining accent is one address) and lower-cased. `util.str.normalize` is APPSYNC_JS's
 * (https://docs.aws.amazon.com/appsync/latest/devguide/str-helpers-in-util-str-js.html); the engine
 * uses String.prototype.normalize('NFC'), which gives the same form.
 */
export function normalizeEmail(email: string): string {
  return util.str.normalize(email.trim(), 'nfc').toLowerCase();
}

/** The Uniques key of an email's claim. Pass the normalised email. */
export function emailClaimKey(normalizedEmail: string): string {
  return `email#${normalizedEmail}`;
}

/** The claim item for a normalised email owned by `customerId`. */
export function emailClaim(normalizedEmail: string, customerId: string): EmailClaim {
  return { key: emailClaimKey(normalizedEmail), kind: 'EMAIL', customerId };
}

/** The AppSync environment variables that carry the physical table names (infra/wiring.ts `envVar`). */
export type TableEnvVar = 'CUSTOMERS_TABLE' | 'PROJECTS_TABLE' | 'UNIQUES_TABLE' | 'INGESTIONS_TABLE';

/** The physical name of a table, from `ctx.env` (transactions name their tables explicitly). */
export function tableName(env: Record<string, string>, variable: TableEnvVar): string {
  return env[variable] as string;
}
