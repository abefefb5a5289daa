/**
 * The upload page (clients/web; docs/architecture.md): pick or drop a CSV, Excel (.xlsx), JSON or NDJSON
 * file (the engine reads each kind as a stream; a workbook's sheet can be chosen), see the detected model, the
 * column mapping, a preview and the issues (a dry run of the engine, in the browser, that asks the
 * API read-only what an import would do: a file imported before, rows that would be duplicates or
 * name records that do not exist — docs/ingestion.md), then import it through the GraphQL mutations (source WEB) while a progress bar follows the
 * ingestion's `onIngestionProgress` subscription. Error report: the engine's own report code.
 *
 * `document.body.dataset.state` says where the page is (loading, signed-out, signing-in, ready,
 * not-allowed, inspecting, inspected, file-problem, importing, finished, cancelled, duplicate,
 * failed, config-problem); tests wait on it. The user signs in first (account.ts, auth.ts).
 * After `finished`, `data-outcome` says how it went (complete, partial, nothing).
 */
import { GraphQLHttpError, type GraphQLClient } from '../../api/client';
import { AbortUploadDocument, CompleteUploadDocument, CreateUploadDocument, type CreateUploadMutation, type ModelName } from '../../api/generated';
import {
  columnOf,
  describeSendError,
  FileProblemError,
  ingestFile,
  mapColumns,
  modelByKey,
  MODELS,
  readRecords,
  reportHeader,
  reportLine,
  scoreModels,
  delimiterName,
  describeFileKind,
  type Inspection,
  type IngestSummary,
  type ModelKey,
  type RejectedRow,
  type SavedMappingMatch,
  type ScanResult,
  type ServerCheck,
} from '../../ingest/index';
import { Account } from './account';
import { mayImport, SignInError } from './auth';
import { blobSource, browserSha256 } from './browser';
import { append, byId, bytes, clip, el, fact, fill, number } from './dom';
import { headerColumns, renderMappingEditor, type MappingChoice } from './mappingEditor';
import { FixTable, type FixableRow } from './fixRows';
import { ProgressPanel } from './progressPanel';
import { rememberMapping, savedMappingLookup, showSavedMapping } from './savedMapping';
import { parseConfig, ProgressWatch, watchingClient, WebConfigError, type WebConfig } from './session';

/** Issues and rejected rows listed on the page; all of them are in the downloadable report. */
const MAX_LISTED = 200;
/** How long to wait for the finishIngestion event after the mutation itself answered. */
const FINISH_EVENT_WAIT_MS = 10_000;

/** Rejected rows as they come: the first MAX_LISTED listable ones for the page, every one as a report line. */
interface Rejections {
  listed: RejectedRow[];
  /** How many rows were listable (the page shows the first MAX_LISTED). */
  listable: number;
  lines: string[];
}

const noRejections = (): Rejections => ({ listed: [], listable: 0, lines: [] });

/** The reason a rejected row corrected in the page carries first (in the report and the page's list). */
const CORRECTED_NOTE = { field: 'row', code: 'CORRECTED', message: 'corrected in the page (the cells are the corrected ones), still not imported' };

/** Adds a rejected row to the report and, when `list`, to the rows the page lists. */
function collect(into: Rejections, inspection: Inspection, given: RejectedRow, list = true): void {
  const r = given.corrected ? { ...given, errors: [CORRECTED_NOTE, ...given.errors] } : given;
  if (list) {
    into.listable++;
    if (into.listed.length < MAX_LISTED) into.listed.push(r);
  }
  into.lines.push(reportLine(r, (f) => columnOf(inspection.mapping, f)));
}

interface Picked {
  file: File;
  inspection: Inspection;
  scan: ScanResult;
  /** The user's model and mapping, when they changed the detected ones. */
  choice?: MappingChoice;
  /** The workbook's sheet the user chose (default: its first visible one). */
  sheet?: string;
  /** A saved mapping the user chose not to use for this file. */
  ignored?: SavedMappingMatch | null;
  /** A saved mapping the user just forgot. */
  forgotten?: SavedMappingMatch | null;
  /** What the API said an import would do (null: it was not asked). */
  check: ServerCheck | null;
  /** The check's verdicts: `row:status` of every row it listed, so that the import does not list them again. */
  flagged: Set<string>;
  /** Rows the API says an import would create, reject as duplicates, or that an earlier run already wrote. */
  wouldCreate: number;
  duplicates: number;
  alreadyImported: number;
  /** The rows the check found invalid (its own rules, not the API's verdicts): editable in "Fix rows". */
  fixable: FixableRow[];
  /** The "Fix rows" table, when there are rows to fix. */
  fix: FixTable | null;
}

/** How a file is checked: the user's choice in the editor, or their saved mapping unless set aside. */
interface PickOptions {
  choice?: MappingChoice;
  /** The saved mapping found for this header row, set aside ("Use the detected mapping"). */
  ignore?: SavedMappingMatch | null;
  /** The saved mapping just forgotten ("Forget this mapping"), to say so. */
  forgotten?: SavedMappingMatch | null;
  /** The workbook's sheet (default: its first visible one). */
  sheet?: string;
}

/** File problems the user can solve by mapping the columns themselves. */
const MAPPING_PROBLEMS = new Set(['UNKNOWN_MODEL', 'MISSING_REQUIRED', 'BAD_MAPPING']);

/**
 * For a file refused because its columns do not map: its header row (read with the engine's
 * reader) in the mapping editor, for the model that fits best or the one the user chose.
 */
