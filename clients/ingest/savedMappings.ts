/**
 * Saved column mappings, the clients' side (docs/mappings.md). A mapping a user confirmed is kept
 * on the server (Mutation.saveMapping, owned by the user) under a fingerprint of the model and the
 * normalised header row; the next file with the same header row gets it back (Query.getMapping)
 * and the engine applies it (`ingestFile`'s `savedMapping` option). One implementation for the CLI
 * and the page: the SHA-256 is injected (node:crypto in the CLI, Web Crypto in the page), as the
 * engine's file hashes are.
 */
import type { GraphQLClient } from '../api/client';
import { GetMappingDocument, SaveMappingDocument, type ModelName, type SavedMappingFieldsFragment } from '../api/generated';
import { mappingProblems, MAPPING_LIMITS, type MappingProblem } from '../../resolvers/lib/mappings';
import { fieldByName, modelByApiName, normalizeHeader, type Mapping, type MappingOverride, type ModelMeta } from './models';
import type { Hasher } from './reader';

export { MAPPING_LIMITS, mappingProblems, type MappingProblem };

/** SHA-256 of some bytes as lower-case hex (node:crypto, Web Crypto, or a streaming `Hasher`). */
export type Sha256Digest = (bytes: Uint8Array) => Promise<string>;

/** A streaming hasher factory (the engine's `createHasher`) as a `Sha256Digest`. */
export function hasherDigest(createHasher: () => Hasher): Sha256Digest {
  return async (bytes) => {
    const hasher = createHasher();
    hasher.update(bytes);
    return hasher.digest();
  };
}

/** What a fingerprint's text starts with: a new way of normalising headers would change it. */
export const FINGERPRINT_VERSION = 'foreman.mapping.v1';

/**
 * The text a fingerprint hashes: JSON of the version, the model's key and every header normalised
 * (`normalizeHeader`: case, spacing and punctuation do not matter), in file order. JSON makes the
 * join unambiguous (a header holding a comma or a quote cannot pass for two).
 * @example fingerprintText(customer, ['E-Mail', 'Name']) // '["foreman.mapping.v1","customer",["e mail","name"]]'
 */
export function fingerprintText(model: ModelMeta, headers: readonly string[]): string {
  return JSON.stringify([FINGERPRINT_VERSION, model.key, headers.map(normalizeHeader)]);
}

/** The fingerprint of a header row for a model: lower-case hex SHA-256 of `fingerprintText`. */
export function mappingFingerprint(model: ModelMeta, headers: readonly string[], digest: Sha256Digest): Promise<string> {
  return digest(new TextEncoder().encode(fingerprintText(model, headers)));
}

/** A saved mapping as the engine uses it. */
export interface SavedMappingMatch {
  fingerprint: string;
  model: ModelMeta;
  /** The header row it was saved for (the same, normalised, as the file's). */
  headers: string[];
  /** Column → field (or null: ignored), as the engine's explicit mapping. */
  mapping: MappingOverride;
  createdAt: string;
  updatedAt: string;
}

