/**
 * The `@aws-appsync/utils/rds` module through `evaluateCode`, against every example of AWS's two
 * pages on it:
 * - BUILT_IN = https://docs.aws.amazon.com/appsync/latest/devguide/built-in-modules-js.html
 *   ("Amazon RDS module functions"; each example states its statement in a comment);
 * - RDS_REF  = https://docs.aws.amazon.com/appsync/latest/devguide/resolver-reference-rds-js.html.
 *
 * The pages write placeholders by meaning (`:NAME`, `:limit`); AppSync numbers them `:P0`, `:P1`, …
 * in order of appearance, and where a comment's spacing or wording is loose the exact text is the one
 * AWS EvaluateCode answered in recordings kept by localstack/appsync-utils
 * (__tests__/__snapshots__/resolvers.test.js.snap, commit 724f4cba): `ORDER BY "name" ASC`,
 * `("name" = :P0) OR ("id" > :P1)`, `INSERT INTO \`persons\` (\`name\`) VALUES (:P0)`,
 * `DELETE FROM "persons" WHERE …`. Each test names the difference it relies on.
 */
import { describe, expect, it } from 'vitest';
import { evaluateCode, type EvaluateCodeOutput } from '../../../infra/local/evaluate';

const RUNTIME = { name: 'APPSYNC_JS', runtimeVersion: '1.0.0' };

function evaluate(code: string, context: object = {}, fn: 'request' | 'response' = 'request', now?: () => number): EvaluateCodeOutput {
  return evaluateCode({ runtime: RUNTIME, code, context: JSON.stringify(context), function: fn }, now ? { now } : {});
}

function resultOf(code: string, context: object = {}, fn: 'request' | 'response' = 'request'): unknown {
  const out = evaluate(code, context, fn);
  expect(out.error).toBeUndefined();
  return JSON.parse(out.evaluationResult!);
}

/** A request handler around one `return` expression, importing the module as the BUILT_IN page does. */
function request(expression: string, imports = "import { select, insert, update, remove, sql, createPgStatement, createMySQLStatement, toJsonObject, typeHint } from '@aws-appsync/utils/rds';"): string {
  return `import { util } from '@aws-appsync/utils';
${imports}

export function request(ctx) {
  return ${expression};
}

export function response(ctx) {
  return ctx.result;
}
`;
}

const statement = (statements: string[], variableMap: Record<string, unknown> = {}, variableTypeHintMap: Record<string, string> = {}) => ({
  statements,
  variableMap,
  variableTypeHintMap,
});