async function offerMapping(file: File, choice: MappingChoice | undefined, sheet: string | undefined): Promise<void> {
  let headers: string[] | null = null;
  for await (const record of readRecords(blobSource(file), { fileName: file.name, sheet })) {
    if (record.cells.some((c) => c.trim() !== '')) {
      headers = record.cells.map((h) => h.trim());
      break;
    }
  }
  if (!headers) return;
  const model = (choice && modelByKey(choice.model)) || scoreModels(headers)[0]!.model;
  const columns = choice?.mapping ? mapColumns(model, headers, choice.mapping).columns : headerColumns(model, headers);
  renderMappingEditor(byId('mapping').querySelector('tbody')!, byId<HTMLSelectElement>('model-select'), model, columns, (next) => void pick(file, { choice: next, sheet }));
  fill(byId('facts'), fact('File', `${file.name} (${bytes(file.size)})`));
  byId('checked').hidden = true;
  byId('inspection').hidden = false;
}

let config: WebConfig | null = null;
let account: Account | null = null;
let picked: Picked | null = null;
let reportUrl: string | null = null;
let busy = false;

function setState(state: string): void {
  document.body.dataset.state = state;
}

function fieldLabel(inspection: Inspection, field: string): string {
  return inspection.model.columns[field]?.label ?? field;
}

/** A rejected row's reasons, each naming the file's column. */
function reasons(inspection: Inspection, r: RejectedRow): string {
  // For a duplicate the conflict says it all (value, owner, where it came from); the server's
  // error message beside it repeats the same sentence with less detail.
  // (A row corrected in the page says so first, whatever it is.)
  const parts = (r.conflict && r.status === 'DUPLICATE' ? r.errors.filter((e) => e.code === CORRECTED_NOTE.code) : r.errors).map((e) =>
    e.code === CORRECTED_NOTE.code ? 'Corrected in the page, still not imported' : `${columnOf(inspection.mapping, e.field)}: ${e.message}`,
  );
  if (r.conflict) {
    const where = r.conflict.rowNumber ? ` (row ${r.conflict.rowNumber}${r.conflict.ingestionId ? ` of ingestion ${r.conflict.ingestionId}` : ''})` : '';
    parts.push(`${columnOf(inspection.mapping, r.conflict.field)} ${r.conflict.value} already belongs to ${r.conflict.existingId}${where}`);
  }
  return parts.join('; ');
}

/** Offers `lines` (the engine's report lines after its header) as a CSV download. */
function offerReport(inspection: Inspection, lines: string[], note: string, corrected: string[] = []): void {
  const area = byId('report-area');
  if (reportUrl) URL.revokeObjectURL(reportUrl);
  reportUrl = null;
  if (!lines.length && !corrected.length) {
    area.hidden = true;
    return;
  }
  const blob = new Blob([reportHeader(inspection.headers), ...lines, ...corrected], { type: 'text/csv;charset=utf-8' });
  reportUrl = URL.createObjectURL(blob);
  const link = byId<HTMLAnchorElement>('report-link');
  link.href = reportUrl;
  link.download = `${inspection.fileName.replace(/\.[^.]*$/, '')}.errors.csv`;
  fill(
    link,
    corrected.length
      ? `Download the report (${plural(lines.length, 'row')} not imported, ${number(corrected.length)} imported as corrected in the page, CSV)`
      : `Download the error report (${plural(lines.length, 'row')}, CSV)`,
  );
  fill(byId('report-note'), note);
  area.hidden = false;
}

function clearResults(): void {
  byId('inspection').hidden = true;
  byId('check-note').hidden = true;
  byId('import').hidden = true;
  byId('progress-area').hidden = true;
  byId('counts').hidden = true;
  byId('rejected-area').hidden = true;
  byId('file-problem').hidden = true;
  byId('report-area').hidden = true;
  byId('saved-mapping').hidden = true;
  byId('remember-area').hidden = true;
  byId('fix-area').hidden = true;
  byId<HTMLFieldSetElement>('fix-fieldset').disabled = false;
  fill(byId('fix-rows'));
  fill(byId('mapping-saved'));
  fill(byId('outcome'));
  fill(byId('reading'));
  delete document.body.dataset.outcome;
}

