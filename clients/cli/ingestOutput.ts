/**
 * What `foreman ingest` prints: the file and its detected format, the mapping, a preview, progress
 * (a live bar on a terminal, plain lines otherwise) and the summary with every rejected row named
 * by row and column. Pure formatting, apart from the progress reporter, which writes to a stream.
 */
import type { Inspection, IngestSummary, Progress, RejectedRow, Mapping, RunCounts } from '../ingest';
import { columnOf, describeFileKind, listNames, quoteHeader, savedAt, shortFingerprint } from '../ingest';

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  if (n < 1024 ** 3) return `${(n / 1024 / 1024).toFixed(1)} MiB`;
  return `${(n / 1024 ** 3).toFixed(2)} GiB`;
}

const ENCODING_LABEL: Record<string, string> = { 'utf-8': 'UTF-8', 'utf-16le': 'UTF-16 LE', 'utf-16be': 'UTF-16 BE', 'windows-1252': 'Windows-1252 (Latin-1)' };
const DELIMITER_LABEL: Record<string, string> = { ',': 'comma', ';': 'semicolon', '\t': 'tab', '|': 'pipe' };

function clip(value: string, width: number): string {
  const v = value.replace(/[\r\n\t]+/g, ' ');
  return v.length > width ? `${v.slice(0, width - 1)}…` : v;
}

/** The file, format, model, mapping and preview block. */
export function describeInspection(inspection: Inspection, size: number): string {
  const { format, mapping, model } = inspection;
  const lines: string[] = [];
  lines.push(`File       ${inspection.fileName} (${formatBytes(size)})`);
  lines.push(`Format     ${describeFileKind(format) ?? `${ENCODING_LABEL[format.encoding] ?? format.encoding}${format.bom ? ' with BOM' : ''}, ${DELIMITER_LABEL[format.delimiter]}-separated`}`);
  const others = inspection.scores.filter((s) => s.model !== model).map((s) => `${s.model.key} ${s.mapped}`).join(', ');
  const saved = inspection.saved?.applied ? inspection.saved : null;
  lines.push(
    `Model      ${model.key}${inspection.detected ? ` (detected: ${mapping.fieldColumn.size} of ${mapping.columns.length} columns map${others ? `; ${others} for ${others.includes(',') ? 'the others' : 'the other model'}` : ''})` : saved && saved.match.model === model ? ' (your saved mapping)' : ' (--model)'}`,
  );
  if (saved) lines.push(`Using your saved mapping from ${savedAt(saved.match.updatedAt)} (foreman mappings show ${shortFingerprint(saved.match.fingerprint)})`);
  else if (inspection.saved) lines.push(`Note: ${inspection.saved.problem}. \`foreman mappings delete ${shortFingerprint(inspection.saved.match.fingerprint)}\` forgets it.`);
  lines.push('Mapping');
  const width = Math.min(32, Math.max(...mapping.columns.map((c) => c.header.length || 10)));
  const name = (c: { header: string; index: number }) => (c.header ? quoteHeader(c.header) : `(column ${c.index + 1}, no header)`);
  const fromSaved = new Set(saved?.columns ?? []);
  const why = (c: { header: string; explicit: boolean }) => (!c.explicit ? '' : fromSaved.has(c.header) ? '  (your saved mapping)' : '  (your mapping)');
  for (const c of mapping.columns) {
    if (c.field) lines.push(`  ${clip(c.header || `(column ${c.index + 1})`, 32).padEnd(width)}  → ${c.field}${why(c)}`);
  }
  const bySaved = mapping.unmapped.filter((c) => c.explicit && fromSaved.has(c.header));
  if (bySaved.length) lines.push(`  ignored (your saved mapping): ${listNames(bySaved.map(name))}`);
  const byYou = mapping.unmapped.filter((c) => c.explicit && !fromSaved.has(c.header));
  const displaced = mapping.unmapped.filter((c) => c.displaced);
  const notMapped = mapping.unmapped.filter((c) => !c.explicit && !c.displaced);
  if (byYou.length) lines.push(`  ignored (your mapping): ${listNames(byYou.map(name))}`);
  for (const c of displaced) lines.push(`  ignored: ${name(c)} (your mapping gives ${c.displaced} to "${mapping.columns[mapping.fieldColumn.get(c.displaced!)!]!.header}")`);
  if (notMapped.length) lines.push(`  not mapped (ignored): ${listNames(notMapped.map(name))}`);
  if (inspection.preview.length) {
    const fields = [...mapping.fieldColumn.keys()];
    const widths = fields.map((f) => Math.min(24, Math.max(f.length, ...inspection.preview.map((p) => clip(p.values[f] ?? '', 24).length))));
    lines.push(`Preview (first ${inspection.preview.length} rows)`);
    lines.push(`  ${'row'.padStart(5)}  ${fields.map((f, i) => f.padEnd(widths[i]!)).join('  ')}`.trimEnd());
    for (const p of inspection.preview) {
      lines.push(`  ${String(p.row).padStart(5)}  ${fields.map((f, i) => clip(p.values[f] ?? '', 24).padEnd(widths[i]!)).join('  ')}`.trimEnd());
    }
  }
  return lines.join('\n');
}

