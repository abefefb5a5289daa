/**
 * `@aws-appsync/utils/rds` (https://docs.aws.amazon.com/appsync/latest/devguide/resolver-reference-rds-js.html,
 * built-in-modules-js.html "Amazon RDS module functions") and `util.rds.toJsonObject`.
 *
 * The module builds the request AppSync sends to the RDS Data API's ExecuteStatement:
 * `{ statements, variableMap, variableTypeHintMap }`. Every value is bound to a variable named
 * `:P0`, `:P1`, … numbered across all the statements of one `createPgStatement` /
 * `createMySQLStatement` call; identifiers are quoted `"…"` (PostgreSQL) or `` `…` `` (MySQL).
 * The exact text was checked against outputs AWS EvaluateCode produced, recorded by
 * localstack/appsync-utils (`__tests__/__snapshots__/resolvers.test.js.snap`), e.g.
 * `SELECT "id", "name" FROM "UserGroup" WHERE ("name" = :P0) OR ("id" > :P1) ORDER BY "name" ASC,
 * "id" DESC LIMIT :P2 OFFSET :P3`.
 */

import { UtilsUsageError } from './errors';

export type TypeHintName = 'DECIMAL' | 'JSON' | 'TIME' | 'DATE' | 'UUID' | 'TIMESTAMP';

interface TypeHinted {
  type: TypeHintName;
  value: unknown;
}

interface SqlTemplate {
  strings: string[];
  values: unknown[];
}

type StatementKind = 'SELECT' | 'INSERT' | 'UPDATE' | 'DELETE';

interface Statement {
  kind: StatementKind;
  input: Record<string, unknown>;
}

export interface RdsRequest {
  statements: string[];
  variableMap: Record<string, unknown>;
  variableTypeHintMap: Record<string, TypeHintName>;
}

type Dialect = { quote: string; name: 'createPgStatement' | 'createMySQLStatement'; returning: boolean };

const POSTGRES: Dialect = { quote: '"', name: 'createPgStatement', returning: true };
const MYSQL: Dialect = { quote: '`', name: 'createMySQLStatement', returning: false };

const COMPARISONS: Record<string, string> = { eq: '=', ne: '!=', lt: '<', le: '<=', gt: '>', ge: '>=' };

/** `agg.*` and the aggregate keys of a `having` condition (samples/rds/README.md "Aggregates"). */
const AGGREGATES: Record<string, { fn: string; distinct: boolean }> = {
  min: { fn: 'MIN', distinct: false },
  minDistinct: { fn: 'MIN', distinct: true },
  max: { fn: 'MAX', distinct: false },
  maxDistinct: { fn: 'MAX', distinct: true },
  sum: { fn: 'SUM', distinct: false },
  sumDistinct: { fn: 'SUM', distinct: true },
  avg: { fn: 'AVG', distinct: false },
  avgDistinct: { fn: 'AVG', distinct: true },
  count: { fn: 'COUNT', distinct: false },
  countDistinct: { fn: 'COUNT', distinct: true },
};

/** The join properties of `select` (samples/rds/README.md "Joins"), in SQL. */
const JOINS: Record<string, string> = {
  join: 'JOIN',
  innerJoin: 'INNER JOIN',
  leftJoin: 'LEFT JOIN',
  leftOuterJoin: 'LEFT OUTER JOIN',
  rightJoin: 'RIGHT JOIN',
  rightOuterJoin: 'RIGHT OUTER JOIN',
  fullOuterJoin: 'FULL OUTER JOIN',
  crossJoin: 'CROSS JOIN',
  joinNatural: 'NATURAL JOIN',
  innerJoinNatural: 'NATURAL INNER JOIN',
  leftJoinNatural: 'NATURAL LEFT JOIN',
  leftOuterJoinNatural: 'NATURAL LEFT OUTER JOIN',
  rightJoinNatural: 'NATURAL RIGHT JOIN',
  rightOuterJoinNatural: 'NATURAL RIGHT OUTER JOIN',
  fullOuterJoinNatural: 'NATURAL FULL OUTER JOIN',
};

interface Aggregate {
  fn: string;
  distinct: boolean;
  column: unknown;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Renders the statements of one create*Statement call, numbering variables across all of them. */
class StatementWriter {
  readonly request: RdsRequest = { statements: [], variableMap: {}, variableTypeHintMap: {} };
  #next = 0;