describe('rds select (BUILT_IN "Select")', () => {
  it.each([
    ['a table', `createPgStatement(select({table: 'persons'}))`, statement(['SELECT * FROM "persons"'])],
    ['a schema-qualified table', `createPgStatement(select({table: 'private.persons'}))`, statement(['SELECT * FROM "private"."persons"'])],
    ['columns', `createPgStatement(select({ table: 'persons', columns: ['id', 'name'] }))`, statement(['SELECT "id", "name" FROM "persons"'])],
    ['a column with its table', `createPgStatement(select({ table: 'persons', columns: ['id', 'persons.name'] }))`, statement(['SELECT "id", "persons"."name" FROM "persons"'])],
    // "LIMIT :limit OFFSET :offset": both are bound variables
    [
      'limit and offset',
      `createPgStatement(select({ table: 'persons', columns: ['id', 'name'], limit: 10, offset: 40 }))`,
      statement(['SELECT "id", "name" FROM "persons" LIMIT :P0 OFFSET :P1'], { ':P0': 10, ':P1': 40 }),
    ],
    // The comment writes `ORDER BY "name", "id" DESC`; AWS spells out the default ASC (recording).
    [
      'order by',
      `createPgStatement(select({ table: 'persons', columns: ['id', 'name'], orderBy: [{column: 'name'}, {column: 'id', dir: 'DESC'}] }))`,
      statement(['SELECT "id", "name" FROM "persons" ORDER BY "name" ASC, "id" DESC']),
    ],
    [
      'a filter',
      `createPgStatement(select({ table: 'persons', columns: ['id', 'name'], where: {name: {eq: 'Stephane'}} }))`,
      statement(['SELECT "id", "name" FROM "persons" WHERE "name" = :P0'], { ':P0': 'Stephane' }),
    ],
    [
      'two filters, AND-ed',
      `createPgStatement(select({ table: 'persons', columns: ['id', 'name'], where: {name: {eq: 'Stephane'}, id: {gt: 10}} }))`,
      statement(['SELECT "id", "name" FROM "persons" WHERE "name" = :P0 AND "id" > :P1'], { ':P0': 'Stephane', ':P1': 10 }),
    ],
    // The comment writes `WHERE "name" = :NAME OR "id" > :ID`; AWS parenthesises each member (recording).
    [
      'an or',
      `createPgStatement(select({ table: 'persons', columns: ['id', 'name'], where: { or: [ { name: { eq: 'Stephane'} }, { id: { gt: 10 } } ]} }))`,
      statement(['SELECT "id", "name" FROM "persons" WHERE ("name" = :P0) OR ("id" > :P1)'], { ':P0': 'Stephane', ':P1': 10 }),
    ],
    [
      'a not',
      `createPgStatement(select({ table: 'persons', columns: ['id', 'name'], where: { not: [ { name: { eq: 'Stephane'} }, { id: { gt: 10 } } ]} }))`,
      statement(['SELECT "id", "name" FROM "persons" WHERE NOT ("name" = :P0 AND "id" > :P1)'], { ':P0': 'Stephane', ':P1': 10 }),
    ],
  ])('writes %s as the page shows', (_name, expression, expected) => {
    expect(resultOf(request(expression))).toEqual(expected);
  });

  it.each([
    ['ne', { ne: 1 }, '"v" != :P0', { ':P0': 1 }],
    ['le', { le: 1 }, '"v" <= :P0', { ':P0': 1 }],
    ['lt', { lt: 1 }, '"v" < :P0', { ':P0': 1 }],
    ['ge', { ge: 1 }, '"v" >= :P0', { ':P0': 1 }],
    ['contains', { contains: 'ab' }, '"v" LIKE :P0', { ':P0': '%ab%' }],
    ['notContains', { notContains: 'ab' }, '"v" NOT LIKE :P0', { ':P0': 'ab' }],
    ['beginsWith', { beginsWith: 'ab' }, '"v" LIKE :P0', { ':P0': 'ab%' }],
    ['between', { between: [1, 9] }, '"v" BETWEEN :P0 AND :P1', { ':P0': 1, ':P1': 9 }],
    ['attributeExists true', { attributeExists: true }, '"v" IS NOT NULL', {}],
    ['attributeExists false', { attributeExists: false }, '"v" IS NULL', {}],
    ['size', { size: { gt: 3 } }, 'LENGTH ("v") > :P0', { ':P0': 3 }],
  ])('renders the %s operator of the page’s operator table', (_name, condition, where, variables) => {
    expect(resultOf(request(`createPgStatement(select({ table: 't', where: { v: ${JSON.stringify(condition)} } }))`))).toEqual(
      statement([`SELECT * FROM "t" WHERE ${where}`], variables),
    );
  });
});

