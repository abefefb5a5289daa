/**
 * `evaluateCode` against answers AWS's real EvaluateCode API gave, as a second source beside AWS's
 * pages. They were recorded by the test suite of localstack/appsync-utils, which runs each case on
 * AWS (`TEST_TARGET=AWS_CLOUD`, `EvaluateCodeCommand`) and keeps the answer as a jest snapshot:
 * - __tests__/__snapshots__/authType.test.js.snap (inputs: __tests__/authType.test.js),
 * - __tests__/__snapshots__/transform-subscription.test.js.snap (inputs: __tests__/transform-subscription.test.js),
 * - __tests__/__snapshots__/resolvers.test.js.snap at commit 724f4cba (inputs: __tests__/resolvers.test.js).
 * Their harness prefixes every case with `import { util } …` and `import * as rds from
 * '@aws-appsync/utils/rds'` — used or not — and so does `recorded()` here: an unused rds import must
 * not change an answer.
 */
import { describe, expect, it } from 'vitest';
import { evaluateCode } from '../../../infra/local/evaluate';

const RUNTIME = { name: 'APPSYNC_JS', runtimeVersion: '1.0.0' };
const HARNESS = "import { util } from '@aws-appsync/utils';\nimport * as rds from '@aws-appsync/utils/rds';\n";

/** Runs `code` the way the recording harness did, answering the parsed result. */
function recorded(code: string, context: object, fn: 'request' | 'response' = 'request'): unknown {
  const out = evaluateCode({ runtime: RUNTIME, code: HARNESS + code, context: JSON.stringify(context), function: fn });
  expect(out.error).toBeUndefined();
  return JSON.parse(out.evaluationResult!);
}

const expression = (s: string): string => `export function request(ctx) {\n  return ${s};\n}\nexport function response(ctx) {}\n`;

describe('util.authType() of a mock identity (authType.test.js.snap)', () => {
  const RESOLVER = expression('{ authType: util.authType() }');
  const issuer = 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_abc123';
  const iam = {
    accountId: '123456789012',
    cognitoIdentityPoolId: null,
    cognitoIdentityId: null,
    sourceIp: ['1.2.3.4'],
    username: 'AKIAIOSFODNN7EXAMPLE',
    userArn: 'arn:aws:iam::123456789012:user/alice',
    cognitoIdentityAuthType: null,
    cognitoIdentityAuthProvider: null,
  };
  const iamFromPool = {
    ...iam,
    cognitoIdentityPoolId: 'us-east-1:00000000-0000-0000-0000-000000000000',
    cognitoIdentityId: 'us-east-1:11111111-1111-1111-1111-111111111111',
    username: 'AROAEXAMPLE:CognitoIdentityCredentials',
    userArn: 'arn:aws:sts::123456789012:assumed-role/authRole/CognitoIdentityCredentials',
    cognitoIdentityAuthType: 'authenticated',
    cognitoIdentityAuthProvider: 'cognito-idp.us-east-1.amazonaws.com/us-east-1_abc123',
  };
  const userPool = {
    sourceIp: ['1.2.3.4'],
    username: 'alice',
    groups: ['admins'],
    sub: 'sub-1',
    issuer,
    claims: { sub: 'sub-1', iss: issuer, 'cognito:username': 'alice', token_use: 'id' },
    defaultAuthStrategy: 'ALLOW',
  };
  const oidc = { sub: 'sub-1', issuer: 'https://accounts.example.com', claims: { sub: 'sub-1', iss: 'https://accounts.example.com' } };
  const without = (identity: Record<string, unknown>, key: string) => Object.fromEntries(Object.entries(identity).filter(([k]) => k !== key));

  it.each([
    ['a request carrying no identity', undefined, 'API Key Authorization'],
    ['a null identity', null, 'API Key Authorization'],
    ['an identity carrying a resolver context', { resolverContext: { userId: 'alice', role: 'admin' } }, 'Lambda Authorization'],
    ['an identity with no keys', {}, 'Lambda Authorization'],
    ['an IAM identity (it also carries a username)', iam, 'IAM Authorization'],
    ['an IAM identity from a Cognito identity pool', iamFromPool, 'IAM Authorization'],
    ['a user pool identity', userPool, 'User Pool Authorization'],
    ['a user pool identity without groups', without(userPool, 'groups'), 'User Pool Authorization'],
    ['a subject, an issuer and claims', oidc, 'Open ID Connect Authorization'],
    ['an IAM identity missing its user ARN', without(iam, 'userArn'), 'API Key Authorization'],
    ['an IAM identity whose source IP is null', { ...iam, sourceIp: null }, 'API Key Authorization'],
    ['a user pool identity missing its default auth strategy', without(userPool, 'defaultAuthStrategy'), 'API Key Authorization'],
    ['a user pool identity missing its source IP', without(userPool, 'sourceIp'), 'API Key Authorization'],
    ['an identity holding only claims', { claims: oidc.claims }, 'API Key Authorization'],
    ['a subject, an issuer and claims beside a username', { ...oidc, username: 'alice' }, 'API Key Authorization'],
  ])('answers %s as AWS did', (_name, identity, authType) => {
    expect(recorded(RESOLVER, identity === undefined ? {} : { identity })).toEqual({ authType });
  });
});