function showInspection(p: Picked, found: Rejections): void {
  const { inspection, scan, file } = p;
  const { format } = inspection;
  const second = inspection.scores.find((s) => s.model !== inspection.model && s.mapped > 0);
  const saved = inspection.saved?.applied ? inspection.saved : null;
  fill(
    byId('facts'),
    fact('File', `${file.name} (${bytes(file.size)})`),
    p.choice
      ? fact('Model', `${inspection.model.label} (${inspection.model.apiName}), as you chose`)
      : saved
        ? fact('Model', `${inspection.model.label} (${inspection.model.apiName}), from your saved mapping`)
        : fact('Detected model', `${inspection.model.label} (${inspection.model.apiName})`, second ? ` — ${inspection.scores[0]!.mapped} columns match it, ${second.mapped} match ${second.model.label}` : ''),
    fact('Rows', `${number(scan.rows)} data rows${scan.blankRows ? `, ${number(scan.blankRows)} blank lines skipped` : ''}`),
    ...(rowsChecked(p)
      ? [
          fact('Would be created', number(p.wouldCreate)),
          fact('Would be duplicates', number(p.duplicates)),
          p.alreadyImported ? fact('Already imported by the unfinished import', number(p.alreadyImported)) : null,
          fact('Rows with problems', number(scan.invalid)),
        ]
      : [fact('Valid rows', number(scan.valid)), fact('Rows with problems', number(scan.invalid))]),
    fact('Format', describeFileKind(format) ?? `${format.encoding.toUpperCase()}${format.bom ? ' with BOM' : ''}, ${delimiterName(format.delimiter)}-separated`),
    format.sheet && format.sheet.names.length > 1 ? fact('Sheet', sheetSelect(file, format.sheet.names, format.sheet.name)) : null,
    fact('SHA-256', el('code', {}, scan.sha256)),
  );

  renderMappingEditor(
    byId('mapping').querySelector('tbody')!,
    byId<HTMLSelectElement>('model-select'),
    inspection.model,
    inspection.mapping.columns,
    (choice) => void pick(file, { choice, sheet: p.sheet }),
    new Set(saved && !p.choice ? saved.columns : []),
  );
  showSavedMapping({ saved: inspection.saved ?? null, ignored: p.ignored ?? null, forgotten: p.forgotten ?? null }, account?.client ?? null, savedMappingActions(file, inspection.saved?.match ?? null, p.sheet));
  // A mapping the user chose is saved when they import with it (unless they untick this).
  byId('remember-area').hidden = !p.choice || !account?.client;
  byId('checked').hidden = false;
  showCheck(p);

  const fields = inspection.mapping.columns.filter((c) => c.field).map((c) => c.field!);
  const previewHead = el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, 'Row'), ...fields.map((f) => el('th', { scope: 'col' }, fieldLabel(inspection, f)))));
  const previewBody = el('tbody', {}, ...inspection.preview.map((r) => el('tr', {}, el('th', { scope: 'row' }, r.row), ...fields.map((f) => el('td', {}, clip(r.values[f] ?? ''))))));
  fill(byId('preview'), el('caption', {}, inspection.preview.length === 1 ? 'The first row as it will be sent' : `The first ${inspection.preview.length} rows as they will be sent`), previewHead, previewBody);

  const issuesTable = byId('issues');
  const issuesBody = issuesTable.querySelector('tbody')!;
  // In row order: the API's verdicts arrive after the problems found while reading.
  const listed = [...found.listed].sort((a, b) => a.row - b.row);
  const total = found.lines.length;
  fill(
    issuesBody,
    ...listed.flatMap((r) =>
      r.errors.map((e) => {
        const index = inspection.mapping.fieldColumn.get(e.field);
        const value = index === undefined ? '' : (r.cells[index] ?? '');
        return el('tr', {}, el('td', {}, r.row), el('td', {}, columnOf(inspection.mapping, e.field)), el('td', {}, e.message), el('td', { class: 'value' }, clip(value)));
      }),
    ),
  );
  issuesTable.hidden = total === 0;
  fill(
    byId('issues-summary'),
    total === 0
      ? 'No problems found: every row is valid.'
      : `${number(total)} row${total === 1 ? '' : 's'} will not be imported because of the problems below${total > listed.length ? ` (the first ${listed.length} are listed; the error report has them all)` : ''}. The other rows can be imported.`,
  );
  offerReport(
    inspection,
    found.lines,
    '(rows with problems, found before importing)',
  );
  showFixRows(p);
  byId('inspection').hidden = false;
  byId('import').hidden = false;
  // A file the server would not import again (or someone else is importing) offers no import.
  const refused = p.check?.file === 'DUPLICATE' ? 'Nothing to import: this file was imported before (see above).' : p.check?.file === 'IN_PROGRESS' ? 'Not now: someone else’s import of this file has not finished (see above).' : '';
  byId<HTMLButtonElement>('import-button').disabled = scan.valid + scan.invalid === 0 || refused !== '';
  fill(byId('import-note'), refused);
  byId('import-note').hidden = refused === '';
}

/**
 * The report's record of the rows imported with values corrected in the page: status CORRECTED,
 * the values that were sent in their columns (the file's other cells as read).
 */
function correctedLines(p: Picked, corrections: ReadonlyMap<number, Record<string, string>>, rows: number[]): string[] {
  const { mapping } = p.inspection;
  const cellsOf = new Map(p.fixable.map((r) => [r.row, r.cells]));
  return rows
    .sort((a, b) => a - b)
    .map((row) => {
      const cells = [...(cellsOf.get(row) ?? [])];
      for (const [field, value] of Object.entries(corrections.get(row) ?? {})) {
        const index = mapping.fieldColumn.get(field);
        if (index !== undefined) cells[index] = value;
      }
      return reportLine({ row, status: 'CORRECTED', errors: [{ field: 'row', code: 'CORRECTED', message: 'imported with the values corrected in the page' }], cells: Array.from(cells, (c) => c ?? '') }, (f) => columnOf(mapping, f));
    });
}

/** "Fix rows": the invalid rows, editable page by page; the fixed ones go with the import. */
function showFixRows(p: Picked): void {
  const area = byId('fix-area');
  if (!p.fixable.length) {
    area.hidden = true;
    return;
  }
  const summary = byId('fix-summary');
  const total = p.fixable.length;
  p.fix = new FixTable(byId('fix-rows'), p.inspection.model, p.inspection.mapping, p.fixable, (edited, fixed) => {
    const still = edited - fixed;
    fill(
      summary,
      edited === 0
        ? `None of the ${plural(total, 'row')} with problems corrected yet.`
        : `${plural(fixed, 'row')} fixed: ${fixed === 1 ? 'it' : 'they'} will be imported with your corrections (the file itself is not changed).${still ? ` ${plural(still, 'corrected row')} still ${still === 1 ? 'has' : 'have'} problems.` : ''} ${plural(total - fixed, 'row')} will not be imported.`,
    );
    summary.dataset.fixed = String(fixed);
    summary.dataset.edited = String(edited);
  });
  area.hidden = false;
}

/** Whether the API checked the rows (not only the file): the counts are then what an import would do. */
function rowsChecked(p: Picked): boolean {
  return !!p.check && p.check.status !== 'SKIPPED' && (p.check.file === 'NEW' || p.check.file === 'RESUME');
}

