/**
 * `evaluateCode` / `foreman evaluate` against cases from AWS's documentation: for each, the code and
 * context come from (or are written to fit) the cited page, and the expected output is the one the
 * page shows — never our own output copied back.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { bundleForEvaluate, evaluateCode, EvaluateInputError, type EvaluateCodeOutput } from '../../../infra/local/evaluate';

const RUNTIME = { name: 'APPSYNC_JS', runtimeVersion: '1.0.0' };
const fixtures = path.resolve(__dirname, '../../fixtures/evaluate');
const repoRoot = path.resolve(__dirname, '../../..');

/** Evaluates `return <expression>;` in a request handler, as the docs' one-line examples read. */
function evaluateExpression(expression: string, context: object = {}, options?: { now?: () => number }): EvaluateCodeOutput {
  const code = `import { util, runtime } from '@aws-appsync/utils';
export function request(ctx) {
  return ${expression};
}
export function response(ctx) {
  return ctx.result;
}
`;
  return evaluateCode({ runtime: RUNTIME, code, context: JSON.stringify(context), function: 'request' }, options);
}

function resultOf(expression: string, options?: { now?: () => number }): unknown {
  const out = evaluateExpression(expression, {}, options);
  expect(out.error).toBeUndefined();
  return JSON.parse(out.evaluationResult!);
}