  constructor(
    private readonly dialect: Dialect,
    private readonly hints: WeakSet<object>,
    private readonly templates: WeakSet<object>,
    private readonly statements: WeakMap<object, Statement>,
    private readonly aggregates: WeakSet<object>,
  ) {}

  write(item: unknown): void {
    if (typeof item === 'string') {
      this.request.statements.push(item);
    } else if (typeof item === 'object' && item !== null && this.templates.has(item)) {
      this.request.statements.push(this.template(item as SqlTemplate));
    } else if (typeof item === 'object' && item !== null && this.statements.has(item)) {
      this.request.statements.push(this.statement(this.statements.get(item)!));
    } else {
      throw new UtilsUsageError(`Unsupported type is passed as argument to ${this.dialect.name}`);
    }
  }

  /** Binds a value to the next `:Pn`, carrying its type hint when it has one. */
  bind(value: unknown): string {
    const name = `:P${this.#next}`;
    this.#next += 1;
    if (typeof value === 'object' && value !== null && this.hints.has(value)) {
      const hinted = value as TypeHinted;
      this.request.variableMap[name] = hinted.value;
      this.request.variableTypeHintMap[name] = hinted.type;
    } else {
      this.request.variableMap[name] = value;
    }
    return name;
  }

  /** A value in VALUES/SET/BETWEEN: null is written as the literal NULL, not bound. */
  private valueOrNull(value: unknown): string {
    return value === null || value === undefined ? 'NULL' : this.bind(value);
  }

  private template(t: SqlTemplate): string {
    let text = t.strings[0] ?? '';
    t.values.forEach((value, i) => {
      text += this.bind(value) + (t.strings[i + 1] ?? '');
    });
    return text;
  }

  private identifier(name: unknown): string {
    if (typeof name !== 'string') throw new UtilsUsageError('Invalid type in column array.');
    if (name === '*') return name;
    const q = this.dialect.quote;
    return name
      .split('.')
      .map((part) => `${q}${part}${q}`)
      .join('.');
  }

  private isTemplate(value: unknown): value is SqlTemplate {
    return typeof value === 'object' && value !== null && this.templates.has(value);
  }

  private isStatement(value: unknown): boolean {
    return typeof value === 'object' && value !== null && this.statements.has(value);
  }

  /**
   * What a FROM (or a join) names: a table (`'persons'`, `'private.persons'`), an alias object
   * `{ p: 'persons' }` → `"persons" as "p"`, a subquery (`select(…)`, or `{ sub: select(…) }`) in
   * parentheses, or a `sql` template.
   */
  private source(name: unknown): string {
    if (typeof name === 'string') return this.identifier(name);
    if (this.isTemplate(name)) return `(${this.template(name)})`;
    if (this.isStatement(name)) return `(${this.statement(this.statements.get(name as object)!)})`;
    if (!isPlainObject(name)) throw new UtilsUsageError('table name is expected to be a string or alias.');
    const entries = Object.entries(name);
    if (entries.length !== 1) throw new UtilsUsageError('table alias is allowed only one key-value pair.');
    const [alias, actual] = entries[0]!;
    if (typeof actual !== 'string' && !this.isTemplate(actual) && !this.isStatement(actual))
      throw new UtilsUsageError('Table alias value is expected to be a string.');
    return `${this.source(actual)} as ${this.identifier(alias)}`;
  }

  private table(input: Record<string, unknown>, allowFrom: boolean): string {
    const { table, from } = input;
    if (allowFrom && table != null && from != null) throw new UtilsUsageError("'from' and 'table' keys cannot be used together");
    const name = table ?? (allowFrom ? from : undefined);
    if (name === null || name === undefined) throw new UtilsUsageError("'table' or 'from' key is required.");
    return this.source(name);
  }