describe('util.transform.toSubscriptionFilter (transform-subscription.test.js.snap)', () => {
  const f = (fieldName: string, operator: string, value: unknown) => ({ fieldName, operator, value });
  const groups = (...filterGroups: unknown[][]) => ({ filterGroup: filterGroups.map((filters) => ({ filters })) });

  it.each([
    ['one operator on one field', '{ a: { eq: 1 } }', groups([f('a', 'eq', 1)])],
    ['two fields', '{ a: { eq: 1 }, b: { eq: 2 } }', groups([f('a', 'eq', 1), f('b', 'eq', 2)])],
    ['an and', '{ and: [{ a: { eq: 1 } }, { b: { eq: 2 } }] }', groups([f('a', 'eq', 1), f('b', 'eq', 2)])],
    ['a field beside an and', '{ z: { eq: 0 }, and: [{ a: { eq: 1 } }] }', groups([f('z', 'eq', 0), f('a', 'eq', 1)])],
    ['a field path', '{ "loc.addr.country": { eq: "USA" } }', groups([f('loc.addr.country', 'eq', 'USA')])],
    ['two operators on one field', '{ a: { eq: 1, ne: 2 } }', groups([f('a', 'eq', 1)], [f('a', 'ne', 2)])],
    ['an or', '{ or: [{ a: { eq: 1 } }, { b: { eq: 2 } }] }', groups([f('a', 'eq', 1)], [f('b', 'eq', 2)])],
    ['an or nested in an and', '{ and: [{ a: { eq: 1 } }, { or: [{ b: { eq: 2 } }, { c: { eq: 3 } }] }] }', groups([f('a', 'eq', 1), f('b', 'eq', 2)], [f('a', 'eq', 1), f('c', 'eq', 3)])],
    ['the comparisons', '{ a: { le: 1 }, b: { lt: 2 }, c: { ge: 3 }, d: { gt: 4 } }', groups([f('a', 'le', 1), f('b', 'lt', 2), f('c', 'ge', 3), f('d', 'gt', 4)])],
    ['membership', '{ a: { in: [1, 2] }, b: { notIn: ["x"] } }', groups([f('a', 'in', [1, 2]), f('b', 'notIn', ['x'])])],
    ['between', '{ a: { between: [1, 9] } }', groups([f('a', 'between', [1, 9])])],
    ['the string operators', '{ a: { contains: "x" }, b: { notContains: "y" }, c: { beginsWith: "z" } }', groups([f('a', 'contains', 'x'), f('b', 'notContains', 'y'), f('c', 'beginsWith', 'z')])],
    ['containsAny', '{ a: { containsAny: ["x", "y"] } }', groups([f('a', 'containsAny', ['x', 'y'])])],
    ['a boolean value', '{ a: { eq: false } }', groups([f('a', 'eq', false)])],
    ['an unknown operator, passed through', '{ a: { bogus: 1 } }', groups([f('a', 'bogus', 1)])],
    ['not, read as a field name', '{ not: { a: { eq: 1 } } }', groups([f('not', 'a', { eq: 1 })])],
    ['an ignored field', '{ a: { eq: 1 }, b: { eq: 2 } }, ["a"]', groups([f('b', 'eq', 2)])],
    ['an ignored field nested in an and', '{ a: { eq: 1 }, and: [{ b: { eq: 2 } }] }, ["b"]', groups([f('a', 'eq', 1)])],
    ['rules, added as alternatives', '{ a: { eq: 1 } }, [], { r1: { gte: 250 }, r2: { eq: "p" } }', groups([f('a', 'eq', 1), f('r1', 'gte', 250)], [f('a', 'eq', 1), f('r2', 'eq', 'p')])],
    ['rules on their own', '{}, [], { r1: { eq: 1 } }', groups([f('r1', 'eq', 1)])],
    ['an empty filter', '{}', { filterGroup: [] }],
    ['a field with no operator', '{ a: {} }', { filterGroup: [] }],
    ['an empty and', '{ and: [] }', { filterGroup: [] }],
    ['null', 'null', null],
    ['no filter at all', '', null],
    ['an array', '[]', null],
    ['a JSON string', `'{"a":{"eq":1}}'`, null],
  ])('answers %s as AWS did', (_name, args, expected) => {
    expect(recorded(expression(`util.transform.toSubscriptionFilter(${args})`), {})).toEqual(expected);
  });
});

