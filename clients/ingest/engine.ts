/**
 * The ingestion engine: read → detect model → map columns → validate → batch → submit → resume.
 * It speaks the protocol of docs/architecture.md ("The ingestion protocol") through the typed GraphQL client
 * and knows nothing of files or terminals: bytes come from a `ByteSource`, SHA-256 from a
 * `Hasher` factory, and everything it learns goes out through callbacks.
 */
import type { GraphQLClient } from '../api/client';
import { GraphQLHttpError, GraphQLResponseError, EndpointUnreachableError } from '../api/client';
import { FinishIngestionDocument, GetIngestionDocument, StartIngestionDocument, type IngestionSource, type IngestionStatus, type ModelName, type ProgressFieldsFragment } from '../api/generated';
import { capRaw } from '../../resolvers/lib/rowErrors';
import { FileChangedError, FileProblemError, SendFailedError } from './errors';
import {
  MODELS,
  aliasesOf,
  fieldsOf,
  mapColumns,
  modelByKey,
  normalizeHeader,
  refColumnsLabel,
  refOfColumn,
  scoreModels,
  type Mapping,
  type MappingOverride,
  type ModelKey,
  type ModelMeta,
  type ModelScore,
  type RowInput,
} from './models';
import { serialDate } from './numbers';
import { readRecords, type ByteSource, type CellProblem, type CsvRecord, type FileFormat, type Hasher } from './reader';
import { DEFAULT_RETRY, withRetry, type RetryPolicy } from './retry';
import { BatchSender, InFlight, MAX_ROW_RETRIES, REJECTED_BATCH_ROWS } from './sender';
import { delimiterName } from './sniff';
import { validateRow, type FieldError } from './validate';
import { recordingSource, verifyingSource, type ScannedBlocks } from './verify';
import { HeldRows, SeenFilter, claimKeys } from './repeats';
import { overSaved, savedAt, type SavedMappingMatch } from './savedMappings';
import { NOTHING_RECORDED, readRecordedBatches, type RecordedBatches } from './resume';
import { RowChecker, checkFileOnServer, type RowVerdict, type ServerCheck } from './check';

export interface PreviewRow {
  row: number;
  /** field → cell */
  values: Record<string, string>;
}

export interface Inspection {
  fileName: string;
  format: FileFormat;
  headers: string[];
  model: ModelMeta;
  /** False when the caller forced the model. */
  detected: boolean;
  scores: ModelScore[];
  mapping: Mapping;
  preview: PreviewRow[];
  /** The user's saved mapping for this header row (the `savedMapping` option), applied or not. */
  saved?: SavedMappingUse | null;
}

/** A saved mapping the engine found for the header row, and what it did with it. */
export interface SavedMappingUse {
  match: SavedMappingMatch;
  /** False when it no longer fits the model (`problem` says why): the headers decided instead. */
  applied: boolean;
  problem: string | null;
  /** The headers whose field it decided (the explicit mapping decided the others it names). */
  columns: string[];
}

export interface MappedRow {
  row: number;
  input: RowInput;
  cells: string[];
  errors: FieldError[];
}

export interface RowConflict {
  field: string;
  value: string;
  existingId: string;
  ingestionId?: string | null;
  rowNumber?: number | null;
}

/** A row that did not become a record, with why. */
export interface RejectedRow {
  row: number;
  status: 'INVALID' | 'DUPLICATE' | 'UNSENT';
  errors: FieldError[];
  conflict: RowConflict | null;
  cells: string[];
  /** Who decided: the engine before sending, or the server. */
  by: 'client' | 'server';
  /** A dry run's DUPLICATE of an earlier row of the file (the row that would own the value). */
  repeatOf?: number | null;
  /** The row's values came from the `corrections` option (its `cells` hold them), not from the file alone. */
  corrected?: boolean;
}

export interface Progress {
  /** scan: reading and validating; check: a dry run asking the server (counts are what a real run would do); send: writing. */
  phase: 'scan' | 'check' | 'send';
  bytesRead: number;
  totalBytes: number | null;
  rowsRead: number;
  /** Known after the scan. */
  rowsTotal: number | null;
  /**
   * In the send phase, the ingestion's counters — rows earlier runs of a resumed ingestion
   * accounted for included — so `created + duplicates + invalid + alreadyImported` of `rowsTotal`
   * is how far the whole file is: the counters startIngestion answered plus this run's outcomes,
   * and the server's own after the last batch. (In the scan, `invalid` counts the rows the scan
   * rejected on a dry run.)
   */
  created: number;
  duplicates: number;
  invalid: number;
  alreadyImported: number;
  /** Rows sent again because they lost a race with a concurrent ingestion. */
  retried: number;
  /** The ingestion's batches (earlier runs included). */
  batches: number;
  /** Rows this run skipped because a batch of an earlier run accounted for them (./resume). */
  skipped: number;
  elapsedMs: number;
  /** Rows this run accounted for per second of the send phase (rows read per second in the scan). */
  rowsPerSecond: number;
}

export interface ScanResult {
  sha256: string;
  bytes: number;
  rows: number;
  blankRows: number;
  valid: number;
  invalid: number;
  durationMs: number;
}

export type IngestOutcome = 'COMPLETED' | 'DUPLICATE_FILE' | 'DRY_RUN' | 'FAILED';

/**
 * Why a run ended FAILED: the file changed between scan and send (FILE_CHANGED), the server could
 * not be reached or refused (SEND_FAILED), the run was interrupted (INTERRUPTED), or every row was
 * sent but the ingestion could not be closed (NOT_CLOSED). In every case the ingestion stays open
 * (RUNNING) on the server: running the same bytes again resumes it.
 */
export type FailureCode = 'FILE_CHANGED' | 'SEND_FAILED' | 'INTERRUPTED' | 'NOT_CLOSED';

/** What this run did, apart from the earlier runs of a resumed ingestion. */
export interface RunCounts {
  /** Rows this run sent (each row once, however often it went). */
  sentRows: number;
  /** Outcomes this run received. */
  created: number;
  duplicates: number;
  invalid: number;
  alreadyImported: number;
  /** Answers to this run's batches (re-sends included). */
  batches: number;
  /** Rows not sent because a batch of an earlier run accounted for them. */
  skippedRows: number;
  /** Batches earlier runs had recorded (read once when the ingestion resumed). */
  recordedBatches: number;
}