/** A `SavedMapping` from the API as a match; null when its model or mapping is not one this client knows. */
export function toSavedMatch(saved: SavedMappingFieldsFragment): SavedMappingMatch | null {
  const model = modelByApiName(saved.model);
  if (!model) return null;
  let parsed: unknown;
  try {
    parsed = typeof saved.mapping === 'string' ? JSON.parse(saved.mapping) : saved.mapping;
  } catch {
    return null;
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return null;
  const mapping: MappingOverride = {};
  for (const [column, field] of Object.entries(parsed as Record<string, unknown>)) {
    if (field !== null && typeof field !== 'string') return null;
    mapping[column] = field;
  }
  return { fingerprint: saved.fingerprint, model, headers: [...saved.headers], mapping, createdAt: saved.createdAt, updatedAt: saved.updatedAt };
}

/**
 * The caller's saved mapping for this header row: one getMapping per model in `models` (in
 * parallel), the most recently saved if several models have one. Null when there is none.
 */
export async function findSavedMapping(client: GraphQLClient, headers: readonly string[], models: readonly ModelMeta[], digest: Sha256Digest): Promise<SavedMappingMatch | null> {
  const found = await Promise.all(
    models.map(async (model) => {
      const fingerprint = await mappingFingerprint(model, headers, digest);
      const { getMapping } = await client.request(GetMappingDocument, { fingerprint, model: model.apiName as ModelName });
      return getMapping ? toSavedMatch(getMapping) : null;
    }),
  );
  const matches = found.filter((m): m is SavedMappingMatch => m !== null);
  matches.sort((a, b) => (a.updatedAt < b.updatedAt ? 1 : a.updatedAt > b.updatedAt ? -1 : 0));
  return matches[0] ?? null;
}

/** A mapping that cannot be saved (too many or too long headers…), with the server's own reasons. */
export class MappingNotSavableError extends Error {
  override name = 'MappingNotSavableError';
  constructor(readonly problems: MappingProblem[]) {
    super(`the mapping cannot be saved: ${problems.map((p) => p.message).join('; ')}`);
  }
}

/**
 * What `saveMapping` is sent for a mapping the engine resolved (every column with a header: its
 * field, or null when ignored), checked first with the server's own rules (MappingNotSavableError).
 */
export async function mappingToSave(mapping: Mapping, digest: Sha256Digest): Promise<{ fingerprint: string; model: ModelName; headers: string[]; mapping: string }> {
  const headers = mapping.columns.map((c) => c.header);
  const entries: Record<string, string | null> = {};
  for (const c of mapping.columns) if (c.header !== '') entries[c.header] = c.field;
  const fingerprint = await mappingFingerprint(mapping.model, headers, digest);
  const problems = mappingProblems(mapping.model, { fingerprint, headers, mapping: entries });
  if (problems.length) throw new MappingNotSavableError(problems);
  return { fingerprint, model: mapping.model.apiName as ModelName, headers, mapping: JSON.stringify(entries) };
}

/** Saves the mapping the engine resolved as the caller's for this header row and model; returns what the server stored. */
export async function saveMapping(client: GraphQLClient, mapping: Mapping, digest: Sha256Digest): Promise<SavedMappingMatch> {
  const input = await mappingToSave(mapping, digest);
  const { saveMapping: saved } = await client.request(SaveMappingDocument, { input });
  const match = toSavedMatch(saved);
  if (!match) throw new Error(`the server stored a mapping this client cannot read (model ${saved.model})`);
  return match;
}

/** The index of the column a mapping key names: the header as written (trimmed), else equal after `normalizeHeader`. */
function columnIndex(headers: readonly string[], key: string): number {
  const exact = headers.findIndex((h) => h.trim() === key.trim());
  if (exact >= 0) return exact;
  const n = normalizeHeader(key);
  return n === '' ? -1 : headers.findIndex((h) => normalizeHeader(h) === n);
}

/**
 * A saved mapping with the user's explicit one over it (`--map`, `--map-file`): the explicit
 * entries win column by column, and a field the explicit mapping gives to a column is taken from
 * the column the saved mapping gave it to (that column is then ignored).
 */
export function overSaved(model: ModelMeta, headers: readonly string[], saved: MappingOverride, explicit: MappingOverride | undefined): MappingOverride {
  if (!explicit) return saved;
  const explicitColumns = new Set(Object.keys(explicit).map((k) => columnIndex(headers, k)));
  const explicitFields = new Set(Object.values(explicit).flatMap((v) => (v === null ? [] : [fieldByName(model, v) ?? v])));
  const merged: MappingOverride = {};
  for (const [column, field] of Object.entries(saved)) {
    if (explicitColumns.has(columnIndex(headers, column))) continue;
    merged[column] = field !== null && explicitFields.has(field) ? null : field;
  }
  return { ...merged, ...explicit };
}

/** A date-time for people, in UTC: `2025-01-31 14:02 UTC`. */
export function savedAt(iso: string): string {
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})/.exec(iso);
  return m ? `${m[1]} ${m[2]} UTC` : iso;
}

/** How a fingerprint is shown and typed: its first 12 characters (`foreman mappings` takes any unique prefix). */
export function shortFingerprint(fingerprint: string): string {
  return fingerprint.slice(0, 12);
}
