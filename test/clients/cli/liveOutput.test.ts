/**
 * The live bar and the lines printed around it (issue 10, point 5): retry notices never break the
 * bar, stages and rows/s, elapsed and ETA are shown, the summary after a stop names the rows not
 * sent. Checked on what a terminal screen shows (test/helpers/terminal.ts), not on escape codes.
 */
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { ProgressReporter, describeRanges, formatDuration, liveLines } from '../../../clients/cli/ingestOutput';
import { emptyProgress, rowRanges, type Progress } from '../../../clients/ingest';
import { screen } from '../../helpers/terminal';

function tty(columns: number) {
  let written = '';
  const stream = Object.assign(new PassThrough(), { isTTY: true, columns });
  stream.on('data', (d: Buffer) => (written += d.toString()));
  return { stream: stream as unknown as NodeJS.WriteStream, written: () => written };
}

function sending(processed: number, over: Partial<Progress> = {}): Progress {
  return { ...emptyProgress('send', null, 1000), created: processed, batches: Math.ceil(processed / 49), elapsedMs: processed * 10, rowsPerSecond: 100, ...over };
}

describe('the live bar', () => {
  it('shows stage, rows, rows/s, elapsed and ETA, then the counts', () => {
    // 400 of 1,000 rows at 100 rows/s: 600 left, 6 s to go; 4 s elapsed.
    const [first, second] = liveLines(sending(390, { invalid: 10, elapsedMs: 4000 }), 'writing', 200);
    expect(first).toBe(`writing   ${'█'.repeat(10)}${'░'.repeat(14)} 40% | 400/1,000 rows | 100 rows/s | 4s elapsed | ETA 6s`);
    expect(second).toBe('          created 390 | duplicate 0 | invalid 10');
  });

  it('narrows the bar, and then drops it, to fit a narrow terminal', () => {
    const [wide] = liveLines(sending(500), 'writing', 200);
    const [narrow] = liveLines(sending(500), 'writing', 80);
    const [tiny] = liveLines(sending(500), 'writing', 60);
    expect(wide).toContain('█'.repeat(12) + '░'.repeat(12));
    expect(narrow!.length).toBeLessThanOrEqual(80);
    expect(narrow).toMatch(/^writing {3}█+░+ 50% \| 500\/1,000 rows \| 100 rows\/s \| 5s elapsed \| ETA 5s$/);
    expect(tiny!.length).toBeLessThanOrEqual(60);
    expect(tiny).not.toContain('█');
  });

  it('shows the check of the file by bytes, with its ETA', () => {
    const p: Progress = { ...emptyProgress('scan', 4 * 1024 * 1024, null), bytesRead: 1024 * 1024, rowsRead: 12_000, elapsedMs: 2000 };
    // A quarter read in 2 s: 6 s to go.
    expect(liveLines(p, 'checking', 200)).toEqual([`checking  ${'█'.repeat(6)}${'░'.repeat(18)} 25% | 1.0 MiB/4.0 MiB | 12,000 rows read | 2s elapsed | ETA 6s`]);
  });

  it('formats durations briefly', () => {
    expect([formatDuration(400), formatDuration(59_000), formatDuration(125_000), formatDuration(3_725_000)]).toEqual(['0s', '59s', '2m 05s', '1h 02m']);
  });
});

describe('lines printed while the bar is live', () => {
  it('go above the bar, whole, and the bar is drawn again below them', () => {
    const term = tty(120);
    const reporter = new ProgressReporter(term.stream, true);
    reporter.update(sending(98));
    reporter.log('retrying batch 3 in 0.4 s (attempt 2): HTTP 503 Service Unavailable');
    reporter.update(sending(147));
    reporter.log('retrying batch 5 in 0.9 s (attempt 2): Nothing answered at http://127.0.0.1:1/graphql');
    reporter.log('retrying batch 5 in 1.6 s (attempt 3): Nothing answered at http://127.0.0.1:1/graphql');
    reporter.update(sending(1000));
    reporter.stop('done');
    const lines = screen(term.written());
    expect(lines).toEqual([
      'retrying batch 3 in 0.4 s (attempt 2): HTTP 503 Service Unavailable',
      'retrying batch 5 in 0.9 s (attempt 2): Nothing answered at http://127.0.0.1:1/graphql',
      'retrying batch 5 in 1.6 s (attempt 3): Nothing answered at http://127.0.0.1:1/graphql',
      `done      ${'█'.repeat(24)} 100% | 1,000/1,000 rows | 100 rows/s | 10s elapsed`,
      '          created 1,000 | duplicate 0 | invalid 0',
      '',
    ]);
  });

  it('can belong to another stream of the same terminal (stdout under a bar on stderr)', () => {
    // Two streams on one terminal: what each writes lands on the same screen, in order.
    let shared = '';
    const stderr = { isTTY: true, columns: 120, write: (t: string) => ((shared += t), true) } as unknown as NodeJS.WriteStream;
    const stdout = { write: (t: string) => ((shared += t), true) } as unknown as NodeJS.WriteStream;
    const reporter = new ProgressReporter(stderr, true);
    reporter.update(sending(10));
    reporter.log('Ingestion  abc', stdout);
    reporter.update(sending(20));
    const lines = screen(shared);
    expect(lines[0]).toBe('Ingestion  abc');
    expect(lines[1]).toMatch(/^writing {3}.* 2% \| 20\/1,000 rows/);
    expect(lines[2]).toBe('          created 20 | duplicate 0 | invalid 0');
    expect(lines).toHaveLength(3);
  });

  it('are plain lines when the stream is not a terminal', () => {
    let written = '';
    const stream = new PassThrough();
    stream.on('data', (d: Buffer) => (written += d.toString()));
    const reporter = new ProgressReporter(stream as unknown as NodeJS.WriteStream, true);
    reporter.update(sending(1000));
    reporter.log('retrying batch 3 in 0.4 s (attempt 2): HTTP 503');
    expect(written).toBe('progress: 1000/1000 rows, 21 batches, 100 rows/s, created 1000, duplicate 0, invalid 0\nretrying batch 3 in 0.4 s (attempt 2): HTTP 503\n');
  });
});

describe('rows not sent', () => {
  it('are merged into ranges, with the unread end of the file', () => {
    expect(rowRanges([9, 3, 5, 4, 10, 4])).toEqual([
      { from: 3, to: 5 },
      { from: 9, to: 10 },
    ]);
    expect(rowRanges([3, 4, 9, 10], { from: 11, to: 20 })).toEqual([
      { from: 3, to: 4 },
      { from: 9, to: 20 },
    ]);
    expect(rowRanges([], { from: 12, to: 20 })).toEqual([{ from: 12, to: 20 }]);
  });

  it('are described as spreadsheet row ranges', () => {
    expect(describeRanges([{ from: 7, to: 7 }])).toBe('row 7');
    expect(describeRanges([{ from: 2, to: 1001 }, { from: 4012, to: 4012 }])).toBe('rows 2–1,001, 4,012');
    expect(describeRanges(Array.from({ length: 25 }, (_, i) => ({ from: i * 10, to: i * 10 + 1 })), 2)).toBe('rows 0–1, 10–11 and 23 more ranges (--json lists them all as unsentRows)');
  });
});