const utc = (iso: string) => `${new Date(iso).toLocaleString('en-GB', { timeZone: 'UTC' })} UTC`;

/** What the API said about the file before any write: imported before, an unfinished import, or why it could not say. */
function showCheck(p: Picked): void {
  const box = byId('check-note');
  const c = p.check;
  const previous = c?.previous;
  box.className = '';
  delete box.dataset.file;
  if (!c) {
    box.hidden = true;
    return;
  }
  const local = 'Only the rows themselves were checked: duplicates and references to records that do not exist will be known when importing.';
  if (c.status === 'SKIPPED') {
    box.className = 'muted';
    fill(box, `The API could not be asked${c.reason ? ` (${c.reason})` : ''}. ${local}`);
  } else if (c.file === 'DUPLICATE') {
    box.className = 'notice duplicate';
    fill(
      box,
      el('strong', {}, 'Already imported — importing it again would do nothing. '),
      previous
        ? `These exact bytes (SHA-256 ${p.scan.sha256.slice(0, 12)}…) were imported as “${previous.fileName}” on ${utc(previous.startedAt)} (status ${previous.status}). First ingestion: `
        : `These exact bytes (SHA-256 ${p.scan.sha256.slice(0, 12)}…) were imported before, by another user.`,
      previous ? el('code', {}, previous.ingestionId) : null,
      ' Foreman identifies a file by its content: change the file to import it again.',
    );
  } else if (c.file === 'IN_PROGRESS') {
    box.className = 'notice error';
    fill(box, el('strong', {}, 'Someone else is importing this file. '), 'Their import has not finished; only they or an admin can continue it, so importing it here would be refused.');
  } else if (c.file === 'RESUME') {
    box.className = 'notice partial';
    fill(
      box,
      el('strong', {}, 'An import of this file did not finish. '),
      `It was started on ${previous ? utc(previous.startedAt) : '?'}; importing continues it${p.alreadyImported ? ` (${number(p.alreadyImported)} of its rows are in already)` : ''}.`,
    );
  } else {
    box.className = 'muted';
    fill(box, 'Checked with the API, as an import would check it; nothing was written.');
  }
  if (c.status === 'INCOMPLETE') append(box, ` The API stopped answering (${c.reason ?? 'no reason given'}): rows from row ${c.uncheckedFrom ?? '?'} on were checked here only.`);
  if (c.file) box.dataset.file = c.file;
  box.hidden = false;
}

/** A workbook's sheets to choose from; choosing one checks the file again with that sheet (and its own headers). */
function sheetSelect(file: File, names: string[], current: string): HTMLSelectElement {
  const select = el('select', { id: 'sheet-select', 'aria-label': 'Sheet' }, ...names.map((n) => el('option', n === current ? { value: n, selected: '' } : { value: n }, n)));
  select.addEventListener('change', () => void pick(file, { sheet: select.value }));
  return select;
}

/** What the saved-mapping note's buttons do for `file`: check it again without `match`, with it, or after it was forgotten. */
function savedMappingActions(file: File, match: SavedMappingMatch | null, sheet?: string) {
  return {
    useDetected: () => void pick(file, { ignore: match, sheet }),
    useSaved: () => void pick(file, { sheet }),
    forgotten: (forgotten: SavedMappingMatch) => void pick(file, { forgotten, sheet }),
  };
}

/**
 * Dry run: inspect, scan and validate the whole file in the browser; nothing is sent. `choice` is
 * the model and column mapping the user picked in the mapping editor (none: detected from the
 * headers); `sheet` the workbook's sheet (none: its first visible one).
 */
async function pick(file: File, options: PickOptions = {}): Promise<void> {
  const { choice, ignore, forgotten, sheet } = options;
  if (busy) return;
  busy = true;
  clearResults();
  picked = null;
  setState('inspecting');
  fill(byId('reading'), `Reading ${file.name}…`);
  const found = noRejections();
  const flagged = new Set<string>();
  const fixable: FixableRow[] = [];
  let inspection: Inspection | undefined;
  try {
    const summary = await ingestFile({
      fileName: file.name,
      source: blobSource(file),
      size: file.size,
      createHasher: browserSha256,
      dryRun: true,
      // The API is asked, read-only, what an import would do (a file imported before, duplicates,
      // unknown references); nothing is written.
      client: account?.client ?? undefined,
      model: choice?.model,
      mapping: choice?.mapping,
      sheet,
      // The user's saved mapping for this header row, unless they chose one or set it aside.
      savedMapping: !choice && !ignore && account?.client ? savedMappingLookup(account.client) : undefined,
      onInspected: (i) => (inspection = i),
      onProgress: (progress) => {
        if (progress.phase === 'check') fill(byId('reading'), `Checking ${file.name} with the API: ${number(progress.created + progress.duplicates + progress.invalid + progress.alreadyImported)} of ${number(progress.rowsTotal ?? 0)} rows…`);
      },
      // onInspected always comes first, so the mapping is known for the report line.
      onRejected: (r) => {
        flagged.add(`${r.row}:${r.status}`);
        collect(found, inspection!, r);
        // Rows the rules refused (not the API's verdicts) can be fixed in the page.
        if (r.status === 'INVALID' && r.by === 'client') fixable.push({ row: r.row, cells: r.cells, errors: r.errors });
      },
    });
    const scan: ScanResult = { sha256: summary.sha256, bytes: summary.bytes, rows: summary.rows, blankRows: summary.blankRows, valid: summary.rows - summary.invalid, invalid: summary.invalid, durationMs: summary.durationMs };
    picked = {
      file,
      inspection: inspection!,
      scan,
      choice,
      sheet,
      ignored: ignore ?? null,
      forgotten: forgotten ?? null,
      check: summary.check,
      flagged,
      wouldCreate: summary.check?.wouldCreate ?? 0,
      duplicates: summary.duplicates,
      alreadyImported: summary.alreadyImported,
      fixable: fixable.sort((a, b) => a.row - b.row),
      fix: null,
    };
    fill(byId('reading'));
    showInspection(picked, found);
    setState('inspected');
  } catch (error) {
    fill(byId('reading'));
    const problem = byId('file-problem');
    if (error instanceof FileProblemError) {
      const remap = MAPPING_PROBLEMS.has(error.code);
      fill(problem, el('strong', {}, 'This file cannot be imported. '), error.message, remap ? ' Or choose the fields below.' : '');
      if (remap) {
        await offerMapping(file, choice, sheet);
        // A saved mapping set aside, or one that no longer fits: said above the columns.
        showSavedMapping({ saved: null, ignored: ignore ?? null, forgotten: forgotten ?? null }, account?.client ?? null, savedMappingActions(file, ignore ?? null, sheet));
      }
    } else {
      fill(problem, el('strong', {}, 'Reading the file failed. '), error instanceof Error ? error.message : String(error));
    }
    problem.hidden = false;
    setState('file-problem');
  } finally {
    busy = false;
    // How many checks have ended (tests wait for the next one after changing the mapping).
    document.body.dataset.checks = String(Number(document.body.dataset.checks ?? 0) + 1);
  }
}