describe('rds insert, update, remove (BUILT_IN)', () => {
  it('inserts with MySQL quoting, values as variables', () => {
    // Comment: INSERT INTO `persons`(`name`) VALUES(:NAME) — spacing as AWS answers it (recording).
    expect(resultOf(request(`createMySQLStatement(insert({ table: 'persons', values: ctx.args.input }))`), { arguments: { input: { name: 'Ann' } } })).toEqual(
      statement(['INSERT INTO `persons` (`name`) VALUES (:P0)'], { ':P0': 'Ann' }),
    );
  });

  it('inserts then selects the row in one MySQL request, numbering variables across both', () => {
    const code = request(`createMySQLStatement(
      insert({ table: 'persons', values: ctx.args.input }),
      select({ table: 'persons', columns: '*', where: { id: { eq: ctx.args.input.id } }, limit: 1 }))`);
    expect(resultOf(code, { arguments: { input: { id: 7, name: 'Ann' } } })).toEqual(
      statement(['INSERT INTO `persons` (`id`, `name`) VALUES (:P0, :P1)', 'SELECT * FROM `persons` WHERE `id` = :P2 LIMIT :P3'], {
        ':P0': 7,
        ':P1': 'Ann',
        ':P2': 7,
        ':P3': 1,
      }),
    );
  });

  it('inserts with RETURNING * on Postgres', () => {
    expect(resultOf(request(`createPgStatement(insert({ table: 'persons', values: ctx.args.input, returning: '*' }))`), { arguments: { input: { name: 'Ann' } } })).toEqual(
      statement(['INSERT INTO "persons" ("name") VALUES (:P0) RETURNING *'], { ':P0': 'Ann' }),
    );
  });

  it('updates the row matching the condition and the id, returning columns', () => {
    // The page's mutation: updatePerson(input: {id: 3, name: "Jon"}, condition: {known_since: {ge: "2000"}}).
    const code = `import { update, createPgStatement } from '@aws-appsync/utils/rds';

export function request(ctx) {
    const { input: { id, ...values }, condition } = ctx.args;
    const where = {
        ...condition,
        id: { eq: id },
    };
    const updateStatement = update({
        table: 'persons',
        values,
        where,
        returning: ['id', 'name'],
    });
    return createPgStatement(updateStatement)
}

export function response(ctx) {
  return ctx.result;
}
`;
    expect(resultOf(code, { arguments: { input: { id: 3, name: 'Jon' }, condition: { known_since: { ge: '2000' } } } })).toEqual(
      statement(['UPDATE "persons" SET "name" = :P0 WHERE "known_since" >= :P1 AND "id" = :P2 RETURNING "id", "name"'], { ':P0': 'Jon', ':P1': '2000', ':P2': 3 }),
    );
  });

  it('deletes with remove (delete is reserved), returning columns', () => {
    // The comment says `DELETE "persons"`; AWS writes DELETE FROM (recording). The page's example
    // returns `updateStatement`, a name it never defines; this one returns what it built.
    const code = request(`createPgStatement(remove({ table: 'persons', where: { ...ctx.args.condition, id: { eq: ctx.args.input.id } }, returning: ['id', 'name'] }))`);
    expect(resultOf(code, { arguments: { input: { id: 3 }, condition: {} } })).toEqual(
      statement(['DELETE FROM "persons" WHERE "id" = :P0 RETURNING "id", "name"'], { ':P0': 3 }),
    );
  });

  it('writes a null value as the literal NULL instead of binding it', () => {
    expect(resultOf(request(`createPgStatement(update({ table: 't', values: { a: null, b: 0, c: false }, where: { id: { eq: 1 } } }))`))).toEqual(
      statement(['UPDATE "t" SET "a" = NULL, "b" = :P0, "c" = :P1 WHERE "id" = :P2'], { ':P0': 0, ':P1': false, ':P2': 1 }),
    );
  });
});