export interface IngestSummary {
  fileName: string;
  bytes: number;
  sha256: string;
  /** csv, xlsx, json or ndjson. */
  format: string;
  /** For xlsx: the sheet read. */
  sheet: string | null;
  encoding: string;
  bom: boolean;
  delimiter: string;
  model: ModelKey;
  /** Every column and the field it feeds (null: ignored); `explicit` when the `mapping` option (or a saved mapping) decided it. */
  mapping: { column: string; field: string | null; explicit: boolean }[];
  /** The saved mapping found for the header row: applied, or not because it no longer fits (`problem`). */
  savedMapping: { fingerprint: string; model: ModelKey; updatedAt: string; applied: boolean; problem: string | null } | null;
  outcome: IngestOutcome;
  ingestionId: string | null;
  resumed: boolean;
  duplicateOf: { ingestionId: string; fileName: string; startedAt: string; status: string } | null;
  rows: number;
  blankRows: number;
  /**
   * The ingestion's counters — every run of it, as getIngestion answers them: read from the server
   * after the last batch (finishIngestion's answer, or getIngestion when the run stopped; see
   * `countsExact`). A dry run counts the rows its scan rejected in `invalid`.
   */
  created: number;
  duplicates: number;
  invalid: number;
  alreadyImported: number;
  /** Rows no run has accounted for yet (`rows` − the ingestion's `processed`): sending stopped before them. */
  unsent: number;
  /**
   * Where those rows are: spreadsheet row ranges, ascending (a range at the end of the file may
   * span blank lines, which are not rows). Empty when every row was accounted for.
   */
  unsentRows: { from: number; to: number }[];
  /** The ingestion's batches (every run). */
  batches: number;
  /** This run's batches answered from a stored marker (a re-send of a batch already recorded). */
  replayedBatches: number;
  retriedRows: number;
  /** This run's send phase (the scan for a dry run). */
  durationMs: number;
  /** Rows this run accounted for per second of `durationMs`. */
  rowsPerSecond: number;
  failure: string | null;
  failureCode: FailureCode | null;
  /** The ingestion's counters as the server reported them after the last batch (the counts above); when `countsExact` is false, the engine's estimate. */
  server: { created: number; duplicates: number; invalid: number; alreadyImported: number; processed: number } | null;
  /**
   * True when the counts were read from the server after the last batch of this run; false when
   * that read failed (the endpoint went away) and they are the engine's estimate: the counters
   * startIngestion answered plus this run's outcomes.
   */
  countsExact: boolean;
  /** What this run did; null for a dry run or a duplicate file. */
  thisRun: RunCounts | null;
  /** Rows of the file the `corrections` option replaced values of, ascending (empty without corrections). */
  correctedRows: number[];
  /**
   * A dry run's server check (./check): what a real run would do with the file and its rows. Its
   * `duplicates`, `invalid` and `alreadyImported` above are then the rows a real run would answer
   * so (`created` stays 0: nothing was written; `check.wouldCreate` counts those rows). Null for a real run.
   */
  check: ServerCheck | null;
}

export interface IngestCallbacks {
  onInspected?: (inspection: Inspection) => void;
  onScanned?: (scan: ScanResult) => void;
  /** After startIngestion: STARTED or RESUMED (DUPLICATE ends the run). */
  onStarted?: (ingestionId: string, outcome: 'STARTED' | 'RESUMED') => void;
  onProgress?: (progress: Progress) => void;
  onRejected?: (rejected: RejectedRow) => void;
  /** A row that is a record now: created by this run, or already imported by an earlier run of the file (`id` as the server returned it). */
  onCreated?: (row: number, id: string | null, status: 'CREATED' | 'ALREADY_IMPORTED') => void;
  onRetry?: (what: string, error: unknown, attempt: number, delayMs: number) => void;
}

export interface IngestOptions extends IngestCallbacks {
  fileName: string;
  source: ByteSource;
  /** Total size in bytes when known, for progress. */
  size?: number;
  createHasher: () => Hasher;
  model?: ModelKey;
  /**
   * Explicit column mapping (header → field, or null to ignore the column), applied over the
   * mapping the headers give. Checked against the model: an unknown column or field, or a required
   * field left without a column, makes the file unusable (FileProblemError BAD_MAPPING / MISSING_REQUIRED).
   */
  mapping?: MappingOverride;
  /** For .xlsx files: the sheet to read, by name (any case) or 1-based number; default the first visible worksheet. */
  sheet?: string;
  /**
   * Looks up the user's saved mapping for the header row (./savedMappings.ts findSavedMapping),
   * called once, when the header row has been read. A mapping found is applied — its model, unless
   * `model` names another, and its columns under `mapping`, whose entries win (`overSaved`) — when
   * it still fits the model; `onInspected` says which (`Inspection.saved`).
   */
  savedMapping?: (headers: string[]) => Promise<SavedMappingMatch | null>;
  dryRun?: boolean;
  /**
   * Required unless `dryRun`; a function is called once, after the scan (e.g. to start a local stack
   * only for usable files). With `dryRun`, the server is asked read-only what a real run would do
   * (`summary.check`); without a client, or when it cannot be reached, the dry run checks locally only.
   */
  client?: GraphQLClient | (() => Promise<GraphQLClient>);
  sourceKind?: IngestionSource;
  /** The back end only (IAM): start the ingestion for this owner (`cognito:<sub>`, the S3 processor for an uploader). */
  owner?: string;
  /**
   * Rows per mutation, 1–MAX_BATCH_SIZE; a batch of valid rows never holds more than the model's
   * `batchRows` (default), one of rejected rows never more than REJECTED_BATCH_ROWS (default).
   */
  batchSize?: number;
  /** Batches in flight (default 4). */
  concurrency?: number;
  retry?: RetryPolicy;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  now?: () => number;
  /** Stop reading (in-flight batches finish); the summary says FAILED with the rows unsent. */
  signal?: AbortSignal;
  /** Bytes per block verified between scan and send (./verify); default VERIFY_BLOCK_BYTES (1 MiB). */
  verifyBlockBytes?: number;
  /**
   * Values that replace a row's cells (spreadsheet row number → field → text), e.g. the cells a
   * user fixed in the web page. Applied where each row is mapped, in every pass (scan, server
   * check, send), so the counts, the repeats and what is sent agree; the file's bytes, and so its
   * SHA-256, are the file's. Only mapped fields are replaced (others are ignored); a row whose
   * correction names every mapped field no longer depends on its cells (a wrong cell count or a
   * cell the reader could not read is then not held against it). A corrected row is validated like
   * any other: still invalid, it is rejected. Rejected corrected rows say `corrected`.
   */
  corrections?: ReadonlyMap<number, Readonly<Record<string, string>>>;
}

/** The largest `batchSize` any model takes (a model's own `batchRows` caps it further). */
export const MAX_BATCH_SIZE = Math.max(REJECTED_BATCH_ROWS, ...MODELS.map((m) => m.batchRows));

/** Is this record a blank line (every cell empty)? Blank lines are skipped, not rows. */
function isBlank(cells: string[]): boolean {
  for (const c of cells) if (c.trim() !== '') return false;
  return true;
}

/** A record that is a blank line: every cell empty, and nothing the reader found wrong in it (a broken NDJSON line has no cells). */
function isBlankRecord(record: CsvRecord): boolean {
  return !record.problems?.length && isBlank(record.cells);
}

/** The values of a spreadsheet's numeric cells and the reader's problems, for `mapRow`. */
export interface TypedCells {
  serials?: (number | undefined)[];
  problems?: CellProblem[];
}

/** The column header a field came from, for messages ("Email" → the file's "E-mail Address"). */
export function columnOf(mapping: Mapping, field: string): string {
  const index = mapping.fieldColumn.get(field);
  if (index !== undefined) return mapping.columns[index]!.header;
  return field === 'row' ? '(row)' : field;
}

/**
 * Names for a message, at most `max` of them and then how many more: a file with 100,000 columns
 * gets a line, not a megabyte.
 * @example listNames(['"a"', '"b"', '"c"'], 2) // '"a", "b" and 1 more'
 */
export function listNames(names: readonly string[], max = 10): string {
  if (names.length <= max) return names.join(', ');
  return `${names.slice(0, max).join(', ')} and ${(names.length - max).toLocaleString('en-US')} more`;
}

/** A header in quotes for a message, cut at 40 characters. */
export function quoteHeader(header: string): string {
  return header.length > 40 ? `"${header.slice(0, 39)}…"` : `"${header}"`;
}

/** Checks headers for duplicates and mapping conflicts; throws FileProblemError. */
function checkHeaders(fileName: string, headers: string[]): void {
  const seen = new Map<string, number>();
  headers.forEach((h, i) => {
    const n = normalizeHeader(h);
    if (n === '') return;
    const before = seen.get(n);
    if (before !== undefined) {
      throw new FileProblemError(
        'DUPLICATE_HEADERS',
        fileName,
        `row 1 (the header) has two columns named "${headers[before]}" (columns ${before + 1} and ${i + 1}); Foreman cannot tell which one to use. Rename or remove one of them and try again.`,
        { row: 1, column: h },
      );
    }
    seen.set(n, i);
  });
}