describe('evaluateCode reproduces AWS documentation examples', () => {
  it('returns the PutItem request and the console lines shown for `aws appsync evaluate-code`', () => {
    // https://docs.aws.amazon.com/appsync/latest/devguide/test-resolvers.html (response example;
    // the page shows the output, the fixture's code is written so its log calls sit on lines 5 and 9)
    const out = evaluateCode({
      runtime: RUNTIME,
      code: readFileSync(path.join(fixtures, 'putItem.js'), 'utf8'),
      context: readFileSync(path.join(fixtures, 'putItem.context.json'), 'utf8'),
      function: 'request',
    });
    expect(out.evaluationResult).toBe(
      '{"operation":"PutItem","key":{"id":{"S":"record-id"}},"attributeValues":{"owner":{"S":"John doe"},"expectedVersion":{"N":2},"authorId":{"S":"Sammy Davis"}}}',
    );
    expect(out.logs).toEqual(['INFO - code.js:5:3: "current id" "record-id"', 'INFO - code.js:9:3: "request evaluated"']);
  });

  it('stops the request handler at runtime.earlyReturn and returns its object', () => {
    // https://docs.aws.amazon.com/appsync/latest/devguide/runtime-utils-js.html (example)
    const code = `import { runtime } from '@aws-appsync/utils'

export function request(ctx) {
  runtime.earlyReturn({ hello: 'world' })
  // code below is not executed
  return ctx.args
}

// never called because request returned early
export function response(ctx) {
  return ctx.result
}`;
    const out = evaluateCode({ runtime: RUNTIME, code, context: '{"arguments":{"a":1}}', function: 'request' });
    expect(JSON.parse(out.evaluationResult!)).toEqual({ hello: 'world' });
  });

  // https://docs.aws.amazon.com/appsync/latest/devguide/dynamodb-helpers-in-util-dynamodb-js.html
  it.each([
    ['util.dynamodb.toDynamoDB("foo")', { S: 'foo' }],
    ['util.dynamodb.toDynamoDB(12345)', { N: 12345 }],
    ['util.dynamodb.toDynamoDB(true)', { BOOL: true }],
    ['util.dynamodb.toDynamoDB([ "foo", 123, { "bar" : "baz" } ])', { L: [{ S: 'foo' }, { N: 123 }, { M: { bar: { S: 'baz' } } }] }],
    [
      'util.dynamodb.toDynamoDB({ "foo": "bar", "baz" : 1234, "beep": [ "boop"] })',
      { M: { foo: { S: 'bar' }, baz: { N: 1234 }, beep: { L: [{ S: 'boop' }] } } },
    ],
    ['util.dynamodb.toString("foo")', { S: 'foo' }],
    ['util.dynamodb.toStringSet([ "foo", "bar", "baz" ])', { SS: ['foo', 'bar', 'baz'] }],
    ['util.dynamodb.toNumber(12345)', { N: 12345 }],
    ['util.dynamodb.toNumberSet([ 1, 23, 4.56 ])', { NS: [1, 23, 4.56] }],
    ['util.dynamodb.toBinary("foo")', { B: 'foo' }],
    ['util.dynamodb.toBinarySet([ "foo", "bar", "baz" ])', { BS: ['foo', 'bar', 'baz'] }],
    ['util.dynamodb.toBoolean(true)', { BOOL: true }],
    ['util.dynamodb.toNull()', { NULL: null }],
    ['util.dynamodb.toList([ "foo", 123, { "bar" : "baz" } ])', { L: [{ S: 'foo' }, { N: 123 }, { M: { bar: { S: 'baz' } } }] }],
    ['util.dynamodb.toMap({ "foo": "bar", "baz" : 1234, "beep": [ "boop"] })', { M: { foo: { S: 'bar' }, baz: { N: 1234 }, beep: { L: [{ S: 'boop' }] } } }],
    ['util.dynamodb.toMapValues({ "foo": "bar", "baz" : 1234, "beep": [ "boop"] })', { foo: { S: 'bar' }, baz: { N: 1234 }, beep: { L: [{ S: 'boop' }] } }],
  ])('converts %s as the util.dynamodb page shows', (expression, expected) => {
    expect(resultOf(expression)).toEqual(expected);
  });

  it('converts epoch milliseconds as the time helpers page shows', () => {
    // https://docs.aws.amazon.com/appsync/latest/devguide/time-helpers-in-util-time.html ("Conversion
    // examples"; the same util.time functions are listed for JS on time-helpers-in-util-time-js.html)
    const result = resultOf(`[
      util.time.epochMilliSecondsToSeconds(1517943695758),
      util.time.epochMilliSecondsToISO8601(1517943695758),
      util.time.epochMilliSecondsToFormatted(1517943695758, "yyyy-MM-dd HH:mm:ssZ"),
      util.time.epochMilliSecondsToFormatted(1517943695758, "yyyy-MM-dd HH:mm:ssZ", "+08:00"),
    ]`);
    expect(result).toEqual([1517943695, '2018-02-06T19:01:35.758Z', '2018-02-06 19:01:35+0000', '2018-02-07 03:01:35+0800']);
  });

  it('parses timestamps as the time helpers page shows', () => {
    // https://docs.aws.amazon.com/appsync/latest/devguide/time-helpers-in-util-time.html ("Parsing examples")
    const result = resultOf(`[
      util.time.parseISO8601ToEpochMilliSeconds("2018-02-01T17:21:05.180+08:00"),
      util.time.parseFormattedToEpochMilliSeconds("2018-02-02 01:19:22+0800", "yyyy-MM-dd HH:mm:ssZ"),
      util.time.parseFormattedToEpochMilliSeconds("2018-02-02 01:19:22", "yyyy-MM-dd HH:mm:ss", "+08:00"),
    ]`);
    expect(result).toEqual([1517476865180, 1517505562000, 1517505562000]);
  });

  it('formats the current time as the time helpers page shows, in UTC, an offset and an IANA zone', () => {
    // https://docs.aws.amazon.com/appsync/latest/devguide/time-helpers-in-util-time.html ("Standalone
    // function examples"): the page's clock read 2018-02-06T19:01:35.749Z.
    const now = () => Date.parse('2018-02-06T19:01:35.749Z');
    const result = resultOf(
      `[
      util.time.nowISO8601(),
      util.time.nowEpochSeconds(),
      util.time.nowFormatted("yyyy-MM-dd HH:mm:ssZ"),
      util.time.nowFormatted("yyyy-MM-dd HH:mm:ssZ", "+08:00"),
      util.time.nowFormatted("yyyy-MM-dd HH:mm:ssZ", "Australia/Perth"),
    ]`,
      { now },
    );
    expect(result).toEqual(['2018-02-06T19:01:35.749Z', 1517943695, '2018-02-06 19:01:35+0000', '2018-02-07 03:01:35+0800', '2018-02-07 03:01:35+0800']);
  });

  it('formats AWSDate/AWSDateTime-compatible strings with optional offset sections and second offsets', () => {
    // https://docs.aws.amazon.com/appsync/latest/devguide/time-helpers-in-util-time.html ("Usage with
    // AWS AppSync defined scalars"): local time 2018-07-11 15:14:15 at offset -07:00:30.
    const now = () => Date.parse('2018-07-11T22:14:45Z');
    const result = resultOf(`[util.time.nowFormatted("yyyy-MM-dd[XXX]", "-07:00:30"), util.time.nowFormatted("yyyy-MM-dd'T'HH:mm:ss[XXXXX]", "-07:00:30")]`, { now });
    expect(result).toEqual(['2018-07-11-07:00', '2018-07-11T15:14:15-07:00:30']);
  });

  it('builds the OpenSearch query DSL of the documented example', () => {
    // https://docs.aws.amazon.com/appsync/latest/devguide/transformation-helpers-in-utils-transform-js.html
    const result = resultOf(`JSON.parse(util.transform.toElasticsearchQueryDSL({
      "upvotes":{ "ne":15, "range":[ 10, 20 ] },
      "title":{ "eq":"hihihi", "wildcard":"h*i" }
    }))`);
    expect(result).toEqual({
      bool: {
        must: [
          { bool: { must: [{ bool: { must_not: { term: { upvotes: 15 } } } }, { range: { upvotes: { gte: 10, lte: 20 } } }] } },
          { bool: { must: [{ term: { title: 'hihihi' } }, { wildcard: { title: 'h*i' } }] } },
        ],
      },
    });
  });

  const subscriptionInput = `{
    "percentageUp": { "lte": 50, "gte": 20 },
    "and": [ { "title": { "ne": "Book1" } }, { "downvotes": { "gt": 2000 } } ],
    "or": [ { "author": { "eq": "Admin" } }, { "isPublished": { "eq": false } } ]
  }`;

  it('multiplies a subscription filter into the four documented filter groups', () => {
    // https://docs.aws.amazon.com/appsync/latest/devguide/transformation-helpers-in-utils-transform-js.html
    // (argument 1 example: two operators on one field are OR-ed, so are the `or` members)
    const f = (fieldName: string, operator: string, value: unknown) => ({ fieldName, operator, value });
    const common = [f('title', 'ne', 'Book1'), f('downvotes', 'gt', 2000)];
    expect(resultOf(`util.transform.toSubscriptionFilter(${subscriptionInput})`)).toEqual({
      filterGroup: [
        { filters: [f('percentageUp', 'lte', 50), ...common, f('author', 'eq', 'Admin')] },
        { filters: [f('percentageUp', 'lte', 50), ...common, f('isPublished', 'eq', false)] },
        { filters: [f('percentageUp', 'gte', 20), ...common, f('author', 'eq', 'Admin')] },
        { filters: [f('percentageUp', 'gte', 20), ...common, f('isPublished', 'eq', false)] },
      ],
    });
  });

  it('leaves ignored fields out of the subscription filter as documented', () => {
    // https://docs.aws.amazon.com/appsync/latest/devguide/transformation-helpers-in-utils-transform-js.html
    // (argument 2 example; its input uses downvotes gt 20)
    const input = subscriptionInput.replace('2000', '20');
    expect(resultOf(`util.transform.toSubscriptionFilter(${input}, ["percentageUp", "author"])`)).toEqual({
      filterGroup: [
        {
          filters: [
            { fieldName: 'title', operator: 'ne', value: 'Book1' },
            { fieldName: 'downvotes', operator: 'gt', value: 20 },
            { fieldName: 'isPublished', operator: 'eq', value: false },
          ],
        },
      ],
    });
  });

  it('adds one filter group per strict rule as documented', () => {
    // https://docs.aws.amazon.com/appsync/latest/devguide/transformation-helpers-in-utils-transform-js.html
    // (argument 3 example). The page's input says `downvotes: { lt: 20 }` but its output shows
    // `gt`; we feed `gt` so the documented output is the expected one.
    const input = subscriptionInput.replace('2000', '20');
    const common = [
      { fieldName: 'title', operator: 'ne', value: 'Book1' },
      { fieldName: 'downvotes', operator: 'gt', value: 20 },
      { fieldName: 'isPublished', operator: 'eq', value: false },
    ];
    expect(
      resultOf(`util.transform.toSubscriptionFilter(${input}, ["percentageUp", "author"], { "upvotes": { "gte": 250 }, "author": { "eq": "Person1" } })`),
    ).toEqual({
      filterGroup: [
        { filters: [...common, { fieldName: 'upvotes', operator: 'gte', value: 250 }] },
        { filters: [...common, { fieldName: 'author', operator: 'eq', value: 'Person1' }] },
      ],
    });
  });

  it('renders the documented contains filter with its names and values', () => {
    // https://docs.aws.amazon.com/appsync/latest/devguide/transformation-helpers-in-utils-transform.html
    // documents names and values; its expression text "contains(#title, :title_contains)" is
    // approximate — EvaluateCode answers it parenthesised and without the space (the
    // localstack/appsync-utils recordings), which is what we compare the expression to.
    const result = JSON.parse(resultOf(`util.transform.toDynamoDBFilterExpression({ "title":{ "contains":"Hello World" } })`) as string);
    expect(result.expressionNames).toEqual({ '#title': 'title' });
    expect(result.expressionValues).toEqual({ ':title_contains': { S: 'Hello World' } });
    expect(result.expression).toBe('(contains(#title,:title_contains))');
  });

  it('matches a whole string against a Java pattern', () => {
    // @aws-appsync/utils typings of util.matches: `Util.matches("a*b", "aaaaab")` is a match;
    // Java's Pattern.matches needs the whole input to match, so "aaaaabc" is not.
    expect(resultOf(`[util.matches("a*b", "aaaaab"), util.matches("a*b", "aaaaabc")]`)).toEqual([true, false]);
  });

  it('reads the current time in epoch milliseconds as the time helpers page shows', () => {
    // https://docs.aws.amazon.com/appsync/latest/devguide/time-helpers-in-util-time-js.html: the
    // nowEpochMilliSeconds example read 1517943695750.
    expect(resultOf('util.time.nowEpochMilliSeconds()', { now: () => 1517943695750 })).toBe(1517943695750);
  });

  it('converts the two documented XML documents with util.xml.toMap', () => {
    // https://docs.aws.amazon.com/appsync/latest/devguide/xml-helpers-in-util-xml-js.html (Example 1, Example 2)
    const one = '<?xml version="1.0" encoding="UTF-8"?>\n<posts>\n<post>\n    <id>1</id>\n    <title>Getting started with GraphQL</title>\n</post>\n</posts>';
    const two =
      '<?xml version="1.0" encoding="UTF-8"?>\n<posts>\n<post>\n  <id>1</id>\n  <title>Getting started with GraphQL</title>\n</post>\n<post>\n  <id>2</id>\n  <title>Getting started with AppSync</title>\n</post>\n</posts>';
    expect(resultOf(`util.xml.toMap(${JSON.stringify(one)})`)).toEqual({ posts: { post: { id: 1, title: 'Getting started with GraphQL' } } });
    expect(resultOf(`util.xml.toMap(${JSON.stringify(two)})`)).toEqual({
      posts: {
        post: [
          { id: 1, title: 'Getting started with GraphQL' },
          { id: 2, title: 'Getting started with AppSync' },
        ],
      },
    });
  });

  it('answers util.xml.toJsonString as toMap in a JSON string, string-encoded again on request', () => {
    // Same page: "similar to toMap, except that the output is a string … optional boolean parameter to
    // determine if you want to string-encode the JSON."
    const xml = '<posts><post><id>1</id></post></posts>';
    expect(resultOf(`util.xml.toJsonString(${JSON.stringify(xml)})`)).toBe('{"posts":{"post":{"id":1}}}');
    expect(resultOf(`util.xml.toJsonString(${JSON.stringify(xml)}, true)`)).toBe('"{\\"posts\\":{\\"post\\":{\\"id\\":1}}}"');
  });

  it('fails on XML that does not parse, naming the call', () => {
    const out = evaluateExpression(`util.xml.toMap("<posts><post></posts>")`);
    expect(out.evaluationResult).toBeUndefined();
    expect(out.error?.message).toMatch(/^code\.js:3:\d+: util\.xml\.toMap: the XML does not parse/);
  });

  it('runs both documented addResponseHeader(s) examples without an error', () => {
    // https://docs.aws.amazon.com/appsync/latest/devguide/http-helpers-in-utils-http-js.html
    const code = `import { util } from '@aws-appsync/utils';
export function request(ctx) {
  util.http.addResponseHeader('itemsCount', 7)
  util.http.addResponseHeader('render', ctx.args.render)
  const headers = {
    headerInt: 12,
    headerString: 'stringValue',
    headerObject: {
      field1: 7,
      field2: 'string'
    }
  }
  util.http.addResponseHeaders(headers)
  return {}
}
export function response(ctx) {
  return ctx.result;
}
`;
    const out = evaluateCode({ runtime: RUNTIME, code, context: '{"arguments":{"render":"full"}}', function: 'request' });
    expect(out.evaluationResult).toBe('{}');
    expect(JSON.parse(out.outErrors!)).toEqual([]);
  });

  it('records a ResponseHeaderError for a restricted response header and still returns the result', () => {
    // Same page: a restricted name (here the x-amz- prefix, and Content-Type) is ignored and yields a
    // ResponseHeaderError in the errors; the handler carries on.
    const out = evaluateExpression(`(util.http.addResponseHeader('x-amz-meta', 'a'), util.http.addResponseHeader('Content-Type', 'b'), { ok: true })`);
    expect(JSON.parse(out.evaluationResult!)).toEqual({ ok: true });
    expect(JSON.parse(out.outErrors!).map((e: { type: string }) => e.type)).toEqual(['ResponseHeaderError', 'ResponseHeaderError']);
  });

  it('answers util.unauthorized() with the message Unauthorized', () => {
    // built-in-util-js.html: "Throws Unauthorized for the field being resolved."
    const out = evaluateExpression('util.unauthorized()', { info: { fieldName: 'getPost', parentTypeName: 'Query' } });
    expect(out.error).toEqual({ message: 'Unauthorized' });
    expect(JSON.parse(out.outErrors!)).toEqual([{ message: 'Unauthorized', type: 'Unauthorized' }]);
  });
});