  /** A column: a name, `{ alias: name | agg.x(…) | sql… }`, an aggregate, or a `sql` template. */
  private column(column: unknown): string {
    if (typeof column === 'string') return this.identifier(column);
    if (this.isTemplate(column)) return this.template(column);
    if (typeof column === 'object' && column !== null && this.aggregates.has(column)) return this.aggregate(column as Aggregate);
    if (isPlainObject(column)) {
      const entries = Object.entries(column);
      if (entries.length !== 1) throw new UtilsUsageError('column alias is allowed only one key-value pair.');
      const [alias, expression] = entries[0]!;
      return `${this.column(expression)} as ${this.identifier(alias)}`;
    }
    throw new UtilsUsageError('Invalid type in column array.');
  }

  private aggregate({ fn, distinct, column }: Aggregate): string {
    return `${fn}(${distinct ? 'DISTINCT ' : ''}${this.column(column)})`;
  }

  private columns(columns: unknown): string {
    if (columns === '*') return '*';
    if (!Array.isArray(columns)) throw new UtilsUsageError('Expected column to be * or an array.');
    return columns.map((c) => this.column(c)).join(', ');
  }

  private joins(input: Record<string, unknown>): string[] {
    const parts: string[] = [];
    for (const [key, items] of Object.entries(input)) {
      const kind = JOINS[key];
      if (!kind) continue;
      if (!this.dialect.returning && key.startsWith('fullOuter')) throw new UtilsUsageError(`${key} is not supported in MySQL.`);
      if (!Array.isArray(items)) throw new UtilsUsageError(`${key} expects an array.`);
      for (const item of items) {
        if (!isPlainObject(item)) throw new UtilsUsageError(`${key} item expected to be an object.`);
        let text = `${kind} ${this.source(item.from ?? item.table)}`;
        if (Array.isArray(item.using)) text += ` USING (${item.using.map((c) => this.identifier(c)).join(', ')})`;
        else if (this.isTemplate(item.on)) text += ` ON ${this.template(item.on)}`;
        else if (item.on !== undefined || item.using !== undefined)
          throw new UtilsUsageError(`${key} expects using to be an array or on to be a sql template.`);
        parts.push(text);
      }
    }
    return parts;
  }

  private groupBy(groupBy: unknown): string[] {
    if (groupBy === null || groupBy === undefined) return [];
    if (!Array.isArray(groupBy)) throw new UtilsUsageError('groupBy expects an array.');
    if (groupBy.length === 0) return [];
    // An ordinal (`groupBy: [1]`) names the column by position.
    return ['GROUP BY', groupBy.map((c) => (typeof c === 'number' && Number.isInteger(c) ? String(c) : this.column(c))).join(', ')];
  }

  private returning(returning: unknown): string | null {
    if (returning === null || returning === undefined || returning === false) return null;
    const columns = this.columns(returning);
    if (!this.dialect.returning) throw new UtilsUsageError('returning is not supported in MySQL.');
    return `RETURNING ${columns}`;
  }

  private values(input: Record<string, unknown>, verb: string): Record<string, unknown> {
    const { values } = input;
    if (values === null || values === undefined) throw new UtilsUsageError(`values are expected to be passed to ${verb}`);
    if (!isPlainObject(values)) throw new UtilsUsageError('Expected values to an Object.');
    return values;
  }

  private rowCount(value: unknown, keyword: string): string {
    const n = value === '' ? Number.NaN : Number(value);
    if (Number.isNaN(n)) throw new UtilsUsageError(`${keyword} expects a number.`);
    return this.bind(n);
  }