/** Refuses an explicit mapping that does not fit the header row or the model, naming what would. */
function checkOverride(fileName: string, headers: string[], mapping: Mapping, detected: boolean): void {
  const p = mapping.overrideProblems;
  if (!p) return;
  const model = mapping.model;
  if (p.unknownColumns.length) {
    throw new FileProblemError(
      'BAD_MAPPING',
      fileName,
      `the mapping names ${p.unknownColumns.map((c) => `"${c}"`).join(', ')}, but row 1 (the header) has no such column. Its columns are: ${listNames(headers.map(quoteHeader), 30)}.`,
      { row: 1, column: p.unknownColumns[0] },
    );
  }
  if (p.unknownFields.length) {
    const sends = p.unknownFields.map(([column, value]) => `column "${column}" to "${value}"`).join(' and ');
    const which = p.unknownFields.length === 1 ? 'which is not a field' : 'which are not fields';
    const others = detected ? ` (detected from the headers; choose another model with --model)` : '';
    throw new FileProblemError(
      'BAD_MAPPING',
      fileName,
      `the mapping sends ${sends}, ${which} of ${model.label.toLowerCase()}${others}. The ${model.label.toLowerCase()} fields are: ${fieldsOf(model)
        .map(([f]) => f)
        .join(', ')} (or map the column to nothing to ignore it).`,
      { row: 1, column: p.unknownFields[0]![0] },
    );
  }
  if (p.conflicts.length) {
    const [field, cols] = p.conflicts[0]!;
    throw new FileProblemError('BAD_MAPPING', fileName, `the mapping sends ${cols.map((c) => `"${c}"`).join(' and ')} to the same field ${field}; a field takes one column. Map only one of them to ${field}.`, {
      row: 1,
      column: cols[1],
    });
  }
}

/**
 * A required field no column maps to, with header names that would: "Amount (a column named
 * "amount", "total", …)"; for a reference, any of its columns: "Customer email or customer id (…)".
 */
function describeMissing(model: ModelMeta, field: string): string {
  const ref = refOfColumn(model, field);
  const columns = ref ? ref.columns.map((c) => c.column) : [field];
  const label = ref ? refColumnsLabel(model, ref) : (model.columns[field]?.label ?? field);
  const names = new Map<string, string>();
  for (const name of columns.flatMap((c) => [c, ...aliasesOf(model, c)])) if (!names.has(normalizeHeader(name))) names.set(normalizeHeader(name), name);
  return `${label} (a column named ${[...names.values()]
    .slice(0, 5)
    .map((a) => `"${a}"`)
    .join(', ')}, …)`;
}

function chooseModel(fileName: string, headers: string[], forced: ModelKey | undefined, override: MappingOverride | undefined): { model: ModelMeta; mapping: Mapping; scores: ModelScore[] } {
  const scores = scoreModels(headers, override);
  const list = listNames(headers.map(quoteHeader));
  let pick: ModelScore | undefined;
  if (forced) {
    const model = modelByKey(forced);
    if (!model) throw new FileProblemError('UNKNOWN_MODEL', fileName, `unknown model "${forced}"; known models: ${MODELS.map((m) => m.key).join(', ')}.`);
    pick = scores.find((s) => s.model === model)!;
    checkOverride(fileName, headers, pick.mapping, false);
  } else {
    pick = scores[0]!;
    checkOverride(fileName, headers, pick.mapping, true);
    if (pick.mapped === 0) {
      throw new FileProblemError(
        'UNKNOWN_MODEL',
        fileName,
        `none of the columns in row 1 (${list}) matches a field of a known model (${MODELS.map((m) => m.key).join(', ')}). Run \`foreman models\` to see the column names each model accepts, then rename the columns or pass --model.`,
        { row: 1 },
      );
    }
  }
  const { mapping, model } = pick;
  if (mapping.conflicts.length) {
    const [field, cols] = mapping.conflicts[0]!;
    throw new FileProblemError(
      'DUPLICATE_HEADERS',
      fileName,
      `row 1 (the header): columns ${cols.map((c) => `"${c}"`).join(' and ')} both map to the ${model.label.toLowerCase()} field ${field}; Foreman cannot tell which one to use. Rename or remove one of them and try again.`,
      { row: 1, column: cols[1] },
    );
  }
  if (mapping.missingRequired.length) {
    const missing = mapping.missingRequired.map((f) => describeMissing(model, f)).join('; ');
    const unmapped = mapping.unmapped.length ? ` Columns that map to nothing: ${listNames(mapping.unmapped.map((c) => quoteHeader(c.header)))}.` : '';
    throw new FileProblemError(
      'MISSING_REQUIRED',
      fileName,
      `the columns look like ${model.label.toLowerCase()} data but no column maps to the required ${missing}.${unmapped} Rename the column (see \`foreman models\`) or map a column to it (\`--map "Column=${mapping.missingRequired[0]}"\`) and try again.`,
      { row: 1 },
    );
  }
  return { model, mapping, scores };
}

/**
 * Turns a record's cells into the model's row input (trimmed, empty cells left out) and validates it.
 * From a spreadsheet (`typed`), a number in a date column is an Excel serial date and becomes
 * `YYYY-MM-DD`; a problem the reader found in a mapped cell (or in the whole row) makes the row invalid.
 */
export function mapRow(mapping: Mapping, row: number, cells: string[], typed?: TypedCells, correction?: Readonly<Record<string, string>>): MappedRow {
  if (correction) return mapCorrected(mapping, row, cells, typed, correction);
  const input: Record<string, string | number> = { rowNumber: row };
  for (const [field, index] of mapping.fieldColumn) {
    const cell = cells[index];
    if (cell === undefined) continue;
    const serial = typed?.serials?.[index];
    const v = serial !== undefined && mapping.model.columns[field]?.format === 'date' ? (serialDate(serial) ?? cell.trim()) : cell.trim();
    if (v !== '') input[field] = v;
  }
  const mapped = input as unknown as RowInput;
  const errors = validateRow(mapping.model, mapped);
  if (typed?.problems) {
    // Problems of cells in ignored columns do not matter; the others come first, as the reader saw them.
    const found: FieldError[] = [];
    for (const p of typed.problems) {
      const field = p.column === null ? 'row' : mapping.columns[p.column]?.field;
      if (!field) continue;
      // The reader's word on a cell replaces the validator's (REQUIRED for an empty nested value, …).
      for (let i = errors.length - 1; i >= 0; i--) if (errors[i]!.field === field) errors.splice(i, 1);
      found.push({ field, code: p.code, message: p.message });
    }
    if (typed.problems.some((p) => p.unreadable)) errors.length = 0;
    errors.unshift(...found);
  }
  const width = mapping.columns.length;
  if (cells.length !== width && !(cells.length > width && isBlank(cells.slice(width)))) {
    errors.unshift({
      field: 'row',
      code: 'COLUMN_COUNT',
      message: `${cells.length} cells where the header has ${width} columns (a missing or extra delimiter, or an unquoted delimiter inside a cell?)`,
    });
  }
  return { row, input: mapped, cells, errors };
}

/**
 * A row with corrected values (the `corrections` option): the corrected fields' cells are replaced
 * (in `cells` too, so reports and stored errors show what was validated and sent), the reader's
 * problems with those cells dropped, and when every mapped field is corrected the row's own
 * problems (cell count, an unreadable record) too. Then validated like any row.
 */
