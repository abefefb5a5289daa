// examples/todo-api, exactly as docs/local-appsync.md shows it, served by startLocalAppSync from its
// config file (the loader `foreman serve --api` uses): UNIT and PIPELINE resolvers over DynamoDB
// Local, NONE, HTTP to a test server started here, a Lambda handler module (as a pipeline function
// and as a direct Lambda resolver), errors, and a filtered subscription — through real HTTP and
// WebSocket clients.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalAppSync } from '../../infra/local/appsync';
import { ApiConfigError, loadApiConfig } from '../../infra/local/config';
import type { LocalAppSync } from '../../infra/local/contracts';
import { FrameClient, apiKeyUrl, startMessage, type Frame } from '../infra/local/realtime/doubles';

let api: LocalAppSync;
let weather: http.Server;
const weatherRequests: string[] = [];
let dataDir: string;

interface Answer {
  data: Record<string, unknown> | null;
  errors?: { message: string; errorType?: string; path?: (string | number)[] | null; errorInfo?: unknown }[];
}

async function gql(query: string, variables: Record<string, unknown> = {}): Promise<Answer> {
  const res = await fetch(api.graphqlUrl, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': api.apiKey }, body: JSON.stringify({ query, variables }) });
  expect(res.status).toBe(200);
  return (await res.json()) as Answer;
}

const CREATE = 'mutation ($title: String!, $owner: String!) { createTodo(title: $title, owner: $owner) { id title owner done priority } }';

beforeAll(async () => {
  weather = http.createServer((req, res) => {
    weatherRequests.push(req.url ?? '');
    const city = new URL(req.url ?? '/', 'http://x').searchParams.get('city');
    if (city === 'Atlantis') {
      res.writeHead(404).end('unknown city');
      return;
    }
    res.writeHead(200, { 'content-type': 'text/plain' }).end(`Sunny in ${city}`);
  });
  await new Promise<void>((r) => weather.listen(0, '127.0.0.1', r));
  const config = loadApiConfig('examples/todo-api', { ...process.env, TODO_WEATHER_URL: `http://127.0.0.1:${(weather.address() as AddressInfo).port}` });
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'todo-api-'));
  api = await startLocalAppSync({
    schema: config.sdl,
    wiring: config.wiring,
    root: config.root,
    dataDir,
    inMemory: true,
    env: config.env,
    auth: { defaultMode: config.auth.defaultMode, additionalModes: config.auth.additionalModes },
    port: 0,
    quiet: true,
  });
});
afterAll(async () => {
  await api?.stop();
  await new Promise<void>((r) => weather.close(() => r()));
  rmSync(dataDir, { recursive: true, force: true });
});