describe('an unused import of @aws-appsync/utils/rds changes nothing', () => {
  // Issue 11: EvaluateCode recordings all carry `import * as rds from '@aws-appsync/utils/rds'`, used or
  // not; the same code with and without that line must answer the same, errors and logs included.
  const withImport = (code: string) => code.replace("import { util, runtime } from '@aws-appsync/utils';", "import { util, runtime } from '@aws-appsync/utils';\nimport * as rds from '@aws-appsync/utils/rds';");
  it.each([
    'util.dynamodb.toMapValues({ "foo": "bar", "baz" : 1234, "beep": [ "boop"] })',
    'util.transform.toDynamoDBFilterExpression({ "title":{ "contains":"Hello World" } })',
    'util.time.epochMilliSecondsToFormatted(1517943695758, "yyyy-MM-dd HH:mm:ssZ", "+08:00")',
    'util.error("Invalid id", "BadRequest")',
    'ctx.args.missing.field',
    '(console.log("hi", ctx.args), util.appendError("soft"), ctx.args)',
  ])('answers %s the same with an unused rds import', (expression) => {
    const plain = `import { util, runtime } from '@aws-appsync/utils';
export function request(ctx) {
  return ${expression};
}
export function response(ctx) {
  return ctx.result;
}
`;
    const context = JSON.stringify({ arguments: { id: '1' } });
    const without = evaluateCode({ runtime: RUNTIME, code: plain, context, function: 'request' });
    const withRds = evaluateCode({ runtime: RUNTIME, code: withImport(plain), context, function: 'request' });
    // The import line shifts the code down one line; positions aside, the answers are equal.
    const unshift = (out: EvaluateCodeOutput) => JSON.parse(JSON.stringify(out).replace(/code\.js:(\d+):/g, (_m, line: string) => `code.js:${Number(line) - 1}:`));
    expect(withRds.error?.codeErrors).toBeUndefined();
    expect(unshift(withRds)).toEqual(without);
  });
});