function showCounts(
  c: { rows: number; created: number; duplicates: number; invalid: number; alreadyImported: number; durationMs: number | null },
  ingestionId: string | null,
  corrected: { rows: number; created: number; rejected: number } = { rows: 0, created: 0, rejected: 0 },
): void {
  const counts = byId('counts');
  fill(
    counts,
    fact('Rows in the file', number(c.rows)),
    fact('Created', number(c.created)),
    fact('Duplicates (already there)', number(c.duplicates)),
    fact('Invalid', number(c.invalid)),
    c.alreadyImported ? fact('Already imported by an earlier run', number(c.alreadyImported)) : null,
    corrected.rows ? fact('Corrected in the page', `${number(corrected.rows)} (${number(corrected.created)} imported, ${number(corrected.rejected)} not)`) : null,
    c.durationMs !== null ? fact('Server time', `${(c.durationMs / 1000).toFixed(1)} s`) : null,
    ingestionId ? fact('Ingestion', el('code', {}, ingestionId)) : null,
  );
  counts.hidden = false;
}

function showRejected(p: Picked, rejected: Rejections): void {
  const area = byId('rejected-area');
  const body = byId('rejected').querySelector('tbody')!;
  const total = rejected.listable;
  fill(body, ...rejected.listed.map((r) => el('tr', {}, el('td', {}, r.row), el('td', {}, r.status.toLowerCase()), el('td', {}, clip(reasons(p.inspection, r), 300)))));
  const besides = p.flagged.size ? ' besides the problems listed above' : '';
  fill(byId('rejected-title'), total > rejected.listed.length ? `Rows not imported${besides} (the first ${rejected.listed.length} of ${number(total)}; the error report has them all)` : `Rows not imported${besides}`);
  area.hidden = total === 0;
}

/** Final counts of an import, from the finish event or the page's own tally. */
interface FinalCounts {
  rows: number;
  created: number;
  duplicates: number;
  invalid: number;
  alreadyImported: number;
}

const plural = (n: number, one: string, many = `${one}s`) => `${number(n)} ${n === 1 ? one : many}`;

/**
 * The outcome of an import that reached the end of the file: green only when every row is in
 * (created now or by an earlier run); amber when some rows were left out; red when none got in.
 */
function showFinished(c: FinalCounts, note: string): void {
  const imported = c.created + c.alreadyImported;
  const rejected = c.duplicates + c.invalid;
  const already = c.alreadyImported ? `, ${number(c.alreadyImported)} already imported by an earlier run` : '';
  const why = [c.duplicates ? plural(c.duplicates, 'duplicate') : '', c.invalid ? `${number(c.invalid)} invalid` : ''].filter(Boolean).join(', ');
  let kind: 'complete' | 'partial' | 'nothing';
  let box: HTMLElement;
  if (rejected === 0) {
    kind = 'complete';
    box = el('div', { class: 'notice ok' }, el('strong', {}, 'Import finished. '), `All ${plural(c.rows, 'row')} imported: ${number(c.created)} created${already}.${note}`);
  } else if (imported > 0) {
    kind = 'partial';
    box = el(
      'div',
      { class: 'notice partial' },
      el('strong', {}, `Imported ${number(imported)} of ${plural(c.rows, 'row')}; ${number(rejected)} ${rejected === 1 ? 'was' : 'were'} not imported (${why}). `),
      `${number(c.created)} created${already}. The rows not imported are listed on this page and in the error report: fix them and import them as a new file.${note}`,
    );
  } else {
    kind = 'nothing';
    box = el('div', { class: 'notice error', role: 'alert' }, el('strong', {}, 'Nothing was imported. '), `Every one of the ${plural(c.rows, 'row')} was rejected (${why}); the error report says why for each.${note}`);
  }
  document.body.dataset.outcome = kind;
  fill(byId('outcome'), box);
}

/**
 * A refusal of the user's sign-in, said for the page (the engine's own words name the CLI's API-key
 * flags): the ID token could not be refreshed, or the API answered 401.
 */
function signInProblem(error: unknown): string | null {
  for (let e: unknown = error; e instanceof Error; e = e.cause) {
    if (e instanceof SignInError) return `${e.message} Then import the same file again: it continues where it stopped.`;
    if (e instanceof GraphQLHttpError && e.status === 401) return 'the API refused your sign-in (HTTP 401 UnauthorizedException). Sign out and sign in again, then import the same file again: it continues where it stopped.';
  }
  return null;
}