describe('rds module requests (resolvers.test.js.snap)', () => {
  const pg = (body: string) => expression(`rds.createPgStatement(${body})`);
  const my = (body: string) => expression(`rds.createMySQLStatement(${body})`);
  const select = "rds.select({ table: 'UserGroup', where: { or: [{ name: { eq: 'Stephane' } }, { id: { gt: 10 } }] }, limit: 10, offset: 1, columns: ['id', 'name'], orderBy: [{ column: 'name' }, { column: 'id', dir: 'DESC' }] })";
  const hinted = "rds.select({ table: 'UserGroup', where: { and: [{ id: { eq: rds.typeHint.UUID(ctx.args.id) } }, { started: { lt: rds.typeHint.TIMESTAMP(ctx.args.started) } }] } })";
  const remove = "rds.remove({ table: 'persons', where: { id: { eq: ctx.args.id } }, returning: ['id', 'name'] })";
  const id = 'adb626eb-4ce5-452a-a917-3943a37f202b';
  const template = `rds.sql\`insert into Post(id, text) values(\${rds.typeHint.UUID(ctx.args.id)}, \${ctx.args.text})\`, rds.sql\`select * from Post where id = \${ctx.args.id}\``;
  const raw = `'UPDATE "document" set "data" = 10 WHERE id = ${id}'`;
  const update = "rds.update({ table: 'persons', values: { name: 'name', birthday: 'today', country: 'home' }, where: { id: { eq: 'abc123' } } })";
  const q = (dialect: 'pg' | 'my', s: string) => (dialect === 'pg' ? s : s.replaceAll('"', '`'));
  const selectVars = { ':P0': 'Stephane', ':P1': 10, ':P2': 10, ':P3': 1 };

  it.each(['pg', 'my'] as const)('builds the recorded select, remove, insert and update (%s)', (dialect) => {
    const make = dialect === 'pg' ? pg : my;
    const request = (statements: string[], variableMap: object = {}, variableTypeHintMap: object = {}) => ({ statements, variableMap, variableTypeHintMap });
    expect(recorded(make(select), {})).toEqual(
      request([q(dialect, 'SELECT "id", "name" FROM "UserGroup" WHERE ("name" = :P0) OR ("id" > :P1) ORDER BY "name" ASC, "id" DESC LIMIT :P2 OFFSET :P3')], selectVars),
    );
    expect(recorded(make(hinted), { arguments: { id: '1232', name: 'hello', started: '2022-03-02T00:00:00.000Z' } })).toEqual(
      request([q(dialect, 'SELECT * FROM "UserGroup" WHERE ("id" = :P0) AND ("started" < :P1)')], { ':P0': '1232', ':P1': '2022-03-02T00:00:00.000Z' }, { ':P0': 'UUID', ':P1': 'TIMESTAMP' }),
    );
    expect(recorded(make(update), {})).toEqual(
      request([q(dialect, 'UPDATE "persons" SET "name" = :P0, "birthday" = :P1, "country" = :P2 WHERE "id" = :P3')], { ':P0': 'name', ':P1': 'today', ':P2': 'home', ':P3': 'abc123' }),
    );
    expect(recorded(make(template), { arguments: { id, text: 'hello world' } })).toEqual(
      request(['insert into Post(id, text) values(:P0, :P1)', 'select * from Post where id = :P2'], { ':P0': id, ':P1': 'hello world', ':P2': id }, { ':P0': 'UUID' }),
    );
    // A raw string statement passes through untouched, whatever the dialect.
    expect(recorded(make(raw), {})).toEqual(request([`UPDATE "document" set "data" = 10 WHERE id = ${id}`]));
  });

  it('builds the recorded Postgres insert and delete with RETURNING, and the MySQL ones without', () => {
    expect(recorded(pg("rds.insert({ table: 'persons', values: { name: 'test' }, returning: '*' })"), {})).toEqual({
      statements: ['INSERT INTO "persons" ("name") VALUES (:P0) RETURNING *'],
      variableMap: { ':P0': 'test' },
      variableTypeHintMap: {},
    });
    expect(recorded(pg(remove), { arguments: { id: '1232' } })).toEqual({
      statements: ['DELETE FROM "persons" WHERE "id" = :P0 RETURNING "id", "name"'],
      variableMap: { ':P0': '1232' },
      variableTypeHintMap: {},
    });
    expect(recorded(my("rds.insert({ table: 'persons', values: { name: 'test' } })"), {})).toEqual({
      statements: ['INSERT INTO `persons` (`name`) VALUES (:P0)'],
      variableMap: { ':P0': 'test' },
      variableTypeHintMap: {},
    });
    expect(recorded(my("rds.remove({ table: 'persons', where: { id: { eq: ctx.args.id } } })"), { arguments: { id: '1232' } })).toEqual({
      statements: ['DELETE FROM `persons` WHERE `id` = :P0'],
      variableMap: { ':P0': '1232' },
      variableTypeHintMap: {},
    });
  });

  it('answers type hints as {type, value}', () => {
    expect(recorded(expression('rds.typeHint.UUID(ctx.args.id)'), { arguments: { id: 'abc123' } })).toEqual({ type: 'UUID', value: 'abc123' });
    // The recording passed `new Date(2023, 1, 1)` in a UTC process; the context is JSON, so the value is its ISO text.
    expect(recorded(expression('rds.typeHint.TIMESTAMP(ctx.args.id)'), { arguments: { id: '2023-02-01T00:00:00.000Z' } })).toEqual({
      type: 'TIMESTAMP',
      value: '2023-02-01T00:00:00.000Z',
    });
  });

  it('answers toJsonObject of an update followed by a select as [[{}], rows]', () => {
    const books = {
      numberOfRecordsUpdated: 0,
      records: [
        [{ stringValue: 'Mark Twain' }, { stringValue: 'Adventures of Huckleberry Finn' }, { stringValue: '978-1948132817' }],
        [{ stringValue: 'Jack London' }, { stringValue: 'The Call of the Wild' }, { stringValue: '978-1948132275' }],
      ],
      columnMetadata: ['author', 'title', 'ISBN-13'].map((name) => ({ label: name, name, typeName: 'VARCHAR' })),
    };
    const result = JSON.stringify({ sqlStatementResults: [{ numberOfRecordsUpdated: 1, generatedFields: [] }, books] });
    const code = 'export function request(ctx) {}\nexport function response(ctx) {\n  return rds.toJsonObject(ctx.result);\n}\n';
    expect(recorded(code, { result }, 'response')).toEqual([
      [{}],
      [
        { author: 'Mark Twain', title: 'Adventures of Huckleberry Finn', 'ISBN-13': '978-1948132817' },
        { author: 'Jack London', title: 'The Call of the Wild', 'ISBN-13': '978-1948132275' },
      ],
    ]);
  });

  it('answers a DynamoDB Query resolver unchanged by the unused rds import', () => {
    const code = `export function request(ctx) {
  return {
    operation: "Query",
    index: "nameIndex",
    select : "ALL_ATTRIBUTES",
    query: { "expression" : "#name = :name", "expressionNames": { "#name": "name" }, "expressionValues" : { ":name" : util.dynamodb.toDynamoDB(ctx.arguments.filter.line) } },
    filter: { "expression" : "#shift = :shift", "expressionNames": { "#shift": "shift" }, "expressionValues" : { ":shift" : util.dynamodb.toDynamoDB(ctx.arguments.filter.shift) } },
  };
}
export function response(ctx) {
  return ctx.result.items;
}
`;
    expect(recorded(code, { arguments: { filter: { line: 'test', shift: 10 } } })).toEqual({
      operation: 'Query',
      index: 'nameIndex',
      select: 'ALL_ATTRIBUTES',
      query: { expression: '#name = :name', expressionNames: { '#name': 'name' }, expressionValues: { ':name': { S: 'test' } } },
      filter: { expression: '#shift = :shift', expressionNames: { '#shift': 'shift' }, expressionValues: { ':shift': { N: 10 } } },
    });
    expect(recorded(code, { result: { items: [{ a: 10 }] } }, 'response')).toEqual([{ a: 10 }]);
  });
});
