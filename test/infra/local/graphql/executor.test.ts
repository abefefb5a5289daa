// The executor with the real APPSYNC_JS runtime, real DynamoDB Local and the test-only resolvers in
// test/fixtures/local-resolvers: pipeline order and earlyReturn (runtime-utils-js.html), stash,
// prev.result chaining, util.error / util.appendError, AppSync's error shapes, per-field auth,
// ctx.info, and the mutation events subscribers are fed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { createAuthenticator, LOCAL_IAM } from '../../../../infra/local/auth';
import type { MutationEvent } from '../../../../infra/local/contracts';
import { startDynamoDbLocal, type DynamoDbLocal } from '../../../../infra/local/dynamodb/local';
import { ensureTables } from '../../../../infra/local/dynamodb/tables';
import { createExecutor, WiredCodeError, type CallerContext, type LocalExecutor } from '../../../../infra/local/graphql/executor';
import { buildLocalSchema } from '../../../../infra/local/graphql/schema';
import { createRuntime } from '../../../../infra/local/runtime';
import type { ForemanTableId as TableId } from '../../../../infra/wiring';
import { fixtureWiring } from '../../../fixtures/local-resolvers/wiring';

const sdl = ['schema/aws.graphql', 'test/fixtures/local-resolvers/schema.graphql'].map((f) => readFileSync(f, 'utf8')).join('\n');
const tableNames = { Customers: 'fixture-items' } as Record<TableId, string>;
let ddb: DynamoDbLocal;
let executor: LocalExecutor;
const published: MutationEvent[] = [];

const apiKeyCaller: CallerContext = { mode: 'API_KEY', identity: null, authType: 'API Key Authorization', headers: { 'x-custom': ['a', 'b'] } };
const iamCaller: CallerContext = { mode: 'AWS_IAM', identity: { accountId: LOCAL_IAM.accountId }, authType: 'IAM Authorization', headers: {} };

function run(query: string, caller = apiKeyCaller, variables: Record<string, unknown> = {}) {
  return executor.execute({ query, variables }, caller);
}

beforeAll(async () => {
  ddb = await startDynamoDbLocal({ inMemory: true, dataDir: '.', quiet: true });
  await ensureTables(ddb.client, fixtureWiring.tables, tableNames);
  const schema = buildLocalSchema(sdl);
  executor = await createExecutor({
    schema,
    runtime: createRuntime(),
    auth: createAuthenticator({ schema, apiKey: 'da2-test', iam: LOCAL_IAM }),
    env: { ITEMS_TABLE: 'fixture-items' },
    dynamodb: ddb.client,
    tableNames,
    wiring: fixtureWiring,
    publisher: { publish: (e) => published.push(e) },
  });
});
afterAll(async () => {
  await ddb?.stop();
});

const traceOf = (body: { data: Record<string, unknown> | null }) => body.data?.trace as { steps: string[]; prev: string };