describe('rds sql tagged template and type hints', () => {
  it('binds each ${} of the documented filter to a variable (RDS_REF "SQL tagged template")', () => {
    const code = `import { sql, createMySQLStatement } from '@aws-appsync/utils/rds';

export function request(ctx) {
  const query = sql\`
SELECT * FROM table 
WHERE column = \${ctx.args.col}\`
  ;
  return createMySQLStatement(query);
}

export function response(ctx) {
  return ctx.result;
}
`;
    expect(resultOf(code, { arguments: { col: "x' OR '1'='1" } })).toEqual(statement(['\nSELECT * FROM table \nWHERE column = :P0'], { ':P0': "x' OR '1'='1" }));
  });

  it('numbers the variables of two templates in one request (RDS_REF "Creating statements")', () => {
    // Same statements as the recording's "sql tagged template" case.
    const code = request(`createMySQLStatement(sql\`insert into Post(id, text) values(\${typeHint.UUID(ctx.args.id)}, \${ctx.args.text})\`, sql\`select * from Post where id = \${ctx.args.id}\`)`);
    const id = 'adb626eb-4ce5-452a-a917-3943a37f202b';
    expect(resultOf(code, { arguments: { id, text: 'hello world' } })).toEqual(
      statement(['insert into Post(id, text) values(:P0, :P1)', 'select * from Post where id = :P2'], { ':P0': id, ':P1': 'hello world', ':P2': id }, { ':P0': 'UUID' }),
    );
  });

  it('casts an array to JSON and reads the value back with toJsonObject (BUILT_IN "Casting")', () => {
    const code = `import { sql, createPgStatement, toJsonObject, typeHint } from '@aws-appsync/utils/rds';

export function request(ctx) {
    const arr = ctx.args.list_of_ids
    const statement = sql\`select \${typeHint.JSON(arr)}->2 as value\`
    return createPgStatement(statement)
}

export function response(ctx) {
    return toJsonObject(ctx.result)[0][0].value
}
`;
    expect(resultOf(code, { arguments: { list_of_ids: [1, 2, 3] } })).toEqual(statement(['select :P0->2 as value'], { ':P0': [1, 2, 3] }, { ':P0': 'JSON' }));
    const result = JSON.stringify({ sqlStatementResults: [{ records: [[{ longValue: 3 }]], columnMetadata: [{ name: 'value', label: 'value' }] }] });
    expect(resultOf(code, { arguments: {}, result }, 'response')).toBe(3);
  });

  it('sends the current time as a TIMESTAMP (BUILT_IN "Casting")', () => {
    const code = `import { util } from '@aws-appsync/utils';
import { sql, createPgStatement, typeHint } from '@aws-appsync/utils/rds';

export function request(ctx) {
    const now = util.time.nowFormatted('YYYY-MM-dd HH:mm:ss')
    return createPgStatement(sql\`select \${typeHint.TIMESTAMP(now)}\`)
}

export function response(ctx) {
  return ctx.result;
}
`;
    const out = evaluate(code, {}, 'request', () => Date.parse('2023-11-14T20:47:11.875Z'));
    expect(JSON.parse(out.evaluationResult!)).toEqual(statement(['select :P0'], { ':P0': '2023-11-14 20:47:11' }, { ':P0': 'TIMESTAMP' }));
  });

  it('offers the six documented type hints, each as {type, value}', () => {
    // BUILT_IN "Available type hints"; the recording shows typeHint.UUID('abc123') as {type, value}.
    const hints = resultOf(request(`['DATE', 'DECIMAL', 'JSON', 'TIME', 'TIMESTAMP', 'UUID'].map((name) => typeHint[name]('v'))`));
    expect(hints).toEqual(['DATE', 'DECIMAL', 'JSON', 'TIME', 'TIMESTAMP', 'UUID'].map((type) => ({ type, value: 'v' })));
  });

  it('has no typeHint.DATETIME, which one BUILT_IN example calls but the list of hints omits', () => {
    const out = evaluate(request(`createPgStatement(select({ table: 'persons', where: { createdAt: { gt: typeHint.DATETIME(ctx.args.when) } } }))`), { arguments: { when: '2024-01-01' } });
    expect(out.evaluationResult).toBeUndefined();
    expect(out.error?.message).toMatch(/^code\.js:5:\d+: TypeError: .*DATETIME.* not a function/);
  });

  it('carries a type hint from a condition into the variable type map (the tutorial’s DATE filter)', () => {
    // https://docs.aws.amazon.com/appsync/latest/devguide/aurora-serverless-tutorial-js.html (listTodos)
    const code = request(
      `rds.createPgStatement(rds.select({ table: 'todos', columns: '*', limit: 10, offset: 0, where: { due: { between: ctx.args.filter.due.between.map((d) => rds.typeHint.DATE(d)) } } }))`,
      "import * as rds from '@aws-appsync/utils/rds';",
    );
    expect(resultOf(code, { arguments: { filter: { due: { between: ['2021-01-01', '2025-01-02'] } } } })).toEqual(
      statement(['SELECT * FROM "todos" WHERE "due" BETWEEN :P0 AND :P1 LIMIT :P2 OFFSET :P3'], { ':P0': '2021-01-01', ':P1': '2025-01-02', ':P2': 10, ':P3': 0 }, { ':P0': 'DATE', ':P1': 'DATE' }),
    );
  });
});