  private statement({ kind, input }: Statement): string {
    const parts: string[] = [];
    switch (kind) {
      case 'SELECT': {
        parts.push(
          'SELECT',
          input.columns === null || input.columns === undefined ? '*' : this.columns(input.columns),
          `FROM ${this.table(input, true)}`,
        );
        parts.push(...this.joins(input));
        parts.push(...this.where(input.where));
        parts.push(...this.groupBy(input.groupBy));
        parts.push(...this.where(input.having, 'HAVING'));
        const { orderBy } = input;
        if (orderBy !== null && orderBy !== undefined) {
          if (!Array.isArray(orderBy)) throw new UtilsUsageError('orderBy expects an array.');
          if (orderBy.length > 0) parts.push('ORDER BY', orderBy.map((item) => this.orderItem(item)).join(', '));
        }
        if (input.limit !== null && input.limit !== undefined) parts.push(`LIMIT ${this.rowCount(input.limit, 'limit')}`);
        if (input.offset !== null && input.offset !== undefined) parts.push(`OFFSET ${this.rowCount(input.offset, 'offset')}`);
        break;
      }
      case 'INSERT': {
        const entries = Object.entries(this.values(input, 'insert'));
        parts.push(`INSERT INTO ${this.table(input, false)}`);
        const names = entries.map(([name]) => this.identifier(name));
        const values = entries.map(([, value]) => this.valueOrNull(value));
        parts.push(`(${names.join(', ')}) VALUES (${values.join(', ')})`);
        const returning = this.returning(input.returning);
        if (returning) parts.push(returning);
        break;
      }
      case 'UPDATE': {
        const entries = Object.entries(this.values(input, 'update'));
        parts.push(
          `UPDATE ${this.table(input, false)}`,
          'SET',
          entries.map(([name, value]) => `${this.identifier(name)} = ${this.valueOrNull(value)}`).join(', '),
        );
        parts.push(...this.where(input.where));
        const returning = this.returning(input.returning);
        if (returning) parts.push(returning);
        break;
      }
      case 'DELETE': {
        parts.push(`DELETE FROM ${this.table(input, false)}`);
        parts.push(...this.where(input.where));
        const returning = this.returning(input.returning);
        if (returning) parts.push(returning);
        break;
      }
    }
    return parts
      .filter((p) => p !== '')
      .join(' ')
      .trimEnd();
  }

  private orderItem(item: unknown): string {
    if (!isPlainObject(item)) throw new UtilsUsageError('orderBy item expected to be an object.');
    if (typeof item.column !== 'string') throw new UtilsUsageError('orderBy item expected to have property column.');
    // Only ASC/DESC: the direction is written into the statement, so anything else could inject SQL.
    const dir = typeof item.dir === 'string' ? item.dir.toUpperCase() : 'ASC';
    if (dir !== 'ASC' && dir !== 'DESC') throw new UtilsUsageError(`orderBy dir can have either ASC or DESC found ${String(item.dir)}.`);
    return `${this.identifier(item.column)} ${dir}`;
  }

  /** `WHERE …`, or nothing when the condition renders to nothing (`{}`, `{ and: [] }`). */
  private where(where: unknown, keyword: 'WHERE' | 'HAVING' = 'WHERE'): string[] {
    if (where === null || where === undefined) return [];
    if (this.isTemplate(where)) {
      const text = this.template(where);
      return text ? [keyword, text] : [];
    }
    if (!isPlainObject(where)) throw new UtilsUsageError(`${keyword} values are expected to be SQL templates or a condition object.`);
    const text = this.condition(where, false, 'AND');
    return text ? [keyword, text] : [];
  }

  /**
   * A condition object: its keys AND-ed (`and`/`or` members are each parenthesised and joined by
   * their operator, `not` negates its members AND-ed). Members of a group are wrapped, the top
   * level is not: `{ or: [a, b] }` → `(a) OR (b)`, `{ id: { eq: 1 } }` → `"id" = :P0`.
   */
  private condition(where: Record<string, unknown>, wrap: boolean, joiner: 'AND' | 'OR'): string {
    const blocks: string[] = [];
    for (const [key, operand] of Object.entries(where)) {
      if (key === 'and' || key === 'or') {
        if (!Array.isArray(operand)) throw new UtilsUsageError(`${key} expects conditions to be an array`);
        const op = key === 'and' ? 'AND' : 'OR';
        const members = operand.map((member) => {
          if (!isPlainObject(member) || this.templates.has(member)) throw new UtilsUsageError(`Expected ${key} to be an Object.`);
          return this.condition(member, true, op);
        });
        const group = members.filter((m) => m !== '').join(` ${op} `);
        if (group !== '') blocks.push(wrap ? `(${group})` : group);
      } else if (key === 'not') {
        const members = (Array.isArray(operand) ? operand : [operand]).map((member) => {
          if (!isPlainObject(member)) throw new UtilsUsageError('Expected not to be an Object.');
          return this.condition(member, false, 'AND');
        });
        const inner = members.filter((m) => m !== '').join(' AND ');
        if (inner !== '') blocks.push(`NOT (${inner})`);
      } else {
        const text = this.columnCondition(key, operand);
        if (text !== '') blocks.push(wrap ? `(${text})` : text);
      }
    }
    return blocks.join(` ${joiner} `);
  }

