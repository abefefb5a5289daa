/**
 * `foreman models`: the importable models, their fields (required, format, length) and the column
 * names each field accepts, straight from resolvers/lib/rules.ts (the table both validators read).
 */
import type { Command } from 'commander';
import { PATTERNS, type FieldRule } from '../../../resolvers/lib/rules';
import { MODELS, fieldsOf, type AnyModel } from '../../ingest/models';

function formatOf(rule: FieldRule): string {
  switch (rule.format) {
    case 'enum':
      return `one of ${rule.enumValues?.join(', ')}`;
    case 'decimal':
      return rule.min !== undefined ? `number ≥ ${rule.min}` : 'number';
    case 'date':
      return 'date YYYY-MM-DD';
    default:
      return rule.format;
  }
}

/** The models as plain data (the `--json` output). */
export function modelsAsData(models: readonly AnyModel[] = MODELS) {
  return models.map((m) => ({
    model: m.key,
    apiName: m.apiName,
    fields: fieldsOf(m).map(([field, rule]) => ({
      field,
      label: rule.label,
      required: rule.required,
      format: rule.format,
      ...(rule.format in PATTERNS ? { pattern: PATTERNS[rule.format as keyof typeof PATTERNS] } : {}),
      ...(rule.enumValues ? { values: rule.enumValues } : {}),
      ...(rule.min !== undefined ? { min: rule.min } : {}),
      maxLength: rule.maxLength,
      aliases: rule.aliases,
    })),
    ...(m.key === 'project' ? { rules: ['a project names its customer: Customer email or Customer id', 'Due date is not before Start date'] } : {}),
  }));
}

/** The human listing. */
export function describeModels(models: readonly AnyModel[] = MODELS): string {
  const lines: string[] = [];
  for (const m of models) {
    lines.push(`${m.key} (${m.apiName})`);
    const fields = fieldsOf(m);
    const w = Math.max(...fields.map(([f]) => f.length));
    for (const [field, rule] of fields) {
      lines.push(`  ${field.padEnd(w)}  ${rule.required ? 'required' : 'optional'}  ${formatOf(rule)}, at most ${rule.maxLength} characters`);
      lines.push(`  ${''.padEnd(w)}  columns: ${rule.aliases.map((a) => `"${a}"`).join(', ')}`);
    }
    if (m.key === 'project') lines.push('  a project names its customer by Customer email or Customer id (at least one); Due date is not before Start date');
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
    .description('List the importable models: each field (required or not, format, length) and the column headers that map to it.')
    .option('--json', 'print the models as JSON')
    .action((flags: { json?: boolean }) => {
      process.stdout.write(flags.json ? `${JSON.stringify(modelsAsData(), null, 2)}\n` : `${describeModels()}\n`);
    });
}
