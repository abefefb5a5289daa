/**
 * `foreman models`: the importable models (the schema's @importable types, as codegen wrote them in
 * schema/generated/models.ts, the table the engine and the server both read): each column (required
 * or not, format, length, the header names it accepts), the unique values, the references to other
 * models and the rules across columns.
 */
import type { Command } from 'commander';
import { PATTERNS } from '../../../resolvers/lib/rules';
import { MODELS, aliasesOf, fieldsOf, normalizeHeader, refColumnsLabel, refOfColumn, type FieldRule, type ModelMeta, type Normalize } from '../../ingest/models';

/** Enum values listed in the human output before "…" (the JSON lists them all). */
const MAX_LISTED_VALUES = 12;

const NORMALIZE: Record<Normalize, string> = {
  TRIM: 'trimmed, case matters',
  CASE_INSENSITIVE: 'trimmed, any case',
  EMAIL: 'trimmed, any case',
};

function formatOf(rule: FieldRule): string {
  const bounds = [rule.min !== undefined ? `≥ ${rule.min}` : '', rule.max !== undefined ? `≤ ${rule.max}` : ''].filter(Boolean).join(' and ');
  switch (rule.format) {
    case 'enum': {
      const values = rule.enumValues ?? [];
      const listed = values.length > MAX_LISTED_VALUES ? `${values.slice(0, MAX_LISTED_VALUES).join(', ')}, … (${values.length} values)` : values.join(', ');
      return `one of ${listed}`;
    }
    case 'decimal':
      return bounds ? `number ${bounds}` : 'number';
    case 'integer':
      return bounds ? `whole number ${bounds}` : 'whole number';
    case 'date':
      return 'date YYYY-MM-DD';
    default:
      return rule.pattern ? `${rule.format} ${rule.hint ?? `matching ${rule.pattern}`}` : rule.format;
  }
}

/** The header names a column accepts: its name, its label and its aliases (each once, as headers compare). */
export function headerNames(model: ModelMeta, field: string): string[] {
  const names = new Map<string, string>();
  for (const name of [field, model.columns[field]?.label ?? field, ...aliasesOf(model, field)]) {
    const n = normalizeHeader(name);
    if (!names.has(n)) names.set(n, name);
  }
  return [...names.values()];
}

/** What a column is besides its cell rule: unique, or a way of naming a reference's target. */
function roleOf(model: ModelMeta, field: string): string[] {
  const roles: string[] = [];
  const unique = model.uniques.find((u) => u.field === field);
  if (unique) roles.push(`unique (${NORMALIZE[unique.normalize]}${unique.with.length ? `, per ${unique.with.join(' and ')}` : ''})`);
  const ref = refOfColumn(model, field);
  const by = ref?.columns.find((c) => c.column === field);
  if (ref && by) roles.push(`names the ${ref.label.toLowerCase()} by ${by.by}`);
  return roles;
}

/** The models as plain data (the `--json` output). */
export function modelsAsData(models: readonly ModelMeta[] = MODELS) {
  return models.map((m) => ({
    model: m.key,
    name: m.name,
    apiName: m.apiName,
    label: m.label,
    importField: m.importField,
    batchRows: m.batchRows,
    fields: fieldsOf(m).map(([field, rule]) => {
      const unique = m.uniques.find((u) => u.field === field);
      const ref = refOfColumn(m, field);
      const pattern = rule.pattern ?? (rule.format in PATTERNS ? PATTERNS[rule.format as keyof typeof PATTERNS] : undefined);
      return {
        field,
        label: rule.label,
        required: rule.required,
        format: rule.format,
        ...(pattern !== undefined ? { pattern } : {}),
        ...(rule.hint !== undefined ? { hint: rule.hint } : {}),
        ...(rule.enumValues ? { values: rule.enumValues } : {}),
        ...(rule.min !== undefined ? { min: rule.min } : {}),
        ...(rule.max !== undefined ? { max: rule.max } : {}),
        ...(rule.default !== undefined ? { default: rule.default } : {}),
        maxLength: rule.maxLength,
        aliases: headerNames(m, field),
        ...(unique ? { unique: { normalize: unique.normalize, with: unique.with, code: unique.code } } : {}),
        ...(ref ? { reference: { model: ref.model, by: ref.columns.find((c) => c.column === field)!.by } } : {}),
      };
    }),
    references: m.refs.map((r) => ({ field: r.field, model: r.model, required: r.required, columns: r.columns.map((c) => ({ column: c.column, by: c.by })), code: r.code })),
    rules: m.rules.map((r) => ({ field: r.field, notBefore: r.notBefore, description: ruleText(m, r.field, r.notBefore) })),
    hook: m.hook,
  }));
}

function ruleText(model: ModelMeta, field: string, notBefore: string): string {
  return `${model.columns[field]?.label ?? field} is not before ${(model.columns[notBefore]?.label ?? notBefore).toLowerCase()}`;
}

/** The human listing. */
export function describeModels(models: readonly ModelMeta[] = MODELS): string {
  const lines: string[] = [];
  for (const m of models) {
    lines.push(`${m.label} (--model ${m.key}, ${m.apiName}): ${m.importField}, ${m.batchRows} rows a batch`);
    const fields = fieldsOf(m);
    const w = Math.max(...fields.map(([f]) => f.length));
    for (const [field, rule] of fields) {
      const roles = roleOf(m, field);
      lines.push(`  ${field.padEnd(w)}  ${rule.required ? 'required' : 'optional'}  ${formatOf(rule)}, at most ${rule.maxLength} characters${rule.default !== undefined ? `, default ${rule.default}` : ''}${roles.length ? `; ${roles.join('; ')}` : ''}`);
      lines.push(`  ${''.padEnd(w)}  columns: ${headerNames(m, field)
        .map((a) => `"${a}"`)
        .join(', ')}`);
    }
    for (const r of m.refs) {
      const cols = r.columns.map((c) => c.column).join(' or ');
      lines.push(
        `  reference ${r.field} → ${r.model}: ${r.required ? `required (${refColumnsLabel(m, r)})` : 'optional'}, named by ${cols}; a row naming no existing ${r.label.toLowerCase()} is invalid (${r.code})`,
      );
    }
    for (const r of m.rules) lines.push(`  rule: ${ruleText(m, r.field, r.notBefore)}`);
    if (m.hook) lines.push(`  hook: ${m.hook} (a server-side rule of its own: rows it refuses are reported after sending)`);
    lines.push('');
  }
  lines.push('Column headers are compared trimmed, case-insensitively, with spaces, underscores, dashes and punctuation alike;');
  lines.push('a header must equal a field name or one of its column names as a whole ("Email opt-in date" is not an email column).');
  return lines.join('\n');
}

export function register(program: Command): void {
  program
    .command('models')
    .summary('list the models a file can hold, their fields and accepted column names')
    .description('List the importable models: each field (required or not, format, length, unique, reference) and the column headers that map to it, the references between models and the rules across fields.')
    .option('--json', 'print the models as JSON')
    .action((flags: { json?: boolean }) => {
      process.stdout.write(flags.json ? `${JSON.stringify(modelsAsData(), null, 2)}\n` : `${describeModels()}\n`);
    });
}