/** "row 5, column "E-mail": Email "x" is not … [FORMAT]" lines of one rejected row. */
export function describeRejected(r: RejectedRow, mapping: Mapping, ingestionId: string | null): string[] {
  const lines: string[] = [];
  if (r.status === 'DUPLICATE' && r.conflict) {
    const c = r.conflict;
    const what = mapping.model.label.toLowerCase();
    const owner =
      c.ingestionId && c.ingestionId === ingestionId && c.rowNumber
        ? `row ${c.rowNumber} of this file`
        : c.rowNumber
          ? `row ${c.rowNumber} of ingestion ${c.ingestionId ?? '?'}`
          : `${/^[aeiou]/i.test(what) ? 'an' : 'a'} ${what} created outside any file`;
    lines.push(`row ${r.row}, column "${columnOf(mapping, c.field)}": ${c.value} already belongs to ${what} ${c.existingId} (${owner})`);
    return lines;
  }
  for (const e of r.errors) {
    const where = e.field === 'row' ? `row ${r.row}` : `row ${r.row}, column "${columnOf(mapping, e.field)}"`;
    lines.push(`${where}: ${e.message} [${e.code}]`);
  }
  if (lines.length === 0) lines.push(`row ${r.row}: ${r.status.toLowerCase()}`);
  return lines;
}

/** "1 row", "10,000 rows": the count grouped as en-US, the word in singular or plural. */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;
}

/**
 * The plain progress line (non-terminal output), shared by `foreman ingest` and `foreman watch`:
 * `progress: 5200/10000 rows, 107 batches, 812 rows/s, created 5100, duplicate 60, invalid 40`.
 */
export function progressLine(
  processed: number,
  total: number,
  c: { batches: number; rowsPerSecond: number; created: number; duplicates: number; invalid: number; alreadyImported: number },
): string {
  const already = c.alreadyImported ? ` | already imported ${c.alreadyImported}` : '';
  return `progress: ${processed}/${total} rows, ${c.batches} batches, ${Math.round(c.rowsPerSecond).toLocaleString('en-US')} rows/s, created ${c.created}, duplicate ${c.duplicates}, invalid ${c.invalid}${already}`;
}

/** Row ranges for people: `rows 2–11, 40, 52–100` (at most `cap` ranges, then how many more). */
export function describeRanges(ranges: readonly { from: number; to: number }[], cap = 20): string {
  const n = (v: number) => v.toLocaleString('en-US');
  const one = (r: { from: number; to: number }) => (r.from === r.to ? n(r.from) : `${n(r.from)}–${n(r.to)}`);
  const rows = ranges.length === 1 && ranges[0]!.from === ranges[0]!.to ? 'row' : 'rows';
  const more = ranges.length > cap ? ` and ${n(ranges.length - cap)} more ranges (--json lists them all as unsentRows)` : '';
  return `${rows} ${ranges.slice(0, cap).map(one).join(', ')}${more}`;
}