describe('the todo API example', () => {
  it('creates through the pipeline (Lambda scores, DynamoDB stores) and reads back with the UNIT resolvers', async () => {
    const created = await gql(CREATE, { title: 'Urgent: water plants', owner: 'ada' });
    expect(created.errors).toBeUndefined();
    const todo = created.data?.createTodo as { id: string; priority: number; done: boolean; owner: string };
    // score.mjs gives titles saying "urgent" priority 1.
    expect(todo).toMatchObject({ title: 'Urgent: water plants', owner: 'ada', done: false, priority: 1 });
    expect(todo.id).toMatch(/^[0-9a-f-]{36}$/);

    const read = await gql('query ($id: ID!) { getTodo(id: $id) { id title priority } }', { id: todo.id });
    expect(read.data?.getTodo).toEqual({ id: todo.id, title: 'Urgent: water plants', priority: 1 });
    const list = await gql('{ listTodos { id } }');
    expect((list.data?.listTodos as { id: string }[]).map((t) => t.id)).toContain(todo.id);

    const done = await gql('mutation ($id: ID!) { completeTodo(id: $id) { id done } }', { id: todo.id });
    expect(done.data?.completeTodo).toEqual({ id: todo.id, done: true });
  });

  it('a UNIT resolver talks to its data source: an unknown id is null, not the request object', async () => {
    const read = await gql('{ getTodo(id: "nope") { id title } }');
    expect(read).toEqual({ data: { getTodo: null } });
  });

  it("answers the resolver's own error when the condition fails (completeTodo of a missing todo)", async () => {
    const body = await gql('mutation { completeTodo(id: "missing") { id } }');
    expect(body.data).toEqual({ completeTodo: null });
    expect(body.errors?.[0]).toMatchObject({ errorType: 'NotFound', message: 'No todo missing', path: ['completeTodo'] });
  });

  it('a Lambda error reaches the resolver as ctx.error (Lambda:Unhandled) and nothing is stored', async () => {
    const before = ((await gql('{ listTodos { id } }')).data?.listTodos as unknown[]).length;
    const body = await gql(CREATE, { title: 'Please reject me', owner: 'ada' });
    expect(body.data).toEqual({ createTodo: null });
    expect(body.errors?.[0]).toMatchObject({ errorType: 'Lambda:Unhandled', message: 'Refusing to score "Please reject me"' });
    expect(((await gql('{ listTodos { id } }')).data?.listTodos as unknown[]).length).toBe(before);
  });

  it('the "before" handler can refuse input with util.error (title longer than ctx.env.MAX_TITLE_LENGTH)', async () => {
    const body = await gql(CREATE, { title: 'x'.repeat(81), owner: 'ada' });
    expect(body.errors?.[0]).toMatchObject({ errorType: 'ValidationError', message: 'A title has at most 80 characters' });
  });

  it('a direct Lambda resolver (no code) gets the context as its event and its return is the value', async () => {
    expect((await gql('{ score(title: "urgent thing") }')).data).toEqual({ score: 1 });
    const refused = await gql('{ score(title: "reject") }');
    expect(refused.data).toEqual({ score: null });
    expect(refused.errors?.[0]).toMatchObject({ errorType: 'Lambda:Unhandled', message: 'Refusing to score "reject"' });
  });

  it('HTTP: calls the weather service with the query string and answers its body; a 404 becomes the resolver error', async () => {
    const body = await gql('{ forecast(city: "Lisbon") }');
    expect(body).toEqual({ data: { forecast: 'Sunny in Lisbon' } });
    expect(weatherRequests.at(-1)).toBe('/forecast?city=Lisbon');
    const missing = await gql('{ forecast(city: "Atlantis") }');
    expect(missing.errors?.[0]).toMatchObject({ errorType: 'WeatherUnavailable', errorInfo: { statusCode: 404 } });
  });

  it('NONE: echo answers its input', async () => {
    expect(await gql('mutation { echo(message: "hi") }')).toEqual({ data: { echo: 'hi' } });
  });

  it("delivers createTodo to a subscriber only for its owner (the subscription resolver's enhanced filter)", async () => {
    const host = new URL(api.graphqlUrl).host;
    const client = new FrameClient(apiKeyUrl(api.realtimeUrl, host, api.apiKey));
    try {
      expect((await client.init()).type).toBe('connection_ack');
      client.send(startMessage('1', 'subscription { onTodoCreated(owner: "grace") { id title owner } }', {}, { host, 'x-api-key': api.apiKey }));
      expect((await client.nextNonKa()).type).toBe('start_ack');
      await gql(CREATE, { title: 'for ada', owner: 'ada' });
      const mine = await gql(CREATE, { title: 'for grace', owner: 'grace' });
      const frame: Frame = await client.nextNonKa();
      // The first event the subscriber gets is grace's: ada's was filtered out.
      expect(frame.type).toBe('data');
      expect((frame.payload as { data: { onTodoCreated: unknown } }).data.onTodoCreated).toEqual({
        id: (mine.data?.createTodo as { id: string }).id,
        title: 'for grace',
        owner: 'grace',
      });
    } finally {
      client.close();
    }
  });
});

describe('the config loader refuses what cannot be served, naming the file and setting', () => {
  const write = (json: unknown): string => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'bad-api-'));
    const file = path.join(dir, 'appsync.json');
    writeFileSync(file, typeof json === 'string' ? json : JSON.stringify(json));
    writeFileSync(path.join(dir, 's.graphql'), 'type Query { a: String }');
    return dir;
  };
  const base = { schema: 's.graphql', dataSources: [{ name: 'None', kind: 'NONE' }], resolvers: [] as unknown[] };

  it.each([
    ['not JSON', '{ nope', /is not valid JSON/],
    ['an unknown data source kind', { ...base, dataSources: [{ name: 'X', kind: 'SQS' }] }, /dataSources\[0\]\.kind: must be one of/],
    ['a UNIT resolver without code on NONE', { ...base, resolvers: [{ typeName: 'Query', fieldName: 'a', kind: 'UNIT', dataSource: 'None' }] }, /resolvers\[0\]\.code: is required/],
    ['a PIPELINE with no functions', { ...base, resolvers: [{ typeName: 'Query', fieldName: 'a', kind: 'PIPELINE', pipeline: [], code: 's.graphql' }] }, /lists no functions/],
    ['a data source naming a missing table', { ...base, dataSources: [{ name: 'T', kind: 'AMAZON_DYNAMODB', table: 'Nope' }] }, /names table Nope/],
    ['an unset ${VAR}', { ...base, dataSources: [{ name: 'H', kind: 'HTTP', endpoint: '${NO_SUCH_VAR_FOR_TEST}' }] }, /NO_SUCH_VAR_FOR_TEST\} is not set/],
    ['a misspelt setting', { ...base, dataSorces: [] }, /\$\.dataSorces: unknown setting/],
  ])('%s', (_what, json, message) => {
    const dir = write(json);
    try {
      expect(() => loadApiConfig(dir, {})).toThrow(ApiConfigError);
      expect(() => loadApiConfig(dir, {})).toThrow(message);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