function mapCorrected(mapping: Mapping, row: number, cells: string[], typed: TypedCells | undefined, correction: Readonly<Record<string, string>>): MappedRow {
  const fixed = [...cells];
  let all = true;
  for (const [field, index] of mapping.fieldColumn) {
    if (!Object.hasOwn(correction, field)) {
      all = false;
      continue;
    }
    while (fixed.length <= index) fixed.push('');
    fixed[index] = String(correction[field] ?? '');
  }
  // A corrected cell is text: a spreadsheet's number for it no longer applies.
  const serials = typed?.serials?.map((s, i) => (mapping.columns[i]?.field && Object.hasOwn(correction, mapping.columns[i]!.field!) ? undefined : s));
  const problems = typed?.problems?.filter((p) => (p.column === null ? !all : !Object.hasOwn(correction, mapping.columns[p.column]?.field ?? '')));
  // Every mapped field corrected: the row is as wide as the header, whatever the file's line held.
  if (all) fixed.length = mapping.columns.length;
  return mapRow(mapping, row, all ? Array.from(fixed, (c) => c ?? '') : fixed, { serials, problems });
}

/**
 * Reads just enough of the file to sniff its format, detect (or apply) the model, map the columns
 * and preview the first rows. Throws FileProblemError for unusable files.
 */
export async function inspectFile(
  source: ByteSource,
  options: { fileName: string; model?: ModelKey; mapping?: MappingOverride; savedMapping?: IngestOptions['savedMapping']; previewRows?: number; sheet?: string; createHasher?: () => Hasher },
): Promise<Inspection> {
  const { fileName } = options;
  const want = options.previewRows ?? 5;
  let format: FileFormat | undefined;
  let headers: string[] | undefined;
  let saved: SavedMappingUse | null = null;
  let forced = options.model;
  // The first data rows as read: mapped once the mapping is known, after the saved-mapping lookup,
  // which waits until the file has shown it has data (and can be read that far).
  const first: CsvRecord[] = [];
  let dataRows = 0;
  const onFormat = (f: FileFormat) => {
    format = f;
    if (options.sheet !== undefined && f.kind !== 'xlsx') {
      throw new FileProblemError('NO_SUCH_SHEET', fileName, `--sheet is for Excel workbooks (.xlsx), and this is a ${f.kind === 'json' ? 'JSON' : f.kind === 'ndjson' ? 'NDJSON' : 'CSV'} file, which has no sheets. Leave --sheet out.`);
    }
  };
  for await (const record of readRecords(source, { fileName, onFormat, sheet: options.sheet, createHasher: options.createHasher })) {
    if (!headers) {
      if (isBlank(record.cells)) continue;
      headers = record.cells.map((h) => h.trim());
      checkHeaders(fileName, headers);
      continue;
    }
    if (isBlankRecord(record)) continue;
    dataRows++;
    if (first.length < want) first.push(record);
    if (first.length >= want) break;
  }
  const sheet = format?.sheet;
  const other = sheet && sheet.names.length > 1 ? ` Pick another sheet with --sheet (its sheets: ${listNames(sheet.names.map((n, i) => `${i + 1} "${n}"`))}).` : '';
  if (!headers || !format) {
    if (sheet) throw new FileProblemError('EMPTY', fileName, `sheet "${sheet.name}" is empty: it has no header row and no data.${other}`, { row: 1 });
    throw new FileProblemError('EMPTY', fileName, 'the file is empty: there is no header row and no data. Export the data again (with a header row) and try again.', { row: 1 });
  }
  let override = options.mapping;
  const match = options.savedMapping && dataRows > 0 ? await options.savedMapping(headers) : null;
  if (match && (!options.model || modelByKey(options.model) === match.model)) {
    saved = applySaved(match, headers, options.mapping);
    if (saved.applied) {
      override = overSaved(match.model, headers, match.mapping, options.mapping);
      forced = match.model.key as ModelKey;
    }
  }
  let chosen: ReturnType<typeof chooseModel>;
  try {
    chosen = chooseModel(fileName, headers, forced, override);
  } catch (error) {
    // A saved mapping that no longer fits may be why: say so with the refusal.
    if (!(error instanceof FileProblemError) || !saved?.problem) throw error;
    const detail = error.message.slice(fileName.length + 2);
    throw new FileProblemError(error.code, fileName, `${detail} (Note: ${saved.problem}.)`, error.where);
  }
  if (dataRows === 0) {
    const where = sheet ? `sheet "${sheet.name}" has` : 'the file has';
    throw new FileProblemError('HEADER_ONLY', fileName, `${where} a header row (${listNames(headers.map(quoteHeader))}) but no data rows. Nothing to ingest.${other}`, { row: 2 });
  }
  const preview: PreviewRow[] = first.map((r) => {
    const { input } = mapRow(chosen.mapping, r.row, r.cells, r);
    const values: Record<string, string> = {};
    for (const [k, v] of Object.entries(input)) if (k !== 'rowNumber' && typeof v === 'string') values[k] = v;
    return { row: r.row, values };
  });
  return { fileName, format, headers, model: chosen.model, detected: !forced, scores: chosen.scores, mapping: chosen.mapping, preview, saved };
}

/**
 * What a saved mapping does for this header row: applied when it still fits its model (every
 * column it names is in the row, every field it names is one of the model's, every required field
 * has a column); otherwise not, saying why. `columns` are those it decides, the explicit mapping's left out.
 */
function applySaved(match: SavedMappingMatch, headers: string[], explicit: MappingOverride | undefined): SavedMappingUse {
  const alone = mapColumns(match.model, headers, match.mapping);
  const p = alone.overrideProblems!;
  const problem = p.unknownColumns.length
    ? `it names ${listNames(p.unknownColumns.map(quoteHeader), 3)}, which the header row no longer has`
    : p.unknownFields.length
      ? `${listNames(p.unknownFields.map(([, f]) => `"${f}"`), 3)} ${p.unknownFields.length === 1 ? 'is' : 'are'} no longer ${p.unknownFields.length === 1 ? 'a field' : 'fields'} of ${match.model.label.toLowerCase()}`
      : p.conflicts.length || alone.conflicts.length
        ? `it gives one field to several columns`
        : alone.missingRequired.length
          ? `no column of it maps to the required ${alone.missingRequired.join(', ')}`
          : null;
  const mine = new Set(Object.keys(explicit ?? {}).map((k) => normalizeHeader(k)));
  const columns = problem ? [] : alone.columns.filter((c) => c.explicit && !mine.has(normalizeHeader(c.header))).map((c) => c.header);
  return { match, applied: problem === null, problem: problem && `your saved mapping from ${savedAt(match.updatedAt)} was not used: ${problem}`, columns };
}

/** Iterates the file's data rows, mapped and validated (blank lines after the header counted apart: empty ones and ones of spaces or delimiters). */
async function* dataRows(
  source: ByteSource,
  inspection: Inspection,
  hasher: Hasher | undefined,
  onBytes: (n: number) => void,
  blank: { count: number },
  createHasher?: () => Hasher,
  corrections?: IngestOptions['corrections'],
): AsyncGenerator<MappedRow> {
  let header = true;
  let lastRow = 0;
  const onEnd = (end: number) => {
    if (!header) blank.count += end - lastRow;
  };
  const format = inspection.format;
  const read = { fileName: inspection.fileName, hasher, onBytes, delimiter: format.delimiter, onEnd, kind: format.kind, sheet: format.sheet?.name, createHasher };
  for await (const record of readRecords(source, read)) {
    // Empty lines never reach here; the row numbers jump over them.
    if (!header) blank.count += record.row - lastRow - 1;
    lastRow = record.row;
    if (isBlankRecord(record)) {
      if (!header) blank.count++;
      continue;
    }
    if (header) {
      header = false;
      // The scan and the send read the file again: a different header means different bytes.
      if (record.cells.length !== inspection.headers.length || record.cells.some((c, i) => c.trim() !== inspection.headers[i])) {
        throw new FileChangedError(inspection.fileName, 'its header row is no longer the one that was inspected', null);
      }
      continue;
    }
    yield mapRow(inspection.mapping, record.row, record.cells, record, corrections?.get(record.row));
  }
}