  private columnCondition(name: string, condition: unknown): string {
    if (!isPlainObject(condition)) throw new UtilsUsageError('Expected condition to be an Object.');
    const column = this.identifier(name);
    return Object.entries(condition)
      .map(([operator, value]) => this.comparison(column, `${name}.${operator}`, operator, value))
      .join(' AND ');
  }

  private comparison(target: string, path: string, operator: string, value: unknown): string {
    switch (operator) {
      case 'between':
        return this.between(target, path, value);
      case 'attributeExists':
        if (typeof value !== 'boolean') throw new UtilsUsageError(`${path} expects a boolean value to be passed.`);
        return `${target} IS ${value ? 'NOT ' : ''}NULL`;
      case 'contains':
        return `${target} LIKE ${this.bind(`%${this.text(path, value)}%`)}`;
      case 'notContains':
        return `${target} NOT LIKE ${this.bind(this.text(path, value))}`;
      case 'beginsWith':
        return `${target} LIKE ${this.bind(`${this.text(path, value)}%`)}`;
      case 'size':
        return this.measured(`LENGTH (${target})`, path, value);
      default: {
        const aggregate = AGGREGATES[operator];
        // In `having`: `{ album_id: { count: { gt: 1 } } }` compares COUNT("album_id").
        if (aggregate) return this.measured(`${aggregate.fn}(${aggregate.distinct ? 'DISTINCT ' : ''}${target})`, path, value);
        const sql = COMPARISONS[operator];
        if (!sql) throw new UtilsUsageError(`Unsupported condition ${path}.`);
        if (value === null || value === undefined) throw new UtilsUsageError(`Value for ${path} can't be null.`);
        return `${target} ${sql} ${this.bind(value)}`;
      }
    }
  }

  /** Comparisons on a computed value (`LENGTH (…)`, `COUNT(…)`), AND-ed. */
  private measured(length: string, path: string, value: unknown): string {
    if (!isPlainObject(value)) throw new UtilsUsageError(`Expected ${path} to be an Object.`);
    return Object.entries(value)
      .map(([op, operand]) => {
        if (op === 'between') return this.between(length, path, operand);
        const sql = COMPARISONS[op];
        if (!sql) throw new UtilsUsageError(`${path} has invalid size operator.`);
        return `${length} ${sql} ${this.valueOrNull(operand)}`;
      })
      .join(' AND ');
  }

  private between(target: string, path: string, value: unknown): string {
    if (!Array.isArray(value)) throw new UtilsUsageError(`${path} condition expects an array with length of 2.`);
    if (value.length !== 2)
      throw new UtilsUsageError(`${path} condition expects an array with 2 values but received an array with length ${value.length}.`);
    const low = this.valueOrNull(value[0]);
    const high = this.valueOrNull(value[1]);
    return `${target} BETWEEN ${low} AND ${high}`;
  }