describe('evaluateCode answers errors in the API shape', () => {
  it('answers util.error as error.message with the error in outErrors', () => {
    // API_EvaluateCode.html: error (EvaluateCodeErrorDetail), outErrors (a JSON string)
    const out = evaluateExpression(`util.error("Invalid id", "BadRequest")`);
    expect(out.evaluationResult).toBeUndefined();
    expect(out.error).toEqual({ message: 'Invalid id' });
    expect(JSON.parse(out.outErrors!)).toEqual([{ message: 'Invalid id', type: 'BadRequest' }]);
  });

  it('refuses code APPSYNC_JS does not support, naming the line', () => {
    const code = 'export function request(ctx) {\n  try {\n    return {};\n  } catch (e) {\n    return null;\n  }\n}\n';
    const out = evaluateCode({ runtime: RUNTIME, code, context: '{}', function: 'request' });
    expect(out.error?.message).toBe('The code contains one or more errors.');
    expect(out.error?.codeErrors?.[0]?.location.line).toBe(2);
  });

  it('prefixes an uncaught runtime error with its position in code.js', () => {
    const code = 'export function request(ctx) {\n  return ctx.args.missing.field;\n}\n';
    const out = evaluateCode({ runtime: RUNTIME, code, context: '{"arguments":{}}', function: 'request' });
    expect(out.error?.message).toMatch(/^code\.js:2:\d+: TypeError: /);
  });

  it('rejects code longer than the API accepts (32768 characters)', () => {
    expect(() => evaluateCode({ runtime: RUNTIME, code: `// ${'x'.repeat(32768)}`, context: '{}' })).toThrow(EvaluateInputError);
  });

  it('rejects a runtime other than APPSYNC_JS 1.0.0 as bad input', () => {
    expect(() => evaluateCode({ runtime: { name: 'APPSYNC_JS', runtimeVersion: '2.0.0' }, code: 'x', context: '{}' })).toThrow(EvaluateInputError);
  });
});