/** Progress with nothing done yet (e.g. to draw a bar before the first batch answers). */
export function emptyProgress(phase: Progress['phase'], totalBytes: number | null, rowsTotal: number | null): Progress {
  return { phase, bytesRead: 0, totalBytes, rowsRead: 0, rowsTotal, created: 0, duplicates: 0, invalid: 0, alreadyImported: 0, retried: 0, batches: 0, skipped: 0, elapsedMs: 0, rowsPerSecond: 0 };
}

/** A rejected row's cells by column header, cut (capRaw) so its stored error fits a DynamoDB item; the client's report keeps the whole row. */
function rawJson(inspection: Inspection, cells: string[]): string {
  const raw: Record<string, string> = {};
  cells.forEach((cell, i) => {
    raw[inspection.headers[i] || `column ${i + 1}`] = cell;
  });
  return capRaw(raw);
}

/**
 * Ingests one file end to end: inspect, scan (SHA-256, row count, structural errors — before
 * anything is written), then, unless `dryRun`, start the ingestion and send the rows in batches —
 * for a resumed ingestion only the rows no earlier run recorded (./resume).
 * Resolves with a summary whose counts are the ingestion's (every run, as getIngestion answers
 * them) and always add up to the file's rows (created + duplicates + invalid + alreadyImported +
 * unsent = rows); `thisRun` says what this run did.
 * Throws FileProblemError for unusable files; sending problems end as outcome FAILED.
 * @example
 * const summary = await ingestFile({ fileName: 'customers.csv', source, createHasher, client });
 */
