/**
 * `--map "Column=field"` (repeatable) and `--map-file FILE` of `foreman ingest`: both become the
 * engine's `mapping` option (header → field, or null to ignore the column). Whether the columns
 * and fields exist is for the engine to say, against the file's header row and the model.
 */
import { readFileSync } from 'node:fs';
import { InvalidArgumentError } from 'commander';
import type { MappingOverride } from '../ingest';
import { CliError, EXIT } from './errors';

/** `Column=field`, `Column=` or `Column=-` (ignore the column). Split at the last `=`: a header may contain one, a field never does. */
export function parseMapFlag(value: string, previous: MappingOverride = {}): MappingOverride {
  const at = value.lastIndexOf('=');
  const column = at < 0 ? '' : value.slice(0, at).trim();
  if (at < 0 || column === '') {
    throw new InvalidArgumentError(`expected "Column=field" (or "Column=" to ignore the column), got "${value}". Example: --map "E-Mail Adresse=email".`);
  }
  const field = value.slice(at + 1).trim();
  return { ...previous, [column]: field === '' || field === '-' ? null : field };
}

/** Reads a `--map-file`: a JSON object `{ "Column": "field" | null }` ("" and "-" also ignore the column). */
export function readMapFile(path: string): MappingOverride {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new CliError(`cannot read the mapping file ${path}: ${code === 'ENOENT' ? 'no such file' : (error as Error).message}.`, EXIT.USAGE);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new CliError(`the mapping file ${path} is not valid JSON (${(error as Error).message}). Expected an object like {"E-Mail Adresse": "email", "Intern": null}.`, EXIT.USAGE);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new CliError(`the mapping file ${path} must hold a JSON object of column → field, like {"E-Mail Adresse": "email", "Intern": null}.`, EXIT.USAGE);
  }
  const mapping: MappingOverride = {};
  for (const [column, value] of Object.entries(parsed)) {
    if (value !== null && typeof value !== 'string') {
      throw new CliError(`the mapping file ${path}: column "${column}" maps to ${JSON.stringify(value)}; use a field name, or null to ignore the column.`, EXIT.USAGE);
    }
    mapping[column] = value === null || value.trim() === '' || value.trim() === '-' ? null : value.trim();
  }
  return mapping;
}

/** The mapping option from both flags; `--map` entries win over the file's. Undefined when neither was given. */
export function mappingFromFlags(flags: { map?: MappingOverride; mapFile?: string }): MappingOverride | undefined {
  if (!flags.map && !flags.mapFile) return undefined;
  return { ...(flags.mapFile ? readMapFile(flags.mapFile) : {}), ...flags.map };
}
