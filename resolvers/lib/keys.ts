/**
 * Keys of the Uniques table (docs/architecture.md "Data and uniqueness"). APPSYNC_JS-safe: plain string work.
 *
 * Every @unique value a record holds is claimed by one item `{ key: '<claim>#<normalised value>',
 * kind: 'UNIQUE', model, field, ownerId }` written in the same TransactWriteItems as the record, with
 * `attribute_not_exists(#key)`, so two records can never hold one value: the loser's transaction is
 * cancelled and its cancellation reason names the claim. `<claim>` is the model's UniqueSpec.claim
 * (`customer.email`, `invoice.invoiceNumber`); a composite unique appends its `with` values
 * (`<claim>#<value>#<with value>…`). A file's claim is `file#<sha256>` (./ingestion).
 */
import { util } from '@aws-appsync/utils';
import type { Normalize } from '../../schema/models';

/** A claim in the Uniques table: which record owns a unique value. */
export interface UniqueClaim {
  key: string;
  kind: 'UNIQUE';
  /** The owner's model (GraphQL type) and the claimed field. */
  model: string;
  field: string;
  ownerId: string;
  /** Set when the record came from an ingestion (the claim then says which file row took it). */
  ingestionId?: string | null;
  rowNumber?: number | null;
  /** The run (META `resumes` at the time) that created the record. */
  run?: number | null;
  /** Set once a resumed run answered the row ALREADY_IMPORTED (it moved from created then). */
  reimportedAt?: string | null;
}

/**
 * The form a unique value is compared in (UniqueSpec.normalize): TRIM trims and applies Unicode NFC
 * (so `café` typed as é or as e + combining accent is one value; case matters); CASE_INSENSITIVE and
 * EMAIL also lower-case it. `util.str.normalize` is APPSYNC_JS's
 * (https://docs.aws.amazon.com/appsync/latest/devguide/str-helpers-in-util-str-js.html); the engine
 * uses String.prototype.normalize('NFC'), which gives the same form.
 */
export function normalizeUnique(normalize: Normalize | string, value: string): string {
  const nfc = util.str.normalize(value.trim(), 'nfc');
  return normalize === 'TRIM' ? nfc : nfc.toLowerCase();
}

/** The Uniques key of a claimed value: pass the normalised value (and a composite's `with` values, in order). */
export function claimKey(claim: string, value: string, withValues?: string[] | null): string {
  let key = `${claim}#${value}`;
  for (const other of withValues || []) {
    key = `${key}#${other}`;
  }
  return key;
}

/**
 * A customer's email: the Customer model's @unique(normalize: EMAIL) as codegen declares it
 * (schema/generated/models.ts; a test keeps the two equal). The Customer CRUD resolvers,
 * customerByEmail and the erasure use it without the whole model table in their bundles.
 */
export const CUSTOMER_EMAIL = { model: 'Customer', field: 'email', claim: 'customer.email', normalize: 'EMAIL' } as const;

/** A customer's email as stored and compared: trimmed, NFC, lower-cased. */
export function normalizeEmail(email: string): string {
  return normalizeUnique(CUSTOMER_EMAIL.normalize, email);
}

/** The Uniques key of a customer email's claim. Pass the normalised email. */
export function emailClaimKey(normalizedEmail: string): string {
  return claimKey(CUSTOMER_EMAIL.claim, normalizedEmail);
}

/** The claim item for a normalised email owned by customer `ownerId`. */
export function emailClaim(normalizedEmail: string, ownerId: string): UniqueClaim {
  return { key: emailClaimKey(normalizedEmail), kind: 'UNIQUE', model: CUSTOMER_EMAIL.model, field: CUSTOMER_EMAIL.field, ownerId };
}

/** The AppSync environment variables that carry the physical table names (infra/wiring.ts `envVar`). */
export type TableEnvVar = 'CUSTOMERS_TABLE' | 'PROJECTS_TABLE' | 'UNIQUES_TABLE' | 'INGESTIONS_TABLE';

/** The physical name of a table, from `ctx.env` (transactions name their tables explicitly). */
export function tableName(env: Record<string, string>, variable: TableEnvVar): string {
  return env[variable] as string;
}
