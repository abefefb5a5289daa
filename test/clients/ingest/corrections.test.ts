/**
 * The engine's `corrections` option (clients/ingest/engine.ts): values that replace a row's cells —
 * the cells a user fixed in the web page — applied in every pass, so the scan's counts, the repeats
 * and what is sent agree, while the file's SHA-256 stays the file's.
 */
import { describe, expect, it } from 'vitest';
import { ingestFile, mapColumns, mapRow, modelByKey, type IngestOptions, type RejectedRow } from '../../../clients/ingest';
import { nodeSha256 } from '../../../clients/ingest/node';
import { FakeServer, bytesSource } from './fakeServer';

const noSleep = async () => undefined;

/** Rows 2–6: rows 3, 4 and 5 are invalid (a bad email, no name, a bad date). */
const FILE = [
  'Email,Full Name,Signup Date',
  'ada@fix.example,Ada,2024-01-02',
  'not-an-email,Bad Email,2024-01-03',
  'no.name@fix.example,,2024-01-04',
  'bad.date@fix.example,Bad Date,2024-13-45',
  'grace@fix.example,Grace,2024-01-06',
].join('\n');

function run(server: FakeServer, text: string, opts: Partial<IngestOptions> = {}) {
  const rejected: RejectedRow[] = [];
  const created: number[] = [];
  const promise = ingestFile({
    fileName: 'fix.csv',
    source: bytesSource(text, 32),
    createHasher: nodeSha256,
    client: server.client(),
    sleep: noSleep,
    onRejected: (r) => rejected.push(r),
    onCreated: (row) => created.push(row),
    ...opts,
  });
  return promise.then((summary) => ({ summary, rejected, created: created.sort((a, b) => a - b) }));
}

/** The rows the fake server was asked to create, by row number. */
function sentRows(server: FakeServer): Map<number, Record<string, unknown>> {
  const rows = new Map<number, Record<string, unknown>>();
  for (const c of server.importCalls()) for (const r of c.input.rows as Record<string, unknown>[]) rows.set(r.rowNumber as number, r);
  return rows;
}

const fixes = (entries: [number, Record<string, string>][]) => new Map(entries);