export async function ingestFile(given: IngestOptions): Promise<IngestSummary> {
  const { corrections, onRejected } = given;
  // Every rejection of a corrected row says so, whichever pass or the server decided it.
  const options: IngestOptions = corrections?.size && onRejected ? { ...given, onRejected: (r) => onRejected(corrections.has(r.row) ? { ...r, corrected: true } : r) } : given;
  const now = options.now ?? (() => performance.now());
  if (options.batchSize !== undefined && (!Number.isInteger(options.batchSize) || options.batchSize < 1 || options.batchSize > MAX_BATCH_SIZE)) {
    throw new RangeError(`batchSize must be 1–${MAX_BATCH_SIZE}`);
  }
  const concurrency = options.concurrency ?? 4;
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new RangeError('concurrency must be a positive integer');
  if (!options.dryRun && !options.client) throw new Error('ingestFile needs a client unless dryRun');

  const inspection = await inspectFile(options.source, { fileName: options.fileName, model: options.model, mapping: options.mapping, savedMapping: options.savedMapping, sheet: options.sheet, createHasher: options.createHasher });
  options.onInspected?.(inspection);
  // Valid rows go in batches of at most the model's size (what one transaction holds), rejected ones in recordRejectedRows' size.
  const validBatchSize = Math.min(options.batchSize ?? inspection.model.batchRows, inspection.model.batchRows);
  const rejectedBatchSize = Math.min(options.batchSize ?? REJECTED_BATCH_ROWS, REJECTED_BATCH_ROWS);

  let sendStart = 0;
  // Scan: hash, count and (for a dry run) report. A file that is broken half-way is refused here,
  // before anything is written.
  const scanStart = now();
  const hasher = options.createHasher();
  const scanProgress = emptyProgress('scan', options.size ?? null, null);
  let lastEmit = 0;
  // Rows the ingestion had accounted for before this run's send (a resumed ingestion): not this run's pace.
  let accountedBefore = 0;
  const emit = (p: Progress, force = false) => {
    const t = now();
    if (!force && t - lastEmit < 100) return;
    lastEmit = t;
    // The check keeps its own clock (./check runs it after the scan).
    if (p.phase !== 'check') p.elapsedMs = t - (p.phase === 'scan' ? scanStart : sendStart);
    const accounted = p.phase === 'scan' ? p.rowsRead : p.created + p.duplicates + p.invalid + p.alreadyImported - accountedBefore;
    p.rowsPerSecond = p.elapsedMs > 0 ? (accounted * 1000) / p.elapsedMs : 0;
    options.onProgress?.(p);
  };
  const scanBlank = { count: 0 };
  let valid = 0;
  let invalid = 0;
  // The spreadsheet row number of the last data row: where rows never read after a stop end.
  let lastRow = 0;
  // A dry run with a client asks the server and reads the file again for it: verified like a send.
  const serverCheck = options.dryRun === true && options.client !== undefined;
  const scannedBlocks: ScannedBlocks = { digests: [], bytes: 0 };
  const scanSource = options.dryRun && !serverCheck ? options.source : recordingSource(options.source, options.createHasher, scannedBlocks, options.verifyBlockBytes);
  // Rows repeating an earlier row's unique value, for any @unique of the model (./repeats): sent after everything else.
  const seen = inspection.model.uniques.length > 0 && (!options.dryRun || serverCheck) ? new SeenFilter(options.size ?? 0) : null;
  const held = new HeldRows();
  // The dry run's check decides repeats itself (./check): it remembers only the keys that may repeat.
  const repeatKeys = new Set<string>();
  const correctedRows: number[] = [];
  for await (const r of dataRows(scanSource, inspection, hasher, (n) => (scanProgress.bytesRead = n), scanBlank, options.createHasher, options.corrections)) {
    if (options.corrections?.has(r.row)) correctedRows.push(r.row);
    scanProgress.rowsRead++;
    lastRow = r.row;
    if (seen && r.errors.length === 0) {
      let repeat = false;
      // Every key is added (a later row may repeat any of them).
      for (const key of claimKeys(inspection.model, r.input)) {
        if (!seen.addSeen(key)) continue;
        repeat = true;
        if (serverCheck) repeatKeys.add(key);
      }
      if (repeat) held.add(r.row);
    }
    if (r.errors.length) {
      invalid++;
      if (options.dryRun) {
        scanProgress.invalid++;
        options.onRejected?.({ row: r.row, status: 'INVALID', errors: r.errors, conflict: null, cells: r.cells, by: 'client' });
      }
    } else valid++;
    if ((scanProgress.rowsRead & 1023) === 0) emit(scanProgress);
  }
  emit(scanProgress, true);
  const scan: ScanResult = { sha256: hasher.digest(), bytes: scanProgress.bytesRead, rows: scanProgress.rowsRead, blankRows: scanBlank.count, valid, invalid, durationMs: now() - scanStart };
  options.onScanned?.(scan);

  const summary: IngestSummary = {
    fileName: options.fileName,
    bytes: scan.bytes,
    sha256: scan.sha256,
    format: inspection.format.kind ?? 'csv',
    sheet: inspection.format.sheet?.name ?? null,
    encoding: inspection.format.encoding,
    bom: inspection.format.bom,
    delimiter: delimiterName(inspection.format.delimiter),
    model: inspection.model.key as ModelKey,
    mapping: inspection.mapping.columns.map((c) => ({ column: c.header, field: c.field, explicit: c.explicit })),
    savedMapping: inspection.saved
      ? { fingerprint: inspection.saved.match.fingerprint, model: inspection.saved.match.model.key as ModelKey, updatedAt: inspection.saved.match.updatedAt, applied: inspection.saved.applied, problem: inspection.saved.problem }
      : null,
    outcome: 'DRY_RUN',
    ingestionId: null,
    resumed: false,
    duplicateOf: null,
    rows: scan.rows,
    blankRows: scan.blankRows,
    created: 0,
    duplicates: 0,
    invalid: options.dryRun ? invalid : 0,
    alreadyImported: 0,
    unsent: 0,
    unsentRows: [],
    batches: 0,
    replayedBatches: 0,
    retriedRows: 0,
    durationMs: scan.durationMs,
    rowsPerSecond: scan.durationMs > 0 ? (scan.rows * 1000) / scan.durationMs : 0,
    failure: null,
    failureCode: null,
    server: null,
    countsExact: false,
    thisRun: null,
    check: null,
    correctedRows,
  };
  if (options.dryRun) {
    summary.check = serverCheck
      ? await checkOnServer(options, inspection, summary, { scannedBlocks, repeatKeys, validRows: valid, validBatchSize, concurrency, now, emit })
      : skippedCheck(null);
    if (summary.check.durationMs > 0) {
      summary.durationMs = scan.durationMs + summary.check.durationMs;
      summary.rowsPerSecond = summary.durationMs > 0 ? (summary.rows * 1000) / summary.durationMs : 0;
    }
    return summary;
  }

  const client = typeof options.client === 'function' ? await options.client() : options.client!;
  const policy = options.retry ?? DEFAULT_RETRY;
  const hooks = (what: string) => ({
    sleep: options.sleep,
    random: options.random,
    onRetry: (error: unknown, attempt: number, delay: number) => options.onRetry?.(what, error, attempt, delay),
  });

  sendStart = now();
  const started = await withRetry(
    () =>
      client.request(StartIngestionDocument, {
        input: { fileName: options.fileName, sha256: scan.sha256, model: inspection.model.apiName as ModelName, source: options.sourceKind ?? ('CLI' as IngestionSource), rowCount: scan.rows, ...(options.owner ? { owner: options.owner } : {}) },
      }),
    // A wrong or dead endpoint at the start fails fast; one that dies mid-run is waited for (unreachableMs).
    { ...policy, attempts: Math.min(policy.attempts, 3), unreachableMs: undefined },
    hooks('startIngestion'),
  ).catch((error: unknown) => {
    throw new SendFailedError(`could not start the ingestion: ${describeSendError(error)}`, error);
  });
  const { outcome, ingestion } = started.startIngestion;
  if (!ingestion) {
    // Someone else ingested these bytes: the API says only that (docs/auth.md).
    summary.outcome = 'DUPLICATE_FILE';
    summary.durationMs = now() - sendStart + scan.durationMs;
    return summary;
  }
  summary.ingestionId = ingestion.id;
  if (outcome === 'DUPLICATE') {
    summary.outcome = 'DUPLICATE_FILE';
    summary.duplicateOf = { ingestionId: ingestion.id, fileName: ingestion.fileName, startedAt: ingestion.startedAt, status: ingestion.status };
    summary.durationMs = now() - sendStart + scan.durationMs;
    return summary;
  }
  summary.resumed = outcome === 'RESUMED';
  options.onStarted?.(ingestion.id, outcome === 'RESUMED' ? 'RESUMED' : 'STARTED');

  // A resumed ingestion: which rows earlier runs accounted for, read once (./resume). Its batch
  // counter says whether there is anything to read: a marker and the counter are written together.
  let recorded: RecordedBatches = NOTHING_RECORDED;
  if (outcome === 'RESUMED' && ingestion.batches > 0) {
    // The endpoint answered startIngestion: a failure now is transient, waited for as a batch's would be.
    recorded = await readRecordedBatches(client, ingestion.id, policy, hooks('listIngestionBatches')).catch(
      (error: unknown) => {
        throw new SendFailedError(`could not read which rows the earlier runs of ingestion ${ingestion.id} recorded: ${describeSendError(error)}`, error);
      },
    );
  }
  const done = recorded.done;

  const progress = emptyProgress('send', options.size ?? null, scan.rows);
  const run: RunCounts = { sentRows: 0, created: 0, duplicates: 0, invalid: 0, alreadyImported: 0, batches: 0, skippedRows: 0, recordedBatches: recorded.batches };
  // While sending, the ingestion's counters are estimated as the server's at the start plus this
  // run's outcomes (an answer's own counters lag while several batches are in flight together);
  // after the last batch they are read from the server (finishIngestion's answer or getIngestion).
  type Counters = Pick<ProgressFieldsFragment, 'created' | 'duplicates' | 'invalid' | 'alreadyImported' | 'processed' | 'batches'>;
  const before: Counters = { created: ingestion.created, duplicates: ingestion.duplicates, invalid: ingestion.invalid, alreadyImported: ingestion.alreadyImported, processed: ingestion.processed, batches: ingestion.batches };
  accountedBefore = before.processed;
  const estimate = (): Counters => {
    // A row answered ALREADY_IMPORTED was counted created by the run that wrote it: it moves.
    const created = Math.max(0, before.created + run.created - run.alreadyImported);
    const alreadyImported = before.alreadyImported + run.alreadyImported;
    const duplicates = before.duplicates + run.duplicates;
    const invalid = before.invalid + run.invalid;
    return { created, duplicates, invalid, alreadyImported, processed: created + duplicates + invalid + alreadyImported, batches: before.batches + run.batches };
  };
  const show = (c: Counters) => {
    progress.created = c.created;
    progress.duplicates = c.duplicates;
    progress.invalid = c.invalid;
    progress.alreadyImported = c.alreadyImported;
    progress.batches = c.batches;
  };
  show(before);
  emit(progress, true);

  // Row numbers that got no outcome (failed batches, rows read but never sent), for `unsentRows`.
  const unsentRowNumbers: number[] = [];
  const reportUnsent = (rows: MappedRow[], error: unknown) => {
    for (const r of rows) unsentRowNumbers.push(r.row);
    for (const r of rows) options.onRejected?.({ row: r.row, status: 'UNSENT', errors: [{ field: 'row', code: 'SEND_FAILED', message: describeSendError(error) }], conflict: null, cells: r.cells, by: 'client' });
  };

  const sender = new BatchSender({ client, model: inspection.model, ingestionId: ingestion.id, retry: policy, sleep: options.sleep, random: options.random, onRetry: options.onRetry });

  const sendValid = async (firstNumber: number, rows: MappedRow[]) => {
    run.sentRows += rows.length;
    const exhausted = await sender.importRows(firstNumber, rows, {
      onAnswer: (answer) => {
        run.batches++;
        if (answer.replayed) summary.replayedBatches++;
      },
      onOutcome: (r, o) => {
        if (!o) {
          unsentRowNumbers.push(r.row);
          options.onRejected?.({ row: r.row, status: 'UNSENT', errors: [{ field: 'row', code: 'NO_OUTCOME', message: `the server returned no outcome for row ${r.row}` }], conflict: null, cells: r.cells, by: 'server' });
          return;
        }
        // A replayed answer (a batch this run sent again after losing the answer) is still this
        // run's: batches of earlier runs are never sent again.
        switch (o.status) {
          case 'CREATED':
            run.created++;
            options.onCreated?.(r.row, o.id ?? null, 'CREATED');
            break;
          case 'ALREADY_IMPORTED':
            run.alreadyImported++;
            options.onCreated?.(r.row, o.id ?? null, 'ALREADY_IMPORTED');
            break;
          case 'DUPLICATE':
            run.duplicates++;
            options.onRejected?.({ row: r.row, status: 'DUPLICATE', errors: o.errors ?? [], conflict: o.conflict ?? null, cells: r.cells, by: 'server' });
            break;
          case 'INVALID':
            run.invalid++;
            options.onRejected?.({ row: r.row, status: 'INVALID', errors: o.errors ?? [], conflict: o.conflict ?? null, cells: r.cells, by: 'server' });
            break;
        }
      },
      onResend: (again) => {
        progress.retried += again.length;
        emit(progress);
      },
      onFailed: reportUnsent,
    });
    show(estimate());
    for (const r of exhausted) {
      unsentRowNumbers.push(r.row);
      options.onRejected?.({ row: r.row, status: 'UNSENT', errors: [{ field: 'row', code: 'RETRY_EXHAUSTED', message: `still losing a race with a concurrent ingestion after ${MAX_ROW_RETRIES} retries` }], conflict: null, cells: r.cells, by: 'client' });
    }
    emit(progress);
  };

  const sendRejected = async (batchNumber: number, rows: MappedRow[]) => {
    run.sentRows += rows.length;
    const answer = await sender.recordRejected(batchNumber, rows.map((r) => ({ rowNumber: r.row, errors: r.errors, raw: rawJson(inspection, r.cells) }))).catch((error: unknown) => {
      reportUnsent(rows, error);
      throw error;
    });
    run.batches++;
    if (answer.replayed) summary.replayedBatches++;
    run.invalid += rows.length;
    show(estimate());
    for (const r of rows) options.onRejected?.({ row: r.row, status: 'INVALID', errors: r.errors, conflict: null, cells: r.cells, by: 'client' });
    emit(progress);
  };

  // A few batches in flight; reading waits for a free slot, so memory stays bounded. A batch that
  // waited for a slot is not sent once the run failed or was interrupted: an interruption stops
  // sending, only the batches already in flight finish.
  const inFlight = new InFlight(concurrency, () => options.signal?.aborted === true);
  const dispatch = async (task: () => Promise<void>, rows: MappedRow[]) => {
    if (!(await inFlight.run(task))) for (const r of rows) unsentRowNumbers.push(r.row);
  };

  // A resumed run numbers its batches after every batch an earlier run recorded.
  let batchNumber = recorded.lastBatchNumber;
  let validBatch: MappedRow[] = [];
  let rejectedBatch: MappedRow[] = [];
  const blank = { count: 0 };
  let rowsRead = 0;
  const stopped = () => inFlight.failed || options.signal?.aborted === true;
  const flush = async () => {
    if (stopped()) return;
    if (validBatch.length) {
      const rows = validBatch;
      const n = ++batchNumber;
      validBatch = [];
      await dispatch(() => sendValid(n, rows), rows);
    }
    if (rejectedBatch.length) {
      const rows = rejectedBatch;
      const n = ++batchNumber;
      rejectedBatch = [];
      await dispatch(() => sendRejected(n, rows), rows);
    }
  };
  // Where each pass stopped reading (file rows), for the rows never read after a stop.
  let lastRowRead = 0;
  let lastHeldRead = 0;
  let pass = 1;
  let changed: FileChangedError | undefined;
  try {
    // Pass 1 sends every row but the held-back repeats; pass 2 (after pass 1 has committed) sends
    // those, so the first row in file order owns a repeated value. Both read the file again,
    // verified block by block against the scan (./verify), and skip the rows an earlier run's
    // batches accounted for (held-back ones included). Batch numbers follow file order.
    for (pass of held.length ? [1, 2] : [1]) {
      held.rewind();
      const sendSource = verifyingSource(options.source, options.createHasher, scannedBlocks, options.fileName, options.verifyBlockBytes);
      for await (const r of dataRows(sendSource, inspection, undefined, (n) => (progress.bytesRead = n), pass === 1 ? blank : { count: 0 }, options.createHasher, options.corrections)) {
        if (stopped()) break;
        if (pass === 1) lastRowRead = r.row;
        const isHeld = r.errors.length === 0 && held.takes(r.row);
        if (isHeld !== (pass === 2)) continue;
        if (pass === 2) lastHeldRead = r.row;
        if (done.size > 0 && done.has(r.row)) {
          progress.skipped = ++run.skippedRows;
          continue;
        }
        progress.rowsRead = ++rowsRead;
        const batch = r.errors.length ? rejectedBatch : validBatch;
        batch.push(r);
        if (batch.length >= (r.errors.length ? rejectedBatchSize : validBatchSize)) {
          const rows = batch.splice(0);
          const n = ++batchNumber;
          await dispatch(() => (r.errors.length ? sendRejected(n, rows) : sendValid(n, rows)), rows);
        }
      }
      await flush();
      // The repeats go only once everything before them has committed.
      await inFlight.settle();
      if (stopped()) break;
    }
  } catch (error) {
    if (!(error instanceof FileChangedError)) throw error;
    // Nothing from the changed bytes was sent; the batches in flight hold verified rows only.
    changed = error;
  } finally {
    await inFlight.settle();
  }
  // Read but never sent: the batches being filled when sending stopped.
  for (const r of [...validBatch, ...rejectedBatch]) unsentRowNumbers.push(r.row);
  // Held-back repeats that never went: those pass 1 read past (later ones are in the tail of rows
  // never read), or those pass 2 had not reached.
  if (pass === 1) held.forEach((row) => row <= lastRowRead && unsentRowNumbers.push(row));
  else held.forEach((row) => row > lastHeldRead && unsentRowNumbers.push(row));

  summary.batches = run.batches;
  summary.retriedRows = progress.retried;
  summary.thisRun = run;
  show(estimate());
  emit(progress, true);

  const durationMs = Math.round(now() - sendStart);
  summary.durationMs = durationMs;
  const accountedNow = run.created + run.duplicates + run.invalid + run.alreadyImported;
  summary.rowsPerSecond = durationMs > 0 ? (accountedNow * 1000) / durationMs : 0;
  const failed = changed !== undefined || inFlight.failed || options.signal?.aborted === true;
  if (failed) {
    summary.outcome = 'FAILED';
    if (changed) {
      summary.failureCode = 'FILE_CHANGED';
      summary.failure = `${changed.message}. Nothing from the changed bytes was sent and the ingestion was not finished; the rows sent before came from the scanned bytes.`;
    } else if (options.signal?.aborted) {
      // An interruption explains itself better than the errors it caused in the batches in flight.
      summary.failureCode = 'INTERRUPTED';
      summary.failure = 'interrupted before the end of the file';
    } else {
      summary.failureCode = 'SEND_FAILED';
      summary.failure = describeSendError(inFlight.failure);
    }
  } else {
    summary.outcome = 'COMPLETED';
  }
  // The counts a user sees are the ingestion's, read after the last batch: finishIngestion's
  // answer when the run reached the end of the file, else getIngestion. A failed run is left
  // RUNNING on the server so that running the same file again resumes it.
  let exact = false;
  let lastServer: Counters = estimate();
  if (!failed) {
    try {
      const finished = await withRetry(
        () => client.request(FinishIngestionDocument, {
            // Rows corrected before sending are recorded on the ingestion (only when corrections were given).
            input: { ingestionId: ingestion.id, status: 'COMPLETED' as IngestionStatus, durationMs, ...(options.corrections ? { correctedRows: correctedRows.length } : {}) },
          }),
        policy,
        hooks('finishIngestion'),
      );
      lastServer = finished.finishIngestion;
      exact = true;
    } catch (error) {
      summary.outcome = 'FAILED';
      summary.failureCode = 'NOT_CLOSED';
      summary.failure = `every row was sent but the ingestion could not be closed: ${describeSendError(error)}`;
    }
  }
  if (!exact) {
    // Quickly: the endpoint may be what stopped the run.
    const read = await withRetry(() => client.request(GetIngestionDocument, { id: ingestion.id }), { ...policy, attempts: Math.min(policy.attempts, 2), unreachableMs: undefined }, hooks('getIngestion')).catch(
      () => null,
    );
    if (read?.getIngestion) {
      lastServer = read.getIngestion;
      exact = true;
    }
  }
  show(lastServer);
  summary.countsExact = exact;
  summary.created = lastServer.created;
  summary.duplicates = lastServer.duplicates;
  summary.invalid = lastServer.invalid;
  summary.alreadyImported = lastServer.alreadyImported;
  summary.batches = lastServer.batches;
  summary.server = { created: lastServer.created, duplicates: lastServer.duplicates, invalid: lastServer.invalid, alreadyImported: lastServer.alreadyImported, processed: lastServer.processed };
  // Rows no run accounted for: those that got no outcome and those never read after the stop,
  // less any an earlier run had recorded.
  summary.unsent = Math.max(0, scan.rows - lastServer.processed);
  if (summary.unsent > 0) {
    summary.unsentRows = done.without(rowRanges(unsentRowNumbers, lastRowRead < lastRow ? { from: lastRowRead + 1, to: lastRow } : undefined));
  }
  emit(progress, true);
  return summary;
}

