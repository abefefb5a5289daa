/**
 * What `foreman ingest` prints: the file and its detected format, the mapping, a preview, progress
 * (a live bar on a terminal, plain lines otherwise) and the summary with every rejected row named
 * by row and column. Pure formatting, apart from the progress reporter, which writes to a stream.
 */
import cliProgress from 'cli-progress';
import type { Inspection, IngestSummary, Progress, RejectedRow, Mapping } from '../ingest';
import { columnOf, listNames, quoteHeader } from '../ingest';

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
  lines.push(`Format     ${ENCODING_LABEL[format.encoding] ?? format.encoding}${format.bom ? ' with BOM' : ''}, ${DELIMITER_LABEL[format.delimiter]}-separated`);
  const others = inspection.scores.filter((s) => s.model !== model).map((s) => `${s.model.key} ${s.mapped}`).join(', ');
  lines.push(
    `Model      ${model.key}${inspection.detected ? ` (detected: ${mapping.fieldColumn.size} of ${mapping.columns.length} columns map${others ? `; ${others} for ${others.includes(',') ? 'the others' : 'the other model'}` : ''})` : ' (--model)'}`,
  );
  lines.push('Mapping');
  const width = Math.min(32, Math.max(...mapping.columns.map((c) => c.header.length || 10)));
  const name = (c: { header: string; index: number }) => (c.header ? quoteHeader(c.header) : `(column ${c.index + 1}, no header)`);
  for (const c of mapping.columns) {
    if (c.field) lines.push(`  ${clip(c.header || `(column ${c.index + 1})`, 32).padEnd(width)}  → ${c.field}${c.explicit ? '  (your mapping)' : ''}`);
  }
  const byYou = mapping.unmapped.filter((c) => c.explicit);
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
    const owner =
      c.ingestionId && c.ingestionId === ingestionId && c.rowNumber
        ? `row ${c.rowNumber} of this file`
        : c.rowNumber
          ? `row ${c.rowNumber} of ingestion ${c.ingestionId ?? '?'}`
          : 'a customer created outside any file';
    lines.push(`row ${r.row}, column "${columnOf(mapping, c.field)}": ${c.value} already belongs to customer ${c.existingId} (${owner})`);
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

/** The closing summary. `listed` holds the rejected rows kept for display (capped). */
export function describeSummary(s: IngestSummary, listed: { duplicates: RejectedRow[]; invalid: RejectedRow[]; unsent: RejectedRow[] }, mapping: Mapping, caps: { duplicates: number; invalid: number }): string {
  const lines: string[] = [];
  const seconds = (s.durationMs / 1000).toFixed(1);
  if (s.outcome === 'DRY_RUN') {
    lines.push(`Dry run: ${plural(s.rows, 'row')} read in ${seconds} s (${Math.round(s.rowsPerSecond).toLocaleString('en-US')} rows/s): ${plural(s.rows - s.invalid, 'valid row')}, ${plural(s.invalid, 'invalid row')}. Nothing was written.`);
  } else {
    const parts = [`${s.created.toLocaleString('en-US')} created`, `${s.duplicates.toLocaleString('en-US')} duplicate`, `${s.invalid.toLocaleString('en-US')} invalid`];
    if (s.alreadyImported) parts.push(`${s.alreadyImported.toLocaleString('en-US')} already imported`);
    if (s.unsent) parts.push(`${s.unsent.toLocaleString('en-US')} not sent`);
    lines.push(`${s.outcome === 'COMPLETED' ? 'Done' : 'Stopped'} in ${seconds} s (${Math.round(s.rowsPerSecond).toLocaleString('en-US')} rows/s): ${plural(s.rows, 'row')} — ${parts.join(', ')}.`);
    if (s.resumed) lines.push('This resumed an unfinished ingestion of the same file: rows it had written count as already imported.');
  }
  if (s.blankRows) lines.push(`${plural(s.blankRows, 'blank line')} skipped.`);
  const section = (title: string, rows: RejectedRow[], total: number, more = 'write them all with --errors-out report.csv') => {
    if (!total) return;
    lines.push('', `${title} (${total.toLocaleString('en-US')}):`);
    for (const r of [...rows].sort((a, b) => a.row - b.row)) for (const l of describeRejected(r, mapping, s.ingestionId)) lines.push(`  ${l}`);
    if (total > rows.length) lines.push(`  … and ${(total - rows.length).toLocaleString('en-US')} more (${more})`);
  };
  section('Duplicates', listed.duplicates.slice(0, caps.duplicates), s.duplicates);
  section('Invalid rows', listed.invalid.slice(0, caps.invalid), s.invalid);
  section('Not sent', listed.unsent.slice(0, 5), s.unsent, 'a re-run sends them');
  if (s.failure && s.failureCode === 'FILE_CHANGED') {
    lines.push(
      '',
      `The ingestion stopped: ${s.failure}`,
      `Ingestion ${s.ingestionId ?? '?'} stays open for the bytes that were scanned (SHA-256 ${s.sha256.slice(0, 16)}…): put that file back and run the same command to finish it. To load the new content instead, wait until nothing writes to the file and run the command again (new bytes are a new ingestion).`,
    );
  } else if (s.failure) lines.push('', `The ingestion stopped: ${s.failure}`, 'Run the same command again to resume: rows already written are recognised, nothing is created twice.');
  return lines.join('\n');
}

/** Live progress: a bar when `stream` is a terminal, a plain line every couple of seconds otherwise. */
export class ProgressReporter {
  private bar: cliProgress.SingleBar | undefined;
  private lastLine = 0;
  private printedDone = false;
  constructor(
    private readonly stream: NodeJS.WriteStream,
    private readonly enabled: boolean,
  ) {}

  update(p: Progress): void {
    if (!this.enabled || p.phase !== 'send') return;
    const processed = p.created + p.duplicates + p.invalid + p.alreadyImported;
    const total = p.rowsTotal ?? processed;
    const payload = {
      rps: Math.round(p.rowsPerSecond).toLocaleString('en-US'),
      created: p.created,
      duplicates: p.duplicates,
      invalid: p.invalid,
      already: p.alreadyImported ? ` | already imported ${p.alreadyImported}` : '',
    };
    if (this.stream.isTTY) {
      if (!this.bar) {
        this.bar = new cliProgress.SingleBar(
          {
            stream: this.stream,
            format: '{bar} {percentage}% | {value}/{total} rows | {rps} rows/s | created {created} | duplicate {duplicates} | invalid {invalid}{already}',
            hideCursor: true,
            clearOnComplete: false,
            barsize: 24,
          },
          cliProgress.Presets.shades_classic,
        );
        this.bar.start(total, processed, payload);
      } else this.bar.update(processed, payload);
      return;
    }
    const now = Date.now();
    const done = processed >= total;
    if (done ? this.printedDone : now - this.lastLine < 2000) return;
    this.printedDone = done;
    this.lastLine = now;
    this.stream.write(`${progressLine(processed, total, p)}\n`);
  }

  stop(): void {
    this.bar?.stop();
    this.bar = undefined;
  }
}
