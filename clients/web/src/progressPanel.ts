/**
 * The import's progress panel: the stages (checked, started, writing, finishing, done), the bar
 * and the counters from the ingestion's `onIngestionProgress` events, the speed, elapsed time and
 * time left, and the Cancel button. `#stages` carries `data-current` (tests watch it).
 */
import type { Progress } from '../../ingest/index';
import { byId, fill, number } from './dom';
import { clock, laterStage, pace, speed, STAGE_LABELS, STAGES, type Stage } from './progress';
import type { ProgressEvent } from './session';

/** The sentence under the bar (also read out by screen readers as it changes). */
export function progressLine(e: ProgressEvent, total: number): string {
  const parts = [`${number(e.created)} created`, `${number(e.duplicates)} duplicate${e.duplicates === 1 ? '' : 's'}`, `${number(e.invalid)} invalid`];
  if (e.alreadyImported) parts.push(`${number(e.alreadyImported)} already imported`);
  const head = e.stage === 'FINISHED' ? (e.status === 'COMPLETED' ? 'Finished' : `Ended ${e.status.toLowerCase()}`) : 'Importing';
  return `${head}: ${number(e.processed)} of ${number(total)} rows processed — ${parts.join(', ')}.`;
}

/** The counters the panel shows. */
export interface Counts {
  processed: number;
  created: number;
  duplicates: number;
  invalid: number;
  alreadyImported: number;
}

export class ProgressPanel {
  private stage: Stage | null = null;
  private began = 0;
  private processed = 0;
  /** Rows earlier runs had accounted for when this one began (a resumed import): not this run's pace. */
  private before: number | null = null;
  private ticker: ReturnType<typeof setInterval> | null = null;
  private stopped = false;

  /** `total`: the file's data rows (from the check); `onCancel`: the Cancel button was pressed. */
  constructor(
    private readonly total: number,
    private readonly onCancel: () => void,
  ) {}

  /** Shows the panel at stage "checked", with the clock running. */
  begin(): void {
    this.began = performance.now();
    const bar = byId<HTMLProgressElement>('progress');
    bar.max = Math.max(this.total, 1);
    bar.value = 0;
    fill(byId('progress-text'), 'Starting the ingestion…');
    for (const id of ['live-created', 'live-duplicates', 'live-invalid']) fill(byId(id), '0');
    fill(byId('live-processed'), `0 of ${number(this.total)}`);
    const cancel = byId<HTMLButtonElement>('cancel-button');
    cancel.hidden = false;
    cancel.disabled = false;
    fill(cancel, 'Cancel import');
    cancel.onclick = () => {
      cancel.disabled = true;
      fill(cancel, 'Cancelling…');
      fill(byId('progress-text'), 'Cancelling: no more rows are sent; the batches already sent are finishing…');
      this.onCancel();
    };
    this.setStage('checked');
    this.tick();
    this.ticker = setInterval(() => this.tick(), 1000);
    byId('progress-area').hidden = false;
  }

  /** startIngestion answered: the ingestion exists. */
  started(ingestionId: string): void {
    this.setStage('started');
    fill(byId('progress-text'), `Ingestion ${ingestionId} started; waiting for the first batch…`);
  }

  /** An `onIngestionProgress` event (stale ones were dropped by ProgressWatch). */
  event(e: ProgressEvent): void {
    const total = e.rowCount ?? this.total;
    if (this.stopped) return;
    this.counters(e, total);
    fill(byId('progress-text'), progressLine(e, total));
    if (e.stage === 'FINISHED' || e.status !== 'RUNNING') this.setStage('done');
    else if (e.processed >= total) this.setStage('finishing');
    else if (e.processed > 0) this.setStage('writing');
    this.tick();
  }

  /**
   * An import that stopped early: its events may still be on their way when the page moves on,
   * so the panel shows the page's own final tally (`what` heads the line, e.g. "Cancelled").
   */
  settle(c: Counts, what: string): void {
    this.counters(c, this.total);
    const parts = [`${number(c.created)} created`, `${number(c.duplicates)} duplicate${c.duplicates === 1 ? '' : 's'}`, `${number(c.invalid)} invalid`];
    if (c.alreadyImported) parts.push(`${number(c.alreadyImported)} already imported`);
    fill(byId('progress-text'), `${what}: ${number(c.processed)} of ${number(this.total)} rows processed — ${parts.join(', ')}.`);
  }

  private counters(c: Counts, total: number): void {
    const bar = byId<HTMLProgressElement>('progress');
    bar.max = Math.max(total, 1);
    bar.value = Math.min(c.processed, bar.max);
    this.processed = c.processed;
    fill(byId('live-processed'), `${number(c.processed)} of ${number(total)}`);
    fill(byId('live-created'), number(c.created));
    fill(byId('live-duplicates'), number(c.duplicates));
    fill(byId('live-invalid'), number(c.invalid));
  }

  /** The engine's own progress: it knows when every row is sent, before the finish event. */
  engine(p: Progress): void {
    if (p.phase !== 'send') return;
    this.before ??= p.created + p.duplicates + p.invalid + p.alreadyImported;
    if (p.batches > 0) this.setStage('writing');
    if (p.rowsTotal !== null && p.created + p.duplicates + p.invalid + p.alreadyImported >= p.rowsTotal) this.setStage('finishing');
  }

  /** The import ended (`done` only when the ingestion was closed). */
  end(done: boolean): void {
    if (this.ticker) clearInterval(this.ticker);
    this.ticker = null;
    this.stopped = true;
    if (done) this.setStage('done');
    else byId('stages').dataset.stopped = 'true';
    byId('cancel-button').hidden = true;
    this.tick(!done);
  }

  private setStage(next: Stage): void {
    const stage = laterStage(this.stage, next);
    if (stage === this.stage) return;
    this.stage = stage;
    const list = byId('stages');
    list.dataset.current = stage;
    delete list.dataset.stopped;
    const at = STAGES.indexOf(stage);
    for (const li of list.querySelectorAll<HTMLElement>('li[data-stage]')) {
      const i = STAGES.indexOf(li.dataset.stage as Stage);
      li.className = i < at || (stage === 'done' && i === at) ? 'reached' : i === at ? 'current' : '';
      if (i === at) li.setAttribute('aria-current', 'step');
      else li.removeAttribute('aria-current');
      fill(li, STAGE_LABELS[li.dataset.stage as Stage]);
    }
    // Nothing is left to cancel once every row is sent.
    if (STAGES.indexOf(stage) >= STAGES.indexOf('finishing')) byId<HTMLButtonElement>('cancel-button').disabled = true;
  }

  private tick(stoppedEarly = false): void {
    const elapsed = performance.now() - this.began;
    const before = Math.min(this.before ?? 0, this.processed);
    const { rowsPerSecond, remainingMs } = pace(this.processed - before, this.total - before, elapsed);
    fill(byId('live-rate'), speed(rowsPerSecond));
    fill(byId('live-elapsed'), clock(elapsed));
    fill(byId('live-eta'), stoppedEarly ? '—' : remainingMs === null ? 'estimating…' : clock(remainingMs, true));
  }
}