describe('the corrections option', () => {
  it('sends the corrected values of three invalid rows instead of their cells; the SHA-256 stays the file’s', async () => {
    const plain = new FakeServer();
    const before = await run(plain, FILE);
    expect([before.summary.created, before.summary.invalid]).toEqual([2, 3]);
    expect(before.summary.correctedRows).toEqual([]);

    const server = new FakeServer();
    const corrections = fixes([
      [3, { email: 'bad.email@fix.example', name: 'Bad Email', signupDate: '2024-01-03' }],
      [4, { email: 'no.name@fix.example', name: 'Now Named', signupDate: '2024-01-04' }],
      [5, { signupDate: ' 2024-12-25 ' }],
    ]);
    const { summary, rejected, created } = await run(server, FILE, { corrections });
    expect(summary.outcome).toBe('COMPLETED');
    expect([summary.rows, summary.created, summary.duplicates, summary.invalid]).toEqual([5, 5, 0, 0]);
    expect(rejected).toEqual([]);
    expect(created).toEqual([2, 3, 4, 5, 6]);
    expect(summary.correctedRows).toEqual([3, 4, 5]);
    // The same bytes: the same file, whatever was corrected.
    expect(summary.sha256).toBe(before.summary.sha256);
    const sent = sentRows(server);
    expect(sent.get(3)).toMatchObject({ email: 'bad.email@fix.example', name: 'Bad Email' });
    expect(sent.get(4)).toMatchObject({ email: 'no.name@fix.example', name: 'Now Named' });
    // A correction of one field keeps the row's other cells; values are trimmed as cells are.
    expect(sent.get(5)).toMatchObject({ email: 'bad.date@fix.example', name: 'Bad Date', signupDate: '2024-12-25' });
    expect(sent.get(2)).toMatchObject({ email: 'ada@fix.example', name: 'Ada' });
    // startIngestion counted the rows of the file; finishIngestion records how many were corrected.
    expect(server.calls.find((c) => c.op === 'StartIngestion')?.input).toMatchObject({ rowCount: 5, sha256: before.summary.sha256 });
    expect(server.calls.find((c) => c.op === 'FinishIngestion')?.input).toMatchObject({ correctedRows: 3 });
    // Without the option, finishIngestion says nothing about corrections.
    expect(plain.calls.find((c) => c.op === 'FinishIngestion')?.input).not.toHaveProperty('correctedRows');
  });

  it('rejects a corrected row that is still invalid, or invalid in a new way, with the corrected cells, and says it was corrected', async () => {
    const server = new FakeServer();
    const corrections = fixes([
      // The email is fixed but the date is broken now: another problem.
      [3, { email: 'fixed@fix.example', name: 'Bad Email', signupDate: '2024-02-30' }],
      // Still no name.
      [4, { email: 'no.name@fix.example', name: '   ', signupDate: '2024-01-04' }],
    ]);
    const { summary, rejected, created } = await run(server, FILE, { corrections });
    expect([summary.created, summary.invalid]).toEqual([2, 3]);
    expect(created).toEqual([2, 6]);
    const byRow = new Map(rejected.map((r) => [r.row, r]));
    expect(byRow.get(3)).toMatchObject({ status: 'INVALID', corrected: true, cells: ['fixed@fix.example', 'Bad Email', '2024-02-30'] });
    expect(byRow.get(3)!.errors.map((e) => [e.field, e.code])).toEqual([['signupDate', 'FORMAT']]);
    expect(byRow.get(4)).toMatchObject({ status: 'INVALID', corrected: true });
    expect(byRow.get(4)!.errors.map((e) => [e.field, e.code])).toEqual([['name', 'REQUIRED']]);
    // The row left alone is reported as before, not as corrected.
    expect(byRow.get(5)!.corrected).toBeUndefined();
    expect(byRow.get(5)!.errors.map((e) => [e.field, e.code])).toEqual([['signupDate', 'FORMAT']]);
    // The server got the corrected cells of the rejected rows as their raw content.
    const recorded = server.calls.filter((c) => c.op === 'RecordRejectedRows').flatMap((c) => c.input.rows as { rowNumber: number; raw: string }[]);
    expect(JSON.parse(recorded.find((r) => r.rowNumber === 3)!.raw)).toEqual({ Email: 'fixed@fix.example', 'Full Name': 'Bad Email', 'Signup Date': '2024-02-30' });
    expect(summary.correctedRows).toEqual([3, 4]);
  });

  it('keeps a value repeated within the file a repeat: a row corrected into another row’s email is the later row’s duplicate', async () => {
    const server = new FakeServer();
    // Row 3 gets row 6's email (Grace): row 3 comes first in the file, so it owns the value and row 6 is the duplicate.
    // Row 5 gets Ada's email (row 2): row 5 is the duplicate of row 2.
    const corrections = fixes([
      [3, { email: 'GRACE@fix.example', name: 'Bad Email', signupDate: '2024-01-03' }],
      [5, { email: 'ada@fix.example', name: 'Bad Date', signupDate: '2024-01-05' }],
    ]);
    const { summary, rejected, created } = await run(server, FILE, { corrections });
    expect([summary.created, summary.duplicates, summary.invalid]).toEqual([2, 2, 1]);
    expect(created).toEqual([2, 3]);
    const dups = rejected.filter((r) => r.status === 'DUPLICATE').sort((a, b) => a.row - b.row);
    expect(dups.map((d) => [d.row, d.conflict?.rowNumber, d.corrected ?? false])).toEqual([
      [5, 2, true],
      [6, 3, false],
    ]);
  });

  it('ignores corrections of rows the file does not have and of fields no column maps to', async () => {
    const server = new FakeServer();
    const corrections = fixes([
      [99, { email: 'ghost@fix.example', name: 'Ghost' }],
      [1, { email: 'header@fix.example', name: 'Header' }],
      // phone has no column in this file; email does.
      [3, { phone: '+1 555 0100', email: 'x@fix.example' }],
    ]);
    const { summary, created } = await run(server, FILE, { corrections });
    expect([summary.rows, summary.created, summary.invalid]).toEqual([5, 3, 2]);
    expect(created).toEqual([2, 3, 6]);
    expect(summary.correctedRows).toEqual([3]);
    expect(sentRows(server).get(3)).not.toHaveProperty('phone');
    expect(server.importCalls().flatMap((c) => c.input.rows as { email: string }[]).map((r) => r.email)).not.toContain('ghost@fix.example');
  });

  it('counts corrections in a dry run as a real run would, and asks the server about the corrected values', async () => {
    const server = new FakeServer();
    const corrections = fixes([[3, { email: 'dry@fix.example', name: 'Dry', signupDate: '2024-01-03' }]]);
    const { summary, rejected } = await run(server, FILE, { corrections, dryRun: true });
    expect(summary.outcome).toBe('DRY_RUN');
    expect(summary.invalid).toBe(2);
    expect(summary.check?.wouldCreate).toBe(3);
    expect(rejected.map((r) => r.row).sort()).toEqual([4, 5]);
    const checked = server.calls.filter((c) => c.op.startsWith('Check') && c.op !== 'CheckFile').flatMap((c) => c.input.rows as { rowNumber: number; email: string }[]);
    expect(checked.find((r) => r.rowNumber === 3)?.email).toBe('dry@fix.example');
    // Nothing written.
    expect(server.importCalls()).toEqual([]);
  });

  it('lets a row with a wrong cell count through only when every mapped field is corrected', async () => {
    const text = 'Email,Full Name\nok@fix.example,Ok\nshort@fix.example\nlong@fix.example,Long,extra,cells\n';
    const server = new FakeServer();
    const corrections = fixes([
      // Every mapped field: the row's own cells no longer matter.
      [3, { email: 'short@fix.example', name: 'Short no more' }],
      // Only the email: the row is still one cell short… of being trusted.
      [4, { email: 'long@fix.example' }],
    ]);
    const { summary, rejected } = await run(server, text, { corrections });
    expect([summary.created, summary.invalid]).toEqual([2, 1]);
    expect(rejected).toHaveLength(1);
    expect(rejected[0]).toMatchObject({ row: 4, status: 'INVALID', corrected: true });
    expect(rejected[0]!.errors[0]!.code).toBe('COLUMN_COUNT');
    expect(sentRows(server).get(3)).toMatchObject({ email: 'short@fix.example', name: 'Short no more' });
  });

  it('mapRow: a correction replaces the mapped cells and drops the reader’s problems with them', () => {
    const model = modelByKey('customer')!;
    const mapping = mapColumns(model, ['Email', 'Full Name', 'Joined']);
    const problem = { column: 2, code: 'FORMAT', message: 'the reader could not read this date' };
    expect(mapRow(mapping, 7, ['a@fix.example', 'A', '??'], { problems: [problem] }).errors.map((e) => e.code)).toEqual(['FORMAT']);
    const fixed = mapRow(mapping, 7, ['a@fix.example', 'A', '??'], { problems: [problem] }, { signupDate: '2024-05-06' });
    expect(fixed.errors).toEqual([]);
    expect(fixed.cells).toEqual(['a@fix.example', 'A', '2024-05-06']);
    expect(fixed.input).toMatchObject({ rowNumber: 7, email: 'a@fix.example', name: 'A', signupDate: '2024-05-06' });
    // The same rules as any row: validateRow decides.
    expect(mapRow(mapping, 7, ['a@fix.example', 'A', ''], undefined, { email: 'nope' }).errors.map((e) => [e.field, e.code])).toEqual([['email', 'FORMAT']]);
  });
});
