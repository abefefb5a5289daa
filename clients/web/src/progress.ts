/**
 * What the import's progress panel says, as plain functions (unit-tested without a browser): the
 * stages an import goes through, its speed, elapsed time and time left.
 */

/** The stages of an import, in order, as the page names them. */
export const STAGES = ['checked', 'started', 'writing', 'finishing', 'done'] as const;
export type Stage = (typeof STAGES)[number];

export const STAGE_LABELS: Record<Stage, string> = {
  checked: 'Checked',
  started: 'Started',
  writing: 'Writing',
  finishing: 'Finishing',
  done: 'Done',
};

/** The later of two stages: a stage reached is never taken back (events can arrive late). */
export function laterStage(current: Stage | null, next: Stage): Stage {
  if (current === null) return next;
  return STAGES.indexOf(next) > STAGES.indexOf(current) ? next : current;
}

export interface Pace {
  /** Rows accounted for per second since the import began; null before the first row. */
  rowsPerSecond: number | null;
  /** Time left at that pace; null while unknown, 0 once every row is accounted for. */
  remainingMs: number | null;
}

/** Speed and time left of `processed` of `total` rows after `elapsedMs`. */
export function pace(processed: number, total: number, elapsedMs: number): Pace {
  if (processed >= total) return { rowsPerSecond: elapsedMs > 0 && processed > 0 ? (processed * 1000) / elapsedMs : null, remainingMs: 0 };
  if (processed <= 0 || elapsedMs <= 0) return { rowsPerSecond: null, remainingMs: null };
  const rowsPerSecond = (processed * 1000) / elapsedMs;
  return { rowsPerSecond, remainingMs: ((total - processed) * 1000) / rowsPerSecond };
}

/** A duration as a clock: 7 s → "0:07", 62 s → "1:02", 3723 s → "1:02:03" (seconds rounded up while time remains). */
export function clock(ms: number, roundUp = false): string {
  const total = Math.max(0, roundUp ? Math.ceil(ms / 1000) : Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

/** 1234.5 rows/s → "1,235 rows/s"; below 10, one decimal ("2.5 rows/s"). */
export function speed(rowsPerSecond: number | null): string {
  if (rowsPerSecond === null) return '—';
  const shown = rowsPerSecond < 10 ? rowsPerSecond.toLocaleString('en-US', { maximumFractionDigits: 1 }) : Math.round(rowsPerSecond).toLocaleString('en-US');
  return `${shown} rows/s`;
}