describe('pipelines', () => {
  it('runs before → each function request/data source/response → after, chaining prev.result and sharing the stash', async () => {
    const body = await run('{ trace(mode: "normal") { steps prev } }');
    expect(body.errors).toBeUndefined();
    const trace = traceOf(body);
    expect(trace.steps).toEqual(['before', 'A.request', 'A.response', 'B.request', 'B.response', 'after']);
    // Each NONE data source answers its payload; each payload carried the previous result.
    expect(JSON.parse(trace.prev)).toEqual({ from: 'B', prev: { from: 'A', prev: { from: 'before' } } });
  });

  it('earlyReturn in the resolver request skips every function and calls the resolver response at once', async () => {
    const trace = traceOf(await run('{ trace(mode: "earlyBefore") { steps prev } }'));
    expect(trace.steps).toEqual(['before', 'after']);
    expect(JSON.parse(trace.prev)).toEqual({ early: 'before' });
  });

  it("earlyReturn in a function request skips its data source and response; the next function gets the value", async () => {
    const trace = traceOf(await run('{ trace(mode: "earlyA") { steps prev } }'));
    expect(trace.steps).toEqual(['before', 'A.request', 'B.request', 'B.response', 'after']);
    expect(JSON.parse(trace.prev)).toEqual({ from: 'B', prev: { early: 'A' } });
  });

  it("earlyReturn with skipTo END in a function response jumps to the resolver response", async () => {
    const trace = traceOf(await run('{ trace(mode: "endA") { steps prev } }'));
    expect(trace.steps).toEqual(['before', 'A.request', 'A.response', 'after']);
    expect(JSON.parse(trace.prev)).toEqual({ ended: 'A' });
  });

  it('util.error stops the pipeline: the field is null and the error carries type, info and data filtered by the selection', async () => {
    const body = await run('{\n  trace(mode: "errorA") { steps }\n}');
    expect(body).toEqual({
      data: { trace: null },
      errors: [
        {
          path: ['trace'],
          // `unselected` is not in the selection set, so AppSync drops it from data; errorInfo is kept whole.
          data: { steps: ['before', 'A.request'] },
          errorType: 'AFailed',
          errorInfo: { why: 'test' },
          locations: [{ line: 2, column: 3, sourceName: null }],
          message: 'A failed',
        },
      ],
    });
  });

  it('util.appendError keeps going: data is returned alongside the error', async () => {
    const body = await run('{ trace(mode: "appendA") { steps } }');
    expect(traceOf(body).steps).toEqual(['before', 'A.request', 'A.response', 'B.request', 'B.response', 'after']);
    expect(body.errors).toEqual([
      { path: ['trace'], data: null, errorType: 'AWarning', errorInfo: { n: 1 }, locations: [{ line: 1, column: 3, sourceName: null }], message: 'A warns' },
    ]);
  });

  it('gives handlers ctx.info in AppSync format, ctx.request.headers without the cookie, and the auth type', async () => {
    const query = 'query Q($m: String!) { trace(mode: $m) { steps renamed: prev ...F ... on Trace { headers } } } fragment F on Trace { info authType }';
    const body = await run(query, { ...apiKeyCaller, headers: { 'x-custom': ['a', 'b'] } }, { m: 'normal' });
    const trace = body.data?.trace as { info: string; authType: string; headers: string };
    const info = JSON.parse(trace.info);
    expect(info.fieldName).toBe('trace');
    expect(info.parentTypeName).toBe('Query');
    expect(info.variables).toEqual({ m: 'normal' });
    // Aliased fields by alias only, fragments flattened (resolver-context-reference-js.html).
    expect(info.selectionSetList).toEqual(['steps', 'renamed', 'info', 'authType', 'headers']);
    expect(info.selectionSetGraphQL).toBe('{\n  steps\n  renamed: prev\n  ...F\n  ... on Trace {\n    headers\n  }\n}');
    expect(trace.authType).toBe('API Key Authorization');
    expect(JSON.parse(trace.headers)).toEqual({ custom: ['a', 'b'], cookie: 'absent' });
  });
});