/**
 * What a resumed run did, apart from the earlier runs:
 * `This resumed an unfinished ingestion of the same file: 1,800 rows an earlier run had recorded (37 batches) were skipped; this run sent 1,200 rows: 1,190 created, 10 duplicate.`
 */
export function describeResume(run: RunCounts): string {
  const did = [`${run.created.toLocaleString('en-US')} created`];
  if (run.duplicates) did.push(`${run.duplicates.toLocaleString('en-US')} duplicate`);
  if (run.invalid) did.push(`${run.invalid.toLocaleString('en-US')} invalid`);
  if (run.alreadyImported) did.push(`${run.alreadyImported.toLocaleString('en-US')} already imported`);
  const skipped = `${plural(run.skippedRows, 'row')} an earlier run had recorded (${plural(run.recordedBatches, 'batch', 'batches')}) ${run.skippedRows === 1 ? 'was' : 'were'} skipped`;
  const sent = run.sentRows ? `this run sent ${plural(run.sentRows, 'row')}: ${did.join(', ')}` : 'this run had no row left to send';
  return `This resumed an unfinished ingestion of the same file: ${skipped}; ${sent}. The counts above are the ingestion's, every run included.`;
}

/** `text` as a sentence: ending with a full stop unless it ends with one already. */
function sentence(text: string): string {
  return /[.!?]$/.test(text) ? text : `${text}.`;
}

/**
 * What a dry run learnt from the API (`s.check`), in sentences: the file's verdict, or why the rows
 * were checked locally only. `offlineWhy` names what kept the server out (`--offline`) when no server was given.
 */
export function describeCheck(s: IngestSummary, offlineWhy = 'no API was given'): string[] {
  const c = s.check;
  if (!c) return [];
  const local = 'Only the rows themselves were checked: duplicates of existing records, references to records that do not exist and an earlier ingestion of this file are not known.';
  if (c.status === 'SKIPPED') return [`Server check skipped: ${sentence(c.reason ?? offlineWhy)} ${local}`];
  const lines: string[] = [];
  const p = c.previous;
  switch (c.file) {
    case 'NEW':
      lines.push('Server check: this file was never ingested; the rows were checked as the import would check them.');
      break;
    case 'DUPLICATE':
      lines.push(
        p
          ? `This file was ingested before on ${p.startedAt} (ingestion ${p.ingestionId}, as ${p.fileName}, ${p.status.toLowerCase()}): a real run would do nothing and exit 3. To load it again, change the file or look at that ingestion.`
          : 'This file was ingested before, by another user: a real run would do nothing and exit 3. To load it again, change the file or ask an admin.',
      );
      break;
    case 'RESUME':
      lines.push(
        `An ingestion of this file did not finish (${p?.ingestionId ?? '?'}, started ${p?.startedAt ?? '?'}, ${p?.status.toLowerCase() ?? '?'}): a real run resumes it${s.alreadyImported ? `, and the ${plural(s.alreadyImported, 'row')} it wrote count as already imported` : ''}.`,
      );
      break;
    case 'IN_PROGRESS':
      lines.push('Another user’s ingestion of this file has not finished: a real run would be refused (only they or an admin can continue it), exit 1.');
      break;
  }
  if (c.status === 'INCOMPLETE') {
    const from = c.uncheckedFrom !== null ? `from row ${c.uncheckedFrom.toLocaleString('en-US')} on` : 'after the first ones';
    lines.push(`The server check stopped: ${sentence(c.reason ?? 'no reason given')} Rows ${from} were checked locally only; run the dry run again to check them all.`);
  }
  return lines;
}

