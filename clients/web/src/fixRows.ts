/**
 * "Fix rows": the rows the check found invalid, editable in a table before importing. Every mapped
 * field of a row is a labelled input; the invalid ones carry `aria-invalid` and their message
 * (`aria-describedby`). Each keystroke revalidates the row with the engine's own `mapRow` — the
 * model's rules from the generated metadata (validateRow), exactly as the import will apply them
 * with the `corrections` option — so a row turns "fixed" when it is valid, and a fix that breaks
 * something else says so at once.
 *
 * Large files: the table shows PAGE_ROWS rows at a time (Previous / Next), and only the rows the
 * user edited are kept as corrections (row → every mapped field's value); the rows themselves are
 * the check's invalid rows (cells as read), never the whole file.
 *
 * Keyboard: Tab moves from input to input; Enter moves to the next invalid cell (on the next page
 * when this one has none left).
 */
import { columnOf, mapRow, type FieldError, type Mapping, type ModelMeta } from '../../ingest/index';
import { el, fill, number } from './dom';

/** Rows per page of the table. */
export const PAGE_ROWS = 25;

/** An invalid row as the check read it. */
export interface FixableRow {
  row: number;
  cells: string[];
  errors: FieldError[];
}

interface RowState {
  source: FixableRow;
  /** field → value shown (the cell as read, or as the user typed it). */
  values: Record<string, string>;
  errors: FieldError[];
  edited: boolean;
}

/** A row's problems that belong to no input (its cell count, an unreadable line). */
const rowLevel = (errors: readonly FieldError[], fields: ReadonlySet<string>) => errors.filter((e) => !fields.has(e.field));

export class FixTable {
  private readonly rows: RowState[];
  private readonly fields: [string, number][];
  private page = 0;

  constructor(
    private readonly area: HTMLElement,
    private readonly model: ModelMeta,
    private readonly mapping: Mapping,
    rows: readonly FixableRow[],
    /** After each change: how many rows are edited and how many of those are valid now. */
    private readonly onChange: (edited: number, fixed: number) => void = () => undefined,
  ) {
    this.fields = [...mapping.fieldColumn.entries()].sort((a, b) => a[1] - b[1]);
    this.rows = rows.map((r) => {
      const values: Record<string, string> = {};
      for (const [field, index] of this.fields) values[field] = (r.cells[index] ?? '').trim();
      return { source: r, values, errors: r.errors, edited: false };
    });
    this.render();
  }

  /** The rows the user edited: row → every mapped field's value (the engine's `corrections`). */
  corrections(): Map<number, Record<string, string>> {
    const out = new Map<number, Record<string, string>>();
    for (const r of this.rows) if (r.edited) out.set(r.source.row, { ...r.values });
    return out;
  }

  /** Edited rows and how many of them are valid now. */
  counts(): { edited: number; fixed: number } {
    let edited = 0;
    let fixed = 0;
    for (const r of this.rows) {
      if (!r.edited) continue;
      edited++;
      if (r.errors.length === 0) fixed++;
    }
    return { edited, fixed };
  }

  /** Revalidates a row with the values shown, as the import will map it. */
  private revalidate(state: RowState): void {
    const original = this.fields.every(([field, index]) => state.values[field] === (state.source.cells[index] ?? '').trim());
    state.edited = !original;
    state.errors = original ? state.source.errors : mapRow(this.mapping, state.source.row, state.source.cells, undefined, state.values).errors;
  }

  private pages(): number {
    return Math.max(1, Math.ceil(this.rows.length / PAGE_ROWS));
  }