describe('rds toJsonObject (RDS_REF "Retrieving data")', () => {
  const books = JSON.stringify({
    sqlStatementResults: [
      {
        numberOfRecordsUpdated: 0,
        records: [
          [{ stringValue: 'Mark Twain' }, { stringValue: 'Adventures of Huckleberry Finn' }, { stringValue: '978-1948132817' }],
          [{ stringValue: 'Jack London' }, { stringValue: 'The Call of the Wild' }, { stringValue: '978-1948132275' }],
        ],
        columnMetadata: ['author', 'title', 'ISBN-13'].map((name) => ({ isSigned: false, label: name, typeName: 'VARCHAR', tableName: 'Books', type: 12, name })),
      },
    ],
  });
  const expected = [
    [
      { author: 'Mark Twain', title: 'Adventures of Huckleberry Finn', 'ISBN-13': '978-1948132817' },
      { author: 'Jack London', title: 'The Call of the Wild', 'ISBN-13': '978-1948132275' },
    ],
  ];

  it('turns the documented Books result into one list of rows per statement, keyed by column label', () => {
    const code = `import { toJsonObject } from '@aws-appsync/utils/rds';
export function request(ctx) { return {}; }
export function response(ctx) { return toJsonObject(ctx.result); }
`;
    expect(resultOf(code, { result: books }, 'response')).toEqual(expected);
  });

  it('answers the same through util.rds.toJsonObject', () => {
    const code = `import { util } from '@aws-appsync/utils';
export function request(ctx) { return {}; }
export function response(ctx) { return util.rds.toJsonObject(ctx.result); }
`;
    expect(resultOf(code, { result: books }, 'response')).toEqual(expected);
  });

  it('gives [{}] for a statement without records and reads every Data API field type', () => {
    // [{}] for an UPDATE's result is what AWS answered in the recording ("toJsonObject insert or update").
    const result = JSON.stringify({
      sqlStatementResults: [
        { numberOfRecordsUpdated: 1, generatedFields: [] },
        {
          records: [
            [
              { longValue: 12345 },
              { doubleValue: 12.5 },
              { booleanValue: true },
              { blobValue: 'aGVsbG8=' },
              { isNull: true },
              { arrayValue: { stringValues: ['a', 'b'] } },
              { arrayValue: { arrayValues: [{ longValues: [1, 2] }, { booleanValues: [false] }] } },
            ],
          ],
          columnMetadata: [{ name: 'id' }, { name: 'price' }, { name: 'active', label: 'IS ACTIVE' }, { name: 'blob' }, { name: 'gone' }, { name: 'tags' }, { name: 'nested' }],
        },
      ],
    });
    const code = `import * as rds from '@aws-appsync/utils/rds';
export function request(ctx) { return {}; }
export function response(ctx) { return rds.toJsonObject(ctx.result); }
`;
    expect(resultOf(code, { result }, 'response')).toEqual([
      [{}],
      [{ id: 12345, price: 12.5, 'IS ACTIVE': true, blob: 'aGVsbG8=', tags: ['a', 'b'], nested: [[1, 2], [false]] }],
    ]);
  });
});