/** Cancelled: what got in, what was not sent, and how to continue. The ingestion stays open. */
function showCancelled(summary: IngestSummary): void {
  const done = summary.created + summary.duplicates + summary.invalid + summary.alreadyImported;
  const parts = [`${number(summary.created)} created`, summary.alreadyImported ? `${number(summary.alreadyImported)} already imported` : '', summary.duplicates ? plural(summary.duplicates, 'duplicate') : '', summary.invalid ? `${number(summary.invalid)} invalid` : ''].filter(Boolean);
  fill(
    byId('outcome'),
    el(
      'div',
      { class: 'notice stopped' },
      el('strong', {}, 'Import cancelled. '),
      `${number(done)} of ${plural(summary.rows, 'row')} were processed before it stopped (${parts.join(', ')}); ${number(summary.unsent)} ${summary.unsent === 1 ? 'was' : 'were'} not sent. The ingestion is left open: continue now, or import the same file again later, to go on where it stopped.`,
      resumeButton(),
    ),
  );
}

/** Runs the import of the same file again: the server resumes the open ingestion. */
function resumeButton(): HTMLElement {
  const button = el('button', { type: 'button', id: 'resume-button' }, 'Continue the import');
  button.addEventListener('click', () => void runImport());
  return el('p', {}, button);
}

function showDuplicate(summary: IngestSummary): void {
  const d = summary.duplicateOf;
  const bytesOf = `These exact bytes (SHA-256 ${summary.sha256.slice(0, 12)}…) were imported before`;
  const rule = 'Foreman identifies a file by its content, so the same file under any name is refused.';
  fill(
    byId('outcome'),
    el(
      'div',
      { class: 'notice duplicate', id: 'duplicate-answer' },
      el('strong', {}, 'Already imported — nothing was written. '),
      // Someone else's file: the API says only that these bytes were ingested before (docs/auth.md).
      d
        ? `${bytesOf} as “${d.fileName}” on ${new Date(d.startedAt).toLocaleString('en-GB', { timeZone: 'UTC' })} UTC (status ${d.status}). ${rule}`
        : `${bytesOf}, by another user. ${rule}`,
      d ? el('br') : null,
      d ? 'First ingestion: ' : null,
      d ? el('code', {}, d.ingestionId) : null,
    ),
  );
  setState('duplicate');
}