/** A server check that asked nothing (`reason` null: no server was given, e.g. --offline). */
function skippedCheck(reason: string | null): ServerCheck {
  return { status: 'SKIPPED', reason, file: null, previous: null, rowsChecked: 0, wouldCreate: 0, uncheckedFrom: null, durationMs: 0 };
}

/**
 * The dry run's questions to the server (./check), read-only: checkFile for the scanned SHA-256 —
 * a file a real run would not ingest (DUPLICATE, or someone else's unfinished IN_PROGRESS) ends the
 * check there, as it ends a real run — then every valid row, read again (verified against the scan),
 * in batches to the model's check query. Verdicts go to `onRejected` and into the summary's counts.
 * A server that cannot be reached or refuses leaves the check SKIPPED (or INCOMPLETE part-way), with why.
 */
async function checkOnServer(
  options: IngestOptions,
  inspection: Inspection,
  summary: IngestSummary,
  ctx: {
    scannedBlocks: ScannedBlocks;
    repeatKeys: ReadonlySet<string>;
    validRows: number;
    validBatchSize: number;
    concurrency: number;
    now: () => number;
    emit: (p: Progress, force?: boolean) => void;
  },
): Promise<ServerCheck> {
  const policy = options.retry ?? DEFAULT_RETRY;
  const onRetry = (what: string) => (error: unknown, attempt: number, delay: number) => options.onRetry?.(what, error, attempt, delay);
  let client: GraphQLClient;
  try {
    client = typeof options.client === 'function' ? await options.client() : options.client!;
  } catch (error) {
    return skippedCheck(describeSendError(error));
  }
  const start = ctx.now();
  let file: Awaited<ReturnType<typeof checkFileOnServer>>;
  try {
    file = await checkFileOnServer(client, summary.sha256, policy, { sleep: options.sleep, random: options.random, onRetry: onRetry('checkFile') });
  } catch (error) {
    return skippedCheck(describeSendError(error));
  }
  const check: ServerCheck = { status: 'CHECKED', reason: null, file: file.outcome, previous: file.previous, rowsChecked: 0, wouldCreate: 0, uncheckedFrom: null, durationMs: Math.round(ctx.now() - start) };
  if (file.outcome === 'DUPLICATE') summary.duplicateOf = file.previous;
  // A real run would stop at startIngestion: nothing more to ask.
  if (file.outcome === 'DUPLICATE' || file.outcome === 'IN_PROGRESS') return check;

  const progress = emptyProgress('check', options.size ?? null, ctx.validRows);
  const checker = new RowChecker<MappedRow>({
    client,
    model: inspection.model,
    ingestionId: file.outcome === 'RESUME' ? (file.previous?.ingestionId ?? null) : null,
    repeatKeys: ctx.repeatKeys,
    concurrency: ctx.concurrency,
    retry: policy,
    sleep: options.sleep,
    random: options.random,
    onRetry: options.onRetry,
    stopped: () => options.signal?.aborted === true,
    onVerdict: (r, v: RowVerdict) => {
      switch (v.status) {
        case 'CREATED':
          progress.created++;
          break;
        case 'ALREADY_IMPORTED':
          progress.alreadyImported++;
          break;
        case 'DUPLICATE':
        case 'INVALID':
          if (v.status === 'DUPLICATE') progress.duplicates++;
          else progress.invalid++;
          // A repeat the engine decided (across batches) names no record: the server never saw both rows together.
          options.onRejected?.({ row: r.row, status: v.status, errors: v.errors ?? [], conflict: v.conflict ?? null, cells: r.cells, by: v.repeatOf && !v.conflict ? 'client' : 'server', repeatOf: v.repeatOf ?? null });
          break;
        default:
          progress.invalid++;
      }
      progress.elapsedMs = ctx.now() - start;
      ctx.emit(progress);
    },
  });
  const batch: MappedRow[] = [];
  let sending = true;
  const source = verifyingSource(options.source, options.createHasher, ctx.scannedBlocks, options.fileName, options.verifyBlockBytes);
  for await (const r of dataRows(source, inspection, undefined, (n) => (progress.bytesRead = n), { count: 0 }, undefined, options.corrections)) {
    if (r.errors.length) continue;
    progress.rowsRead++;
    batch.push(r);
    if (batch.length >= ctx.validBatchSize) {
      sending = await checker.add(batch.splice(0));
      if (!sending) break;
    }
  }
  if (sending && batch.length) await checker.add(batch);
  const uncheckedFrom = await checker.finish();
  ctx.emit(progress, true);
  check.durationMs = Math.round(ctx.now() - start);
  check.rowsChecked = checker.rowsChecked;
  check.wouldCreate = progress.created;
  summary.duplicates = progress.duplicates;
  summary.invalid += progress.invalid;
  summary.alreadyImported = progress.alreadyImported;
  if (uncheckedFrom !== null || checker.rowsChecked < ctx.validRows) {
    check.status = 'INCOMPLETE';
    check.uncheckedFrom = uncheckedFrom;
    check.reason = options.signal?.aborted ? 'interrupted' : checker.failed ? describeSendError(checker.failure) : 'the server left rows unanswered';
  }
  return check;
}