  private render(focus?: 'first-invalid'): void {
    const total = this.rows.length;
    const first = this.page * PAGE_ROWS;
    const shown = this.rows.slice(first, first + PAGE_ROWS);
    const fieldSet = new Set(this.fields.map(([f]) => f));
    const head = el(
      'thead',
      {},
      el('tr', {}, el('th', { scope: 'col' }, 'Row'), ...this.fields.map(([field]) => el('th', { scope: 'col' }, columnOf(this.mapping, field))), el('th', { scope: 'col' }, 'Status')),
    );
    const body = el('tbody', {}, ...shown.map((state) => this.renderRow(state, fieldSet)));
    const table = el('table', { id: 'fix-table', 'aria-labelledby': 'fix-title', 'aria-describedby': 'fix-help' }, head, body);
    const prev = el('button', { type: 'button', class: 'quiet', id: 'fix-prev' }, 'Previous');
    const next = el('button', { type: 'button', class: 'quiet', id: 'fix-next' }, 'Next');
    prev.disabled = this.page === 0;
    next.disabled = this.page >= this.pages() - 1;
    prev.addEventListener('click', () => this.go(this.page - 1));
    next.addEventListener('click', () => this.go(this.page + 1));
    fill(
      this.area,
      el('div', { class: 'scroll' }, table),
      el(
        'p',
        { class: 'pager' },
        prev,
        ' ',
        el('span', { id: 'fix-range', 'aria-live': 'polite' }, `Rows ${number(first + 1)}–${number(first + shown.length)} of ${number(total)} with problems (page ${number(this.page + 1)} of ${number(this.pages())})`),
        ' ',
        next,
      ),
    );
    if (focus === 'first-invalid') this.area.querySelector<HTMLInputElement>('input[aria-invalid="true"]')?.focus();
    this.changed();
  }

  private renderRow(state: RowState, fieldSet: ReadonlySet<string>): HTMLTableRowElement {
    const row = state.source.row;
    const status = el('td', { class: 'fix-status' });
    const tr = el('tr', { 'data-row': String(row) });
    const cells = this.fields.map(([field]) => {
      const label = `Row ${row}, ${columnOf(this.mapping, field)}`;
      const input = el('input', { type: 'text', 'aria-label': label, 'data-field': field, spellcheck: 'false', autocomplete: 'off' });
      input.value = state.values[field] ?? '';
      const message = el('span', { class: 'fix-message', id: `fix-${row}-${field}` });
      input.addEventListener('input', () => {
        state.values[field] = input.value;
        this.revalidate(state);
        this.paint(tr, state, fieldSet, status);
        this.changed();
      });
      input.addEventListener('keydown', (e) => {
        if (e.key !== 'Enter') return;
        e.preventDefault();
        this.nextInvalid(input);
      });
      return el('td', {}, input, message);
    });
    tr.append(el('th', { scope: 'row' }, row), ...cells, status);
    this.paint(tr, state, fieldSet, status);
    return tr;
  }

  /** Marks the row's invalid inputs and writes the messages and the row's status. */
  private paint(tr: HTMLTableRowElement, state: RowState, fieldSet: ReadonlySet<string>, status: HTMLElement): void {
    for (const input of tr.querySelectorAll<HTMLInputElement>('input[data-field]')) {
      const field = input.dataset.field!;
      const errors = state.errors.filter((e) => e.field === field);
      const message = tr.querySelector<HTMLElement>(`#fix-${state.source.row}-${field}`)!;
      fill(message, errors.map((e) => e.message).join(' '));
      if (errors.length) {
        input.setAttribute('aria-invalid', 'true');
        input.setAttribute('aria-describedby', message.id);
      } else {
        input.removeAttribute('aria-invalid');
        input.removeAttribute('aria-describedby');
      }
    }
    const others = rowLevel(state.errors, fieldSet);
    const valid = state.errors.length === 0;
    tr.className = valid ? 'fixed' : state.edited ? 'edited' : '';
    fill(
      status,
      valid ? el('strong', {}, 'Fixed') : `${state.errors.length} problem${state.errors.length === 1 ? '' : 's'}${state.edited ? ' (edited)' : ''}`,
      ...others.map((e) => el('span', { class: 'fix-message' }, e.message)),
    );
  }

  private changed(): void {
    const { edited, fixed } = this.counts();
    this.onChange(edited, fixed);
  }

  private go(page: number, focus?: 'first-invalid'): void {
    this.page = Math.min(Math.max(0, page), this.pages() - 1);
    this.render(focus);
  }

  /** Enter: the next invalid input after `from` on this page, else the first one of a later page that has one. */
  private nextInvalid(from: HTMLInputElement): void {
    const inputs = [...this.area.querySelectorAll<HTMLInputElement>('#fix-table input')];
    const after = inputs.slice(inputs.indexOf(from) + 1).find((i) => i.getAttribute('aria-invalid') === 'true');
    if (after) {
      after.focus();
      return;
    }
    for (let p = this.page + 1; p < this.pages(); p++) {
      if (this.rows.slice(p * PAGE_ROWS, (p + 1) * PAGE_ROWS).some((r) => r.errors.length > 0)) {
        this.go(p, 'first-invalid');
        return;
      }
    }
  }
}