describe('foreman evaluate', () => {
  const run = promisify(execFile);
  const cli = (...args: string[]) => run(process.execPath, [path.join(repoRoot, 'bin/foreman.js'), 'evaluate', ...args], { cwd: repoRoot });

  it('bundles a TypeScript resolver and prints the evaluation like the AWS CLI, exiting 0', async () => {
    const { stdout } = await cli(
      '--runtime',
      'name=APPSYNC_JS,runtimeVersion=1.0.0',
      '--code',
      `file://${path.join(fixtures, 'getCustomer.ts')}`,
      '--context',
      '{"arguments":{"id":"42"}}',
      '--function',
      'request',
    );
    const out = JSON.parse(stdout) as EvaluateCodeOutput;
    expect(JSON.parse(out.evaluationResult!)).toEqual({ operation: 'GetItem', key: { pk: { S: 'CUSTOMER#42' } } });
    // The log names the console.log statement's position in the bundle AppSync would receive.
    const lines = (await bundleForEvaluate(path.join(fixtures, 'getCustomer.ts'))).split('\n');
    const line = lines.findIndex((l) => l.includes('console.log')) + 1;
    const column = lines[line - 1]!.indexOf('console.log') + 1;
    expect(out.logs).toEqual([`INFO - code.js:${line}:${column}: "looking up" "42"`]);
  });

  it('exits 1 when the evaluation answers an error', async () => {
    const failure = await cli(
      '--runtime',
      'name=APPSYNC_JS,runtimeVersion=1.0.0',
      '--code',
      `file://${path.join(fixtures, 'getCustomer.ts')}`,
      '--context',
      '{"error":{"message":"boom","type":"DynamoDB:Error"},"result":null}',
      '--function',
      'response',
    ).catch((error: { code: number; stdout: string }) => error);
    expect((failure as { code: number }).code).toBe(1);
    expect(JSON.parse((failure as { stdout: string }).stdout).error).toEqual({ message: 'boom' });
  });

  it('prints the request the rds module builds for the documented OR filter, exiting 0', async () => {
    // built-in-modules-js.html ("You can also create OR statements"), in a .js file the CLI reads as is.
    const { stdout } = await cli('--runtime', 'name=APPSYNC_JS,runtimeVersion=1.0.0', '--code', `file://${path.join(fixtures, 'rdsSelectOr.js')}`, '--context', '{}');
    const out = JSON.parse(stdout) as EvaluateCodeOutput;
    expect(JSON.parse(out.evaluationResult!)).toEqual({
      statements: ['SELECT "id", "name" FROM "persons" WHERE ("name" = :P0) OR ("id" > :P1)'],
      variableMap: { ':P0': 'Stephane', ':P1': 10 },
      variableTypeHintMap: {},
    });
  });

  it('exits 2 for an unknown --function', async () => {
    const failure = await cli('--runtime', 'name=APPSYNC_JS,runtimeVersion=1.0.0', '--code', 'x', '--context', '{}', '--function', 'both').catch(
      (error: { code: number }) => error,
    );
    expect((failure as { code: number }).code).toBe(2);
  });
});