/** Ascending ranges of consecutive row numbers, with `tail` (rows after the last one read) merged in. */
export function rowRanges(rows: number[], tail?: { from: number; to: number }): { from: number; to: number }[] {
  const ranges: { from: number; to: number }[] = [];
  for (const row of [...new Set(rows)].sort((a, b) => a - b)) {
    const last = ranges.at(-1);
    if (last && row === last.to + 1) last.to = row;
    else ranges.push({ from: row, to: row });
  }
  if (tail) {
    const last = ranges.at(-1);
    if (last && last.to + 1 >= tail.from) last.to = Math.max(last.to, tail.to);
    else ranges.push({ ...tail });
  }
  return ranges;
}

/** One line about a sending error, with what to do about it. */
export function describeSendError(error: unknown): string {
  if (error instanceof SendFailedError) return error.message;
  if (error instanceof EndpointUnreachableError) return `${error.message}. Is the endpoint right and the server running?`;
  if (error instanceof GraphQLHttpError) {
    if (error.status === 401 || error.status === 403) {
      return `the endpoint refused the credentials (HTTP ${error.status}${error.errorType ? ` ${error.errorType}` : ''}): sign in again — set FOREMAN_ID_TOKEN to a fresh ID token (tokens last an hour; \`foreman users token NAME\` on a local stack), or check --api-key / FOREMAN_API_KEY if this endpoint takes a key.`;
    }
    return error.message;
  }
  if (error instanceof GraphQLResponseError) return `the server answered ${error.message}`;
  return error instanceof Error ? error.message : String(error);
}