/** The closing summary: the ingestion's counts (every run). `listed` holds the rejected rows this run kept for display (capped). */
export function describeSummary(
  s: IngestSummary,
  listed: { duplicates: RejectedRow[]; invalid: RejectedRow[]; unsent: RejectedRow[] },
  mapping: Mapping,
  caps: { duplicates: number; invalid: number },
  offlineWhy?: string,
): string {
  const lines: string[] = [];
  const seconds = (s.durationMs / 1000).toFixed(1);
  const checkedRows = s.check && s.check.status !== 'SKIPPED' && (s.check.file === 'NEW' || s.check.file === 'RESUME');
  if (s.outcome === 'DRY_RUN' && checkedRows) {
    const parts = [`${s.check!.wouldCreate.toLocaleString('en-US')} would be created`, `${s.duplicates.toLocaleString('en-US')} duplicate`, `${s.invalid.toLocaleString('en-US')} invalid`];
    if (s.alreadyImported) parts.push(`${s.alreadyImported.toLocaleString('en-US')} already imported`);
    if (s.check!.status === 'INCOMPLETE') parts.push(`${(s.rows - s.invalid - s.duplicates - s.alreadyImported - s.check!.wouldCreate).toLocaleString('en-US')} valid but not checked by the server`);
    lines.push(`Dry run: ${plural(s.rows, 'row')} read and checked with the API in ${seconds} s — ${parts.join(', ')}. Nothing was written.`);
    lines.push(...describeCheck(s, offlineWhy));
  } else if (s.outcome === 'DRY_RUN') {
    lines.push(`Dry run: ${plural(s.rows, 'row')} read in ${seconds} s (${Math.round(s.rowsPerSecond).toLocaleString('en-US')} rows/s): ${plural(s.rows - s.invalid, 'valid row')}, ${plural(s.invalid, 'invalid row')}. Nothing was written.`);
    lines.push(...describeCheck(s, offlineWhy));
  } else {
    const parts = [`${s.created.toLocaleString('en-US')} created`, `${s.duplicates.toLocaleString('en-US')} duplicate`, `${s.invalid.toLocaleString('en-US')} invalid`];
    if (s.alreadyImported) parts.push(`${s.alreadyImported.toLocaleString('en-US')} already imported`);
    if (s.unsent) parts.push(`${s.unsent.toLocaleString('en-US')} not sent`);
    lines.push(`${s.outcome === 'COMPLETED' ? 'Done' : 'Stopped'} in ${seconds} s (${Math.round(s.rowsPerSecond).toLocaleString('en-US')} rows/s): ${plural(s.rows, 'row')} — ${parts.join(', ')}.`);
    if (s.resumed && s.thisRun) lines.push(describeResume(s.thisRun));
    if (!s.countsExact) lines.push('(The ingestion could not be read after the last batch: these are the counts its last answer gave.)');
  }
  if (s.blankRows) lines.push(`${plural(s.blankRows, 'blank line')} skipped.`);
  // A resumed run reports the rows it sent; the ones an earlier run rejected were that run's report.
  const earlier = (mine: number, total: number) =>
    s.resumed && total > mine ? ` (${(total - mine).toLocaleString('en-US')} of them rejected by an earlier run of this ingestion, which reported them; the API's listIngestionRowErrors lists them all)` : '';
  const section = (title: string, rows: RejectedRow[], mine: number, total: number) => {
    if (!total) return;
    lines.push('', `${title} (${total.toLocaleString('en-US')}${earlier(mine, total)}):`);
    for (const r of [...rows].sort((a, b) => a.row - b.row)) for (const l of describeRejected(r, mapping, s.ingestionId)) lines.push(`  ${l}`);
    if (mine > rows.length) lines.push(`  … and ${(mine - rows.length).toLocaleString('en-US')} more (write them all with --errors-out report.csv)`);
  };
  const run = s.thisRun;
  section('Duplicates', listed.duplicates.slice(0, caps.duplicates), run && s.resumed ? run.duplicates : s.duplicates, s.duplicates);
  section('Invalid rows', listed.invalid.slice(0, caps.invalid), run && s.resumed ? run.invalid : s.invalid, s.invalid);
  if (s.unsent) {
    lines.push('', `Not sent (${s.unsent.toLocaleString('en-US')}): ${describeRanges(s.unsentRows)}.`);
    const reasons = [...new Set(listed.unsent.flatMap((r) => r.errors.map((e) => `${e.message} [${e.code}]`)))];
    for (const reason of reasons.slice(0, 3)) lines.push(`  ${reason}`);
    lines.push('  Running the same command again sends them.');
  }
  if (s.failure && s.failureCode === 'FILE_CHANGED') {
    lines.push(
      '',
      `The ingestion stopped: ${s.failure}`,
      `Ingestion ${s.ingestionId ?? '?'} stays open for the bytes that were scanned (SHA-256 ${s.sha256.slice(0, 16)}…): put that file back and run the same command to finish it. To load the new content instead, wait until nothing writes to the file and run the command again (new bytes are a new ingestion).`,
    );
  } else if (s.failure) lines.push('', `The ingestion stopped: ${s.failure}`, 'Run the same command again to resume: rows already written are recognised, nothing is created twice.');
  return lines.join('\n');
}

