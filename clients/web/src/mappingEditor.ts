/**
 * The column mapping as the user can change it: a model selector and, per column of the file's
 * header row, a dropdown with every field of the model or "ignore". A change is handed back as the
 * engine's `model` and `mapping` options (clients/ingest MappingOverride), and the page checks the
 * file again with them. Shown after a check, and for a file refused because its columns did not
 * map (unknown headers, a required field without a column).
 */
import { fieldsOf, mapColumns, MODELS, modelByKey, refOfColumn, type ColumnMapping, type MappingOverride, type ModelKey, type ModelMeta } from '../../ingest/index';
import { el, fill } from './dom';

/** What the user chose: a model, and (unless only the model changed) every column's field. */
export interface MappingChoice {
  model: ModelKey;
  mapping?: MappingOverride;
}

/** " — required", or for a column of a required reference " — required: this or …" (one of them names the target). */
function requirement(model: ModelMeta, field: string, required: boolean): string {
  if (required) return ' — required';
  const ref = refOfColumn(model, field);
  if (!ref?.required) return '';
  const others = ref.columns.filter((c) => c.column !== field).map((c) => model.columns[c.column]?.label ?? c.column);
  return others.length ? ` — required, or ${others.join(' or ')}` : ' — required';
}

/** A column's label when its header is empty. */
const columnName = (c: { header: string; index: number }) => c.header || `(column ${c.index + 1} has no header)`;

/**
 * Fills `tbody` with one row per column and wires `modelSelect`; `onChange` gets the new choice.
 * `columns` are the engine's mapping (after a check) or `mapColumns(model, headers)` (refused file).
 */
export function renderMappingEditor(
  tbody: HTMLElement,
  modelSelect: HTMLSelectElement,
  model: ModelMeta,
  columns: readonly ColumnMapping[],
  onChange: (choice: MappingChoice) => void,
  /** Headers whose field the user's saved mapping decided (said as such). */
  fromSaved: ReadonlySet<string> = new Set(),
): void {
  fill(modelSelect, ...MODELS.map((m) => el('option', m === model ? { value: m.key, selected: '' } : { value: m.key }, `${m.label} (${m.apiName})`)));
  modelSelect.onchange = () => onChange({ model: modelByKey(modelSelect.value)!.key as ModelKey });

  const fields = fieldsOf(model);
  const selects: [ColumnMapping, HTMLSelectElement][] = [];
  fill(
    tbody,
    ...columns.map((c) => {
      const select = el(
        'select',
        { 'aria-label': `Field for column ${columnName(c)}`, 'data-column': c.header },
        el('option', c.field ? { value: '' } : { value: '', selected: '' }, '— ignore this column —'),
        ...fields.map(([field, rule]) => el('option', c.field === field ? { value: field, selected: '' } : { value: field }, `${rule.label} (${field})${requirement(model, field, rule.required)}`)),
      );
      // A column without a header cannot be named in a mapping: it stays ignored.
      if (!c.header) select.disabled = true;
      selects.push([c, select]);
      return el('tr', c.field ? {} : { class: 'unmapped' }, el('td', {}, columnName(c)), el('td', {}, select), el('td', { class: 'muted' }, c.explicit ? (fromSaved.has(c.header) ? 'your saved mapping' : 'your choice') : c.field ? 'from the header' : 'no field matches'));
    }),
  );
  for (const [, select] of selects) {
    select.onchange = () => {
      const mapping: MappingOverride = {};
      for (const [c, s] of selects) if (c.header) mapping[c.header] = s.value || null;
      onChange({ model: model.key as ModelKey, mapping });
    };
  }
}

/** The columns of `headers` for `model` as the headers alone map them (for a refused file). */
export function headerColumns(model: ModelMeta, headers: readonly string[]): ColumnMapping[] {
  return mapColumns(model, headers).columns;
}