describe('rds refusals: what AppSync will not build', () => {
  it.each([
    ['RETURNING on MySQL', `createMySQLStatement(insert({ table: 'persons', values: { name: 'x' }, returning: '*' }))`, 'returning is not supported in MySQL.'],
    ['a select without a table', `createPgStatement(select({ columns: ['id'] }))`, "'table' or 'from' key is required."],
    ['an insert without values', `createPgStatement(insert({ table: 't' }))`, 'values are expected to be passed to insert'],
    ['a sort direction other than ASC/DESC', `createPgStatement(select({ table: 't', orderBy: [{ column: 'a', dir: 'DESC; DROP TABLE t' }] }))`, 'orderBy dir can have either ASC or DESC found DESC; DROP TABLE t.'],
    ['a null comparison', `createPgStatement(select({ table: 't', where: { a: { eq: null } } }))`, "Value for a.eq can't be null."],
    ['an unknown operator', `createPgStatement(select({ table: 't', where: { a: { like: 'x' } } }))`, 'Unsupported condition a.like.'],
    ['between with one bound', `createPgStatement(select({ table: 't', where: { a: { between: [1] } } }))`, 'a.between condition expects an array with 2 values but received an array with length 1.'],
    ['an or that is not a list', `createPgStatement(select({ table: 't', where: { or: { a: { eq: 1 } } } }))`, 'or expects conditions to be an array'],
    ['no statement at all', `createPgStatement()`, 'An argument is expected to be passed to createPgStatement'],
    ['something that is not a statement', `createPgStatement({ statements: ['x'] })`, 'Unsupported type is passed as argument to createPgStatement'],
    ['select without an argument', `createPgStatement(select())`, 'An argument is expected to be passed to select'],
  ])('refuses %s with a message naming the problem', (_name, expression, message) => {
    const out = evaluate(request(expression));
    expect(out.evaluationResult).toBeUndefined();
    // `code.js:L:C: <message>`, the position of the call in the handler (line 5).
    expect(out.error?.message.startsWith('code.js:5:')).toBe(true);
    expect(out.error?.message.endsWith(`: ${message}`)).toBe(true);
  });

  it('never writes a bound value into the statement text', () => {
    const hostile = "'); DROP TABLE persons; --";
    const result = resultOf(request(`createPgStatement(select({ table: 'persons', where: { name: { eq: ctx.args.name } } }))`), { arguments: { name: hostile } }) as {
      statements: string[];
      variableMap: Record<string, unknown>;
    };
    expect(result.statements[0]).not.toContain('DROP');
    expect(result.variableMap).toEqual({ ':P0': hostile });
  });

  it('treats a plain object shaped like a type hint as a value, not a hint', () => {
    expect(resultOf(request(`createPgStatement(select({ table: 't', where: { a: { eq: ctx.args.v } } }))`), { arguments: { v: { type: 'UUID', value: 'x' } } })).toEqual(
      statement(['SELECT * FROM "t" WHERE "a" = :P0'], { ':P0': { type: 'UUID', value: 'x' } }),
    );
  });
});

/**
 * What AWS's resolver samples document beyond the devguide: aliases, joins, aggregates, groupBy/having
 * and subqueries (aws-samples/aws-appsync-resolver-samples, samples/rds/README.md and
 * samples/rds/queries/*.js). The README gives one exact answer (the `sql` example); for the others it
 * publishes no statement text, so the expected SQL is reasoned: standard SQL in the module's own
 * conventions (quoted identifiers, lower-case `as` as in the alias comments, bound values).
 */