/** `4s`, `2m 05s`, `1h 02m`: a short duration for the live bar. */
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.round(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const sec = total % 60;
  if (h) return `${h}h ${String(m).padStart(2, '0')}m`;
  if (m) return `${m}m ${String(sec).padStart(2, '0')}s`;
  return `${sec}s`;
}

/** What the run is doing, as the bar's first word. */
export type Stage = 'checking' | 'checked' | 'started' | 'writing' | 'finishing' | 'done' | 'stopped';

const BAR_WIDTH = 24;

function bar(fraction: number, width: number): string {
  const filled = Math.max(0, Math.min(width, Math.round(fraction * width)));
  return '\u2588'.repeat(filled) + '\u2591'.repeat(width - filled);
}

/** A line cut to `width` characters (a wrapped line could not be redrawn in place). */
function fit(text: string, width: number): string {
  return text.length > width ? `${text.slice(0, width - 1)}…` : text;
}

/**
 * The live bar's lines, none wider than `width`: stage, bar, percentage, rows (or bytes while
 * checking), rows/s, elapsed and ETA; then, while writing, the counts. The bar narrows (down to
 * nothing) before anything else is cut.
 * @example liveLines(p, 'writing', 120)
 * // ["writing   ███████████░░░░░░░░░░░░░ 45% | 4,500/10,000 rows | 812 rows/s | 5s elapsed | ETA 7s",
 * //  "          created 4,400 | duplicate 60 | invalid 40"]
 */
export function liveLines(p: Progress, stage: Stage, width = 80): string[] {
  const n = (v: number) => v.toLocaleString('en-US');
  const elapsed = `${formatDuration(p.elapsedMs)} elapsed`;
  let fraction: number;
  let rest: string;
  let counts: string | undefined;
  if (p.phase === 'scan') {
    fraction = p.totalBytes ? p.bytesRead / p.totalBytes : 0;
    const size = p.totalBytes ? `${formatBytes(p.bytesRead)}/${formatBytes(p.totalBytes)}` : formatBytes(p.bytesRead);
    const eta = fraction > 0 && fraction < 1 ? ` | ETA ${formatDuration((p.elapsedMs * (1 - fraction)) / fraction)}` : '';
    rest = `${Math.floor(fraction * 100)}% | ${size} | ${n(p.rowsRead)} rows read | ${elapsed}${eta}`;
  } else {
    const processed = p.created + p.duplicates + p.invalid + p.alreadyImported;
    const total = p.rowsTotal ?? processed;
    fraction = total ? processed / total : 0;
    const eta = p.rowsPerSecond > 0 && processed < total ? ` | ETA ${formatDuration(((total - processed) / p.rowsPerSecond) * 1000)}` : '';
    rest = `${Math.floor(fraction * 100)}% | ${n(processed)}/${n(total)} rows | ${n(Math.round(p.rowsPerSecond))} rows/s | ${elapsed}${eta}`;
    const already = p.alreadyImported ? ` | already imported ${n(p.alreadyImported)}` : '';
    // A dry run's check counts what a real run would do.
    counts = `${' '.repeat(10)}${p.phase === 'check' ? 'would create' : 'created'} ${n(p.created)} | duplicate ${n(p.duplicates)} | invalid ${n(p.invalid)}${already}`;
  }
  const head = `${stage.padEnd(9)} `;
  const room = width - head.length - rest.length - 1;
  const barWidth = Math.min(BAR_WIDTH, room);
  const first = barWidth >= 6 ? `${head}${bar(fraction, barWidth)} ${rest}` : `${head}${rest}`;
  return counts === undefined ? [fit(first, width)] : [fit(first, width), fit(counts, width)];
}