describe('the DynamoDB data source inside pipelines', () => {
  it('writes through PutItem and reads back, unwired nested fields resolving from the parent item', async () => {
    const put = await run('mutation { putItem(id: "i1", name: "One", count: 2) { id name count } }');
    expect(put).toEqual({ data: { putItem: { id: 'i1', name: 'One', count: 2 } } });
    const get = await run('{ getItem(id: "i1") { name owner { id } } }');
    expect(get).toEqual({ data: { getItem: { name: 'One', owner: { id: 'o1' } } } });
  });

  it('surfaces a failed condition as AppSync does: DynamoDB:ConditionalCheckFailedException, current item as data', async () => {
    await run('mutation { putItem(id: "dup", name: "First") { id } }');
    const body = await run('mutation { putItem(id: "dup", name: "Second") { id name } }');
    expect(body.data).toEqual({ putItem: null });
    expect(body.errors).toHaveLength(1);
    const [error] = body.errors!;
    expect(error!.errorType).toBe('DynamoDB:ConditionalCheckFailedException');
    expect(error!.message).toMatch(/^The conditional request failed \(Service: AmazonDynamoDBv2; Status Code: 400; Error Code: ConditionalCheckFailedException; Request ID: /);
    expect(error!.data).toEqual({ id: 'dup', name: 'First' });
    expect(error!.path).toEqual(['putItem']);
  });

  it('propagates null from a non-null field to its parent with AppSync\'s message', async () => {
    const body = await run('{ mustHave(id: "nobody") { id } }');
    expect(body).toEqual({
      data: null,
      errors: [{ path: ['mustHave'], locations: null, message: "Cannot return null for non-nullable type: 'Item' within parent 'Query' (/mustHave)" }],
    });
  });
});

describe('per-field auth', () => {
  it('refuses an IAM-only field to an API key caller: field null, Unauthorized error', async () => {
    const body = await run('{ iamOnly defaultOnly }');
    expect(body).toEqual({
      data: { iamOnly: null, defaultOnly: null },
      errors: [
        {
          path: ['iamOnly'],
          data: null,
          errorType: 'Unauthorized',
          errorInfo: null,
          locations: [{ line: 1, column: 3, sourceName: null }],
          message: 'Not Authorized to access iamOnly on type Query',
        },
      ],
    });
  });

  it('allows only the default mode on a field with no directive on it or its type', async () => {
    const body = await run('{ defaultOnly }', iamCaller);
    expect(body.errors?.[0]).toMatchObject({ path: ['defaultOnly'], errorType: 'Unauthorized', message: 'Not Authorized to access defaultOnly on type Query' });
  });

  it("lets a field's directives override its type's, also on nested types", async () => {
    await run('mutation { putItem(id: "own", name: "Owned") { id } }');
    const asKey = await run('{ getItem(id: "own") { owner { id secret } } }');
    expect(asKey.data).toEqual({ getItem: { owner: { id: 'o1', secret: null } } });
    expect(asKey.errors?.map((e) => [e.path, e.errorType])).toEqual([[['getItem', 'owner', 'secret'], 'Unauthorized']]);
    const asIam = await run('{ getItem(id: "own") { owner { id secret } } }', iamCaller);
    expect(asIam).toEqual({ data: { getItem: { owner: { id: 'o1', secret: 's3cret' } } } });
  });
});

describe('mutation events', () => {
  it('publishes the mutation result restricted to the selection, aliases undone and fragments flattened', async () => {
    published.length = 0;
    await run('mutation M($id: ID!) { made: putItem(id: $id, name: "Pub", count: 7) { ident: id ...N } } fragment N on Item { name }', apiKeyCaller, { id: 'pub1' });
    expect(published).toEqual([{ fieldName: 'putItem', arguments: { id: 'pub1', name: 'Pub', count: 7 }, payload: { id: 'pub1', name: 'Pub' } }]);
  });

  it('publishes nothing for a mutation field that failed', async () => {
    published.length = 0;
    await run('mutation { putItem(id: "pub1", name: "Again") { id } }');
    expect(published).toEqual([]);
  });
});

describe('validation errors', () => {
  it('answers an unknown field as AppSync (graphql-java) does, with no data', async () => {
    const body = await run('{\n  getItem(id: "x") { nope }\n}');
    expect(body).toEqual({
      data: null,
      errors: [{ path: null, locations: [{ line: 2, column: 22, sourceName: null }], message: "Validation error of type FieldUndefined: Field 'nope' in type 'Item' is undefined @ 'getItem/nope'" }],
    });
  });

  it('refuses an invalid AWS scalar literal as a WrongType validation error, before any resolver runs', async () => {
    published.length = 0;
    const body = await run('mutation { putItem(id: "bad", name: "B", email: "not-an-email") { id } }');
    expect(body.data).toBeNull();
    expect(body.errors?.[0]?.message).toBe("Validation error of type WrongType: argument 'email' with value 'StringValue{value='not-an-email'}' is not a valid 'AWSEmail' @ 'putItem'");
    expect((await run('{ getItem(id: "bad") { id } }')).data).toEqual({ getItem: null });
  });

  it('refuses an invalid AWS scalar in variables with no data', async () => {
    const body = await run('query Q($d: AWSDate) { echoScalars(date: $d) }', apiKeyCaller, { d: '2026-02-30' });
    expect(body.data).toBeNull();
    expect(body.errors?.[0]?.message).toMatch(/^Variable 'd' has an invalid value/);
  });
});

describe('loading', () => {
  it('fails fast, naming the file, when a wired resolver file is missing', async () => {
    const schema = buildLocalSchema(sdl);
    const broken = { ...fixtureWiring, resolvers: [{ typeName: 'Query' as const, fieldName: 'iamOnly', pipeline: [] }] };
    await expect(
      createExecutor({ schema, runtime: createRuntime(), auth: createAuthenticator({ schema, apiKey: 'k' }), env: {}, dynamodb: ddb.client, tableNames, wiring: broken }),
    ).rejects.toThrow(new WiredCodeError('Resolver Query.iamOnly is wired but test/fixtures/local-resolvers/Query.iamOnly.ts does not exist'));
  });
});