describe('rds select beyond the devguide (samples/rds/README.md)', () => {
  it('answers the README’s sql example exactly as it prints it', () => {
    const code = request('createPgStatement(sql`select count(*) from album where artist_id = ${ctx.args.artist_id}`)');
    expect(resultOf(code, { arguments: { artist_id: 134 } })).toEqual(statement(['select count(*) from album where artist_id = :P0'], { ':P0': 134 }));
  });

  it('aliases a table and columns ("SELECT … \\"persons\\".\\"name\\" as \\"theName\\"", "as \\"people\\"")', () => {
    const code = request(`createPgStatement(select({ table: { al: 'private.album' }, columns: ['album_id', { name: 'album.title' }] }))`);
    expect(resultOf(code)).toEqual(statement(['SELECT "album_id", "album"."title" as "name" FROM "private"."album" as "al"']));
  });

  it('joins with USING and ON, groups, filters groups with having and orders (samples/rds/queries/select.js)', () => {
    const code = request(
      `createPgStatement(select({ from: 'album', columns: ['name', { count: agg.count('*') }], join: [{ from: 'artist', using: ['artist_id'] }, { from: 'track', on: sql\`album.album_id = track.album_id\` }], groupBy: ['name'], having: { album_id: { count: { gt: 1 } } }, orderBy: [{ column: 'name' }] }))`,
      "import { select, sql, agg, createPgStatement } from '@aws-appsync/utils/rds';",
    );
    expect(resultOf(code)).toEqual(
      statement(
        ['SELECT "name", COUNT(*) as "count" FROM "album" JOIN "artist" USING ("artist_id") JOIN "track" ON album.album_id = track.album_id GROUP BY "name" HAVING COUNT("album_id") > :P0 ORDER BY "name" ASC'],
        { ':P0': 1 },
      ),
    );
  });

  it('nests a subquery in FROM, sharing its variables, with an ordinal groupBy (samples/rds/queries/subquery.js)', () => {
    const code = request(
      `createPgStatement(select({ from: { sub: select({ from: 'album', columns: ['album_id', { genres: agg.countDistinct('genre_id') }], join: [{ from: 'track', using: ['album_id'] }], groupBy: [1], having: { genre_id: { countDistinct: { gt: 1 } } }, orderBy: [{ column: 'genres', dir: 'desc' }] }) }, columns: ['album_id', 'name'], join: [{ from: 'artist', using: ['artist_id'] }], limit: 5 }))`,
      "import { select, agg, createPgStatement } from '@aws-appsync/utils/rds';",
    );
    expect(resultOf(code)).toEqual(
      statement(
        [
          'SELECT "album_id", "name" FROM (SELECT "album_id", COUNT(DISTINCT "genre_id") as "genres" FROM "album" JOIN "track" USING ("album_id") GROUP BY 1 HAVING COUNT(DISTINCT "genre_id") > :P0 ORDER BY "genres" DESC) as "sub" JOIN "artist" USING ("artist_id") LIMIT :P1',
        ],
        { ':P0': 1, ':P1': 5 },
      ),
    );
  });

  it('writes every aggregate of the README, DISTINCT ones included', () => {
    const names = ['min', 'minDistinct', 'max', 'maxDistinct', 'sum', 'sumDistinct', 'avg', 'avgDistinct', 'count', 'countDistinct'];
    const code = request(`createPgStatement(select({ table: 't', columns: ${JSON.stringify(names)}.map((n) => agg[n]('c')) }))`, "import { select, agg, createPgStatement } from '@aws-appsync/utils/rds';");
    expect(resultOf(code)).toEqual(
      statement([
        'SELECT MIN("c"), MIN(DISTINCT "c"), MAX("c"), MAX(DISTINCT "c"), SUM("c"), SUM(DISTINCT "c"), AVG("c"), AVG(DISTINCT "c"), COUNT("c"), COUNT(DISTINCT "c") FROM "t"',
      ]),
    );
  });

  it('takes a sql template as the whole where clause', () => {
    const code = request('createPgStatement(select({ from: \'album\', where: sql`length(title) > ${ctx.args.size}` }))');
    expect(resultOf(code, { arguments: { size: 10 } })).toEqual(statement(['SELECT * FROM "album" WHERE length(title) > :P0'], { ':P0': 10 }));
  });

  it('names each join kind of the README in SQL, and refuses FULL OUTER JOIN on MySQL ("Postgres only")', () => {
    const kinds = {
      innerJoin: 'INNER JOIN',
      leftJoin: 'LEFT JOIN',
      leftOuterJoin: 'LEFT OUTER JOIN',
      rightJoin: 'RIGHT JOIN',
      rightOuterJoin: 'RIGHT OUTER JOIN',
      fullOuterJoin: 'FULL OUTER JOIN',
      crossJoin: 'CROSS JOIN',
      joinNatural: 'NATURAL JOIN',
      leftJoinNatural: 'NATURAL LEFT JOIN',
      fullOuterJoinNatural: 'NATURAL FULL OUTER JOIN',
    };
    for (const [key, sqlKind] of Object.entries(kinds)) {
      expect(resultOf(request(`createPgStatement(select({ table: 'a', ${key}: [{ from: 'b' }] }))`))).toEqual(statement([`SELECT * FROM "a" ${sqlKind} "b"`]));
    }
    const out = evaluate(request(`createMySQLStatement(select({ table: 'a', fullOuterJoin: [{ from: 'b', using: ['id'] }] }))`));
    expect(out.error?.message).toMatch(/: fullOuterJoin is not supported in MySQL\.$/);
  });
});