/** Erase the current terminal line and return to its start (ANSI EL2 + CR). */
const CLEAR_LINE = '\r\x1b[2K';
/** Move up one line and erase it (ANSI CUU1 + EL2). */
const CLEAR_LINE_ABOVE = '\x1b[1A\x1b[2K';

/**
 * Live progress through one writer: on a terminal, one bar line redrawn in place, and any other
 * line (`log`: retry notices, warnings) printed above it — the bar is erased, the line written,
 * the bar drawn again — so the two never overwrite each other. Not on a terminal: a plain
 * `progress:` line every couple of seconds during the send, and `log` lines as they come.
 */
export class ProgressReporter {
  private lastLine = 0;
  private printedDone = false;
  /** Lines of the live area on screen (0 when none). */
  private shown = 0;
  private last: Progress | undefined;
  private stageOverride: Stage | undefined;
  constructor(
    private readonly stream: NodeJS.WriteStream,
    private readonly enabled: boolean,
  ) {}

  private get tty(): boolean {
    return this.enabled && Boolean(this.stream.isTTY);
  }

  private stageOf(p: Progress): Stage {
    if (this.stageOverride) return this.stageOverride;
    if (p.phase === 'scan' || p.phase === 'check') return 'checking';
    const processed = p.created + p.duplicates + p.invalid + p.alreadyImported;
    return p.rowsTotal !== null && processed >= p.rowsTotal ? 'finishing' : 'writing';
  }

  /** What erases the live area; the cursor is then at the start of its first line. */
  private erase(): string {
    return this.shown ? CLEAR_LINE + CLEAR_LINE_ABOVE.repeat(this.shown - 1) : '';
  }

  /** Draws the live area in place of the old one, in one write; the cursor stays at its end. */
  private draw(): void {
    if (!this.last) return;
    // One column spare: a line exactly as wide as the terminal wraps on some terminals.
    const lines = liveLines(this.last, this.stageOf(this.last), Math.max(20, (this.stream.columns || 80) - 1));
    this.stream.write(`${this.erase() || CLEAR_LINE}${lines.join('\n')}`);
    this.shown = lines.length;
  }

  update(p: Progress): void {
    if (!this.enabled) return;
    if (this.tty) {
      // The scan is drawn too (it can take a while on a big file); a new phase leaves any stage it was told.
      if (this.last && this.last.phase !== p.phase) this.stageOverride = undefined;
      this.last = p;
      if (p.phase === 'send' && this.stageOverride === 'started' && p.created + p.duplicates + p.invalid + p.alreadyImported > 0) this.stageOverride = undefined;
      this.draw();
      return;
    }
    if (p.phase !== 'send') return;
    const processed = p.created + p.duplicates + p.invalid + p.alreadyImported;
    const total = p.rowsTotal ?? processed;
    const now = Date.now();
    const done = processed >= total;
    if (done ? this.printedDone : now - this.lastLine < 2000) return;
    this.printedDone = done;
    this.lastLine = now;
    this.stream.write(`${progressLine(processed, total, p)}\n`);
  }

  /** Names the stage the bar shows until the next phase of progress (e.g. `started` once the ingestion exists). */
  stage(stage: Stage): void {
    this.stageOverride = stage;
    if (this.tty && this.shown) this.draw();
  }

  /**
   * Prints a whole line (or several) without breaking the bar: above it on a terminal. `to` is
   * where the line belongs (default the bar's stream); stdout and stderr share one terminal.
   */
  log(line: string, to: NodeJS.WritableStream = this.stream): void {
    if (this.tty && this.shown) {
      this.stream.write(this.erase());
      this.shown = 0;
      to.write(`${line}\n`);
      this.draw();
      return;
    }
    to.write(`${line}\n`);
  }

  /** Leaves the last bar on screen (with `final` as its stage) and ends its line. */
  stop(final?: Stage): void {
    if (this.tty && this.shown) {
      if (final) this.stageOverride = final;
      this.draw();
      this.stream.write('\n');
    }
    this.shown = 0;
    this.last = undefined;
    this.stageOverride = undefined;
  }
}