/** The real import: the engine sends the batches; the bar follows the subscription. */
async function runImport(): Promise<void> {
  const client = account?.client;
  if (!config || !account?.identity || !client || !mayImport(account.identity) || !picked || busy) return;
  busy = true;
  const p = picked;
  const button = byId<HTMLButtonElement>('import-button');
  const input = byId<HTMLInputElement>('file');
  // Another file cannot be picked, nor the user sign out, while this one is being imported.
  button.disabled = true;
  input.disabled = true;
  byId<HTMLButtonElement>('signout-button').disabled = true;
  // The progress panel says what is going on; the outcome comes at the end.
  fill(byId('outcome'));
  delete document.body.dataset.outcome;
  byId('counts').hidden = true;
  byId('rejected-area').hidden = true;
  setState('importing');

  // Cancel stops reading and sending; the batches in flight finish and the ingestion stays open,
  // so importing the same file again resumes it (as Ctrl-C does in the CLI).
  const cancel = new AbortController();
  const panel = new ProgressPanel(p.scan.rows, () => cancel.abort());
  panel.begin();
  const watch = new ProgressWatch({
    config,
    token: account.token,
    onProgress: (e) => panel.event(e),
    onTrouble: (error) => fill(byId('progress-text'), `Live progress interrupted: ${error.message}`),
  });
  const watched = watchingClient(client, async (ingestionId) => {
    panel.started(ingestionId);
    await watch.start(ingestionId);
  });
  const rejected = noRejections();
  let closed = false;
  // The rows fixed in the page go with the import in place of their cells; the table is frozen meanwhile.
  const corrections = p.fix?.corrections() ?? new Map<number, Record<string, string>>();
  const fixFields = byId<HTMLFieldSetElement>('fix-fieldset');
  fixFields.disabled = true;
  const corrected = { created: 0, rejected: 0 };
  const createdCorrected: number[] = [];
  // The user confirmed the mapping they chose by importing with it: it is theirs for this header row now.
  if (p.choice && byId<HTMLInputElement>('remember-mapping').checked) await rememberMapping(client, p.inspection);
  try {
    const summary = await ingestFile({
      fileName: p.file.name,
      source: blobSource(p.file),
      size: p.file.size,
      createHasher: browserSha256,
      client: watched,
      sourceKind: 'WEB',
      // What the check used: the user's choice, or the saved mapping it applied (not looked up again).
      model: p.choice?.model ?? (p.inspection.saved?.applied ? (p.inspection.model.key as ModelKey) : undefined),
      mapping: p.choice?.mapping ?? (p.inspection.saved?.applied ? p.inspection.saved.match.mapping : undefined),
      sheet: p.sheet,
      signal: cancel.signal,
      corrections: corrections.size ? corrections : undefined,
      onCreated: (row) => {
        if (!corrections.has(row)) return;
        corrected.created++;
        createdCorrected.push(row);
      },
      onProgress: (progress) => panel.engine(progress),
      // Rows the check found (invalid here, or by the API's verdict) are listed in step 2 already:
      // the page lists only what the import adds (verdicts the check did not give, rows not sent);
      // the report has every row.
      // A corrected row that is still rejected is listed (the check listed it with its old cells).
      onRejected: (r) => {
        if (r.corrected) corrected.rejected++;
        collect(rejected, p.inspection, r, r.corrected === true || ((r.by === 'server' || r.status === 'UNSENT') && !p.flagged.has(`${r.row}:${r.status}`)));
      },
    });
    if (summary.outcome === 'DUPLICATE_FILE') {
      byId('progress-area').hidden = true;
      showDuplicate(summary);
      return;
    }
    const last = summary.outcome === 'COMPLETED' ? await watch.waitForFinish(FINISH_EVENT_WAIT_MS) : watch.latest;
    const counts: FinalCounts =
      last && watch.finished
        ? { rows: last.rowCount ?? summary.rows, created: last.created, duplicates: last.duplicates, invalid: last.invalid, alreadyImported: last.alreadyImported }
        : { rows: summary.rows, created: summary.created, duplicates: summary.duplicates, invalid: summary.invalid, alreadyImported: summary.alreadyImported };
    showCounts({ ...counts, durationMs: last && watch.finished ? (last.durationMs ?? null) : null }, summary.ingestionId, { rows: summary.correctedRows.length, ...corrected });
    showRejected(p, rejected);
    offerReport(
      p.inspection,
      rejected.lines,
      '(every row that was not imported, with the reasons from this browser and from the server)',
      correctedLines(p, corrections, createdCorrected),
    );
    if (summary.outcome === 'COMPLETED') {
      closed = true;
      // The counts are the ingestion's (every run); this run skipped the rows the earlier runs had recorded.
      const skipped = summary.thisRun?.skippedRows ?? 0;
      const earlier = skipped ? ` (the ${plural(skipped, 'row')} it had recorded ${skipped === 1 ? 'was' : 'were'} not sent again)` : '';
      const resumed = summary.resumed ? ` It continued an earlier import of the same file that had not finished${earlier}.` : '';
      const late = watch.finished ? '' : ' (The final progress event did not arrive in time; the counts are the ingestion’s as read when the import finished.)';
      const fixedNote = summary.correctedRows.length
        ? ` ${plural(summary.correctedRows.length, 'row')} corrected in the page: ${number(corrected.created)} imported${corrected.rejected ? `, ${number(corrected.rejected)} still not (listed below)` : ''}.`
        : '';
      showFinished(counts, `${fixedNote}${resumed}${late}`);
      setState('finished');
    } else if (cancel.signal.aborted) {
      panel.settle({ ...summary, processed: summary.rows - summary.unsent }, 'Cancelled');
      showCancelled(summary);
      setState('cancelled');
    } else {
      panel.settle({ ...summary, processed: summary.rows - summary.unsent }, 'Stopped');
      fill(
        byId('outcome'),
        el('div', { class: 'notice error', role: 'alert' }, el('strong', {}, 'The import stopped. '), `${summary.failure ?? 'unknown failure'}. ${number(summary.unsent)} rows were not sent; continue now, or import the same file again later, to go on where it stopped.`, resumeButton()),
      );
      setState('failed');
    }
  } catch (error) {
    const message = error instanceof FileProblemError ? error.message : signInProblem(error) ?? describeSendError(error);
    fill(byId('outcome'), el('div', { class: 'notice error', role: 'alert' }, el('strong', {}, 'The import could not run. '), message));
    setState('failed');
  } finally {
    watch.stop();
    panel.end(closed);
    button.disabled = false;
    input.disabled = false;
    byId<HTMLButtonElement>('signout-button').disabled = false;
    busy = false;
    // Finished: the corrections went with it. Otherwise (cancelled, failed) they go with the next try.
    fixFields.disabled = closed;
    void account.loadMine();
  }
}

function wireFilePicking(): void {
  const input = byId<HTMLInputElement>('file');
  // Choosing the same file again (after fixing it, or to resume) must read it again: a file input
  // only reports a change when its value changes.
  input.addEventListener('click', () => (input.value = ''));
  input.addEventListener('change', () => {
    const file = input.files?.[0];
    if (file) void pick(file);
  });
  const drop = byId('drop');
  const over = (e: DragEvent) => {
    e.preventDefault();
    drop.classList.add('over');
  };
  drop.addEventListener('dragenter', over);
  drop.addEventListener('dragover', over);
  drop.addEventListener('dragleave', () => drop.classList.remove('over'));
  drop.addEventListener('drop', (e) => {
    e.preventDefault();
    drop.classList.remove('over');
    const file = e.dataTransfer?.files[0];
    if (file) void pick(file);
  });
  // A file dropped outside the box would otherwise replace the page.
  window.addEventListener('dragover', (e) => e.preventDefault());
  window.addEventListener('drop', (e) => e.preventDefault());
  byId('import-button').addEventListener('click', () => void runImport());
  byId('upload-button').addEventListener('click', () => void uploadAndImport());
}

/** PUTs `file` (or a part of it) to a presigned URL with its signed headers, reporting the bytes sent (fetch cannot); resolves with S3's ETag. */
function putFile(url: string, headers: Record<string, string>, file: Blob, onProgress: (sent: number) => void): Promise<string> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('PUT', url);
    for (const [k, v] of Object.entries(headers)) xhr.setRequestHeader(k, v);
    xhr.upload.onprogress = (e) => onProgress(e.loaded);
    xhr.onload = () => {
      if (xhr.status >= 200 && xhr.status < 300) return resolve(xhr.getResponseHeader('ETag') ?? '');
      const code = /<Code>([^<]+)<\/Code>/.exec(xhr.responseText)?.[1];
      reject(new Error(`the storage answered HTTP ${xhr.status}${code ? ` (${code})` : ''}`));
    };
    xhr.onerror = () => reject(new Error('the storage could not be reached'));
    xhr.send(file);
  });
}