  private text(path: string, value: unknown): string {
    if (value === null || value === undefined) throw new UtilsUsageError(`Value for ${path} can't be null.`);
    if (typeof value !== 'string') throw new UtilsUsageError(`${path} expects a string value to be passed.`);
    return value;
  }
}

type Json = Record<string, unknown>;

/** One Data API `Field` (API_Field.html) as a plain value; `isNull` → null. */
function fieldValue(field: unknown): unknown {
  if (!isPlainObject(field)) return null;
  if (field.isNull === true) return null;
  if (isPlainObject(field.arrayValue)) {
    const array = field.arrayValue;
    if (Array.isArray(array.arrayValues)) return array.arrayValues.map((inner: unknown) => fieldValue({ arrayValue: inner }));
    const first = Object.values(array)[0];
    return Array.isArray(first) ? first : [];
  }
  for (const key of ['stringValue', 'longValue', 'doubleValue', 'booleanValue', 'blobValue']) {
    if (key in field) return field[key];
  }
  return null;
}

/**
 * `toJsonObject(ctx.result)`: the Data API's raw result (a JSON string, as AppSync hands it to the
 * response handler, or the parsed object) → one list of rows per statement, each row keyed by the
 * column's label. A statement that returned no records (INSERT/UPDATE/DELETE without RETURNING)
 * gives `[{}]`, as AWS answers it; NULL columns are left out of the row.
 */
export function toJsonObject(result: unknown): unknown[][] {
  let parsed: unknown = result;
  if (typeof result === 'string') {
    try {
      parsed = JSON.parse(result);
    } catch {
      throw new UtilsUsageError('toJsonObject expects the RDS Data API result as a JSON string');
    }
  }
  if (!isPlainObject(parsed) || !Array.isArray(parsed.sqlStatementResults)) {
    throw new UtilsUsageError('toJsonObject expects an object with sqlStatementResults');
  }
  return parsed.sqlStatementResults.map((statement: unknown) => {
    const s = isPlainObject(statement) ? statement : {};
    if (!Array.isArray(s.records)) return [{}];
    const columns = Array.isArray(s.columnMetadata) ? (s.columnMetadata as Json[]) : [];
    return s.records.map((record: unknown) => {
      const row: Json = {};
      (Array.isArray(record) ? record : []).forEach((field, i) => {
        const meta = columns[i] ?? {};
        const name = String(meta.label ?? meta.name ?? i);
        const value = fieldValue(field);
        if (value !== null) row[name] = value;
      });
      return row;
    });
  });
}

/** The module object `import * as rds from '@aws-appsync/utils/rds'` receives. */
export function createRdsModule() {
  // Brands instead of shape checks, so a user's `{ type: 'x', value: 1 }` is just a value.
  const hints = new WeakSet<object>();
  const templates = new WeakSet<object>();
  const statements = new WeakMap<object, Statement>();
  const aggregates = new WeakSet<object>();

  const hint =
    (type: TypeHintName) =>
    (value: unknown): TypeHinted => {
      const hinted = Object.freeze({ type, value: value instanceof Date ? value.toISOString() : value });
      hints.add(hinted);
      return hinted;
    };

  const statement =
    (kind: StatementKind, verb: string) =>
    (input: unknown): Readonly<Statement> => {
      if (input === undefined) throw new UtilsUsageError(`An argument is expected to be passed to ${verb}`);
      if (!isPlainObject(input)) throw new UtilsUsageError('Expected payload to be an Object.');
      const made = Object.freeze({ kind, input });
      statements.set(made, made);
      return made;
    };

  const create =
    (dialect: Dialect) =>
    (...items: unknown[]): RdsRequest => {
      if (items.length === 0) throw new UtilsUsageError(`An argument is expected to be passed to ${dialect.name}`);
      const writer = new StatementWriter(dialect, hints, templates, statements, aggregates);
      for (const item of items) writer.write(item);
      return writer.request;
    };

  return {
    select: statement('SELECT', 'select'),
    insert: statement('INSERT', 'insert'),
    update: statement('UPDATE', 'update'),
    remove: statement('DELETE', 'remove'),
    /** The `sql` tag: every `${value}` becomes a bound variable, never statement text. */
    sql: (strings: TemplateStringsArray | string[], ...values: unknown[]): Readonly<SqlTemplate> => {
      if (!Array.isArray(strings) || strings.length !== values.length + 1) {
        throw new UtilsUsageError('java.lang.IllegalArgumentException: Unexpected argument passed to sql tagged template');
      }
      const template = Object.freeze({ strings: [...strings], values });
      templates.add(template);
      return template;
    },
    createPgStatement: create(POSTGRES),
    createMySQLStatement: create(MYSQL),
    toJsonObject,
    /** `agg.count('*')` → `COUNT(*)`, `agg.countDistinct('genre_id')` → `COUNT(DISTINCT "genre_id")`. */
    agg: Object.freeze(
      Object.fromEntries(
        Object.entries(AGGREGATES).map(([name, { fn, distinct }]) => [
          name,
          (column: unknown): Readonly<Aggregate> => {
            const made = Object.freeze({ fn, distinct, column });
            aggregates.add(made);
            return made;
          },
        ]),
      ),
    ),
    typeHint: Object.freeze({
      DECIMAL: hint('DECIMAL'),
      JSON: hint('JSON'),
      TIME: hint('TIME'),
      DATE: hint('DATE'),
      UUID: hint('UUID'),
      TIMESTAMP: hint('TIMESTAMP'),
    }),
  };
}