/** How many parts of a multipart upload are in flight at once. */
const PARTS_AT_ONCE = 3;

/**
 * A multipart upload (docs/upload.md): the parts createUpload presigned, 3 at a time, with the
 * bytes sent over all of them; then completeUpload with their ETags. On any failure the upload
 * is aborted (its parts deleted) and the error thrown.
 */
async function putParts(client: GraphQLClient, upload: CreateUploadMutation['createUpload'], file: File, onProgress: (sent: number) => void): Promise<void> {
  const parts = upload.parts ?? [];
  const sent = new Array<number>(parts.length).fill(0);
  const etags = new Array<string>(parts.length).fill('');
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < parts.length) {
      const i = next++;
      const part = parts[i]!;
      etags[i] = await putFile(part.url, {}, file.slice(part.offset, part.offset + part.size), (n) => {
        sent[i] = n;
        onProgress(sent.reduce((a, b) => a + b, 0));
      });
      if (!etags[i]) throw new Error(`the storage did not say which part ${part.partNumber} it got (no ETag)`);
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(PARTS_AT_ONCE, parts.length) }, worker));
    await client.request(CompleteUploadDocument, { input: { key: upload.key, uploadId: upload.uploadId!, parts: parts.map((p, i) => ({ partNumber: p.partNumber, etag: etags[i]! })) } });
  } catch (error) {
    next = parts.length;
    await client.request(AbortUploadDocument, { input: { key: upload.key, uploadId: upload.uploadId! } }).catch(() => undefined);
    throw error;
  }
}

/**
 * Upload and walk away (docs/upload.md): createUpload, then the file straight to the ingestion
 * bucket's uploads/ with the model and mapping the user confirmed; the S3 processor imports it on
 * their behalf, and "My ingestions" follows it live — also after the page is closed and reopened.
 */
async function uploadAndImport(): Promise<void> {
  const client = account?.client;
  if (!config || !account?.identity || !client || !mayImport(account.identity) || !picked || busy) return;
  busy = true;
  const p = picked;
  const status = byId('upload-status');
  status.hidden = false;
  const buttons = [byId<HTMLButtonElement>('import-button'), byId<HTMLButtonElement>('upload-button')];
  for (const b of buttons) b.disabled = true;
  setState('uploading');
  const mapping = p.choice?.mapping ?? (p.inspection.saved?.applied ? p.inspection.saved.match.mapping : undefined);
  try {
    if (p.choice && byId<HTMLInputElement>('remember-mapping').checked) await rememberMapping(client, p.inspection);
    fill(status, 'Asking the server where to upload…');
    const { createUpload } = await client.request(CreateUploadDocument, {
      input: { fileName: p.file.name, size: p.file.size, sha256: p.scan.sha256, model: p.inspection.model.apiName as ModelName, mapping: mapping ? JSON.stringify(mapping) : null },
    });
    const progress = (sent: number) => fill(status, `Uploading ${p.file.name}: ${Math.floor((100 * sent) / Math.max(1, p.file.size))}% of ${p.file.size.toLocaleString('en-US')} bytes…`);
    if (createUpload.url) await putFile(createUpload.url, JSON.parse(createUpload.headers) as Record<string, string>, p.file, progress);
    else await putParts(client, createUpload, p.file, progress);
    account.expectUpload(p.file.name);
    fill(status, `Uploaded. The server is importing ${p.file.name}: follow it in My ingestions below. You may close this page; the import goes on.`);
    setState('uploaded');
    void account.loadMine();
  } catch (error) {
    if (account.sessionEnded(error)) return;
    fill(status, `The upload did not go through: ${error instanceof Error ? error.message : String(error)}. Try again, or use Import to import it from this page.`);
    setState('upload-failed');
  } finally {
    busy = false;
    for (const b of buttons) b.disabled = false;
  }
}

async function loadConfig(): Promise<WebConfig> {
  let response: Response;
  try {
    response = await fetch('config.json', { cache: 'no-store' });
  } catch (error) {
    throw new WebConfigError(`config.json could not be fetched: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (!response.ok) throw new WebConfigError(`config.json answered HTTP ${response.status}.`);
  let parsed: unknown;
  try {
    parsed = await response.json();
  } catch {
    throw new WebConfigError('config.json is not valid JSON.');
  }
  return parseConfig(parsed);
}

/** "customers, projects or invoices": every importable model, for the page's introduction. */
function modelNames(): string {
  const names = MODELS.map((m) => m.plural.toLowerCase());
  return names.length > 1 ? `${names.slice(0, -1).join(', ')} or ${names.at(-1)}` : (names[0] ?? 'your data');
}

async function boot(): Promise<void> {
  fill(byId('model-names'), modelNames());
  try {
    config = await loadConfig();
  } catch (error) {
    const box = byId('config-problem');
    fill(box, el('strong', {}, 'The page is not configured. '), error instanceof Error ? error.message : String(error), ' It is written next to the page by the CDK deployment and served by `foreman serve` locally.');
    box.hidden = false;
    setState('config-problem');
    return;
  }
  fill(byId('endpoint'), 'API: ', el('code', {}, config.graphqlUrl));
  wireFilePicking();
  account = new Account(config, {
    signedIn: (identity) => {
      // Only importers and admins may pick a file; everyone signed in sees their ingestions.
      byId<HTMLInputElement>('file').disabled = !mayImport(identity);
      setState(mayImport(identity) ? 'ready' : 'not-allowed');
    },
    signedOut: () => {
      clearResults();
      picked = null;
      const input = byId<HTMLInputElement>('file');
      input.value = '';
      input.disabled = true;
    },
    busy: () => busy,
  });
  account.start();
}

void boot();
