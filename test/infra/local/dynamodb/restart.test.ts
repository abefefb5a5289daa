// DynamoDB Local dies under a running stack (issue 12, point 6): the stack notices the JVM's exit,
// starts a new one on the same port and data directory, and requests work again with the data
// intact; in between, DynamoDB calls answer a transient AppSync-shaped error instead of a
// connection error. When it cannot come back, the stack says so (`failed`).
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalAppSync } from '../../../../infra/local/contracts';
import { startLocalAppSync } from '../../../../infra/local/appsync';
import { loadApiConfig } from '../../../../infra/local/config';
import { alive } from '../../../helpers/process';

// The todo API of examples/ (its own schema, so this test does not depend on Foreman's auth rules).
const CREATE = 'mutation ($title: String!) { createTodo(title: $title, owner: "ada") { id title } }';

async function gql(stack: LocalAppSync, query: string, variables: Record<string, unknown> = {}) {
  const res = await fetch(stack.graphqlUrl, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': stack.apiKey }, body: JSON.stringify({ query, variables }) });
  return (await res.json()) as { data: Record<string, unknown> | null; errors?: { errorType?: string; message: string }[] };
}

describe('DynamoDB Local restarted under a running stack', () => {
  let stack: LocalAppSync;
  let dataDir: string;
  const notices: string[] = [];
  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'foreman-restart-'));
    const config = loadApiConfig('examples/todo-api', {});
    stack = await startLocalAppSync({ schema: config.sdl, wiring: config.wiring, root: config.root, env: config.env, dataDir, port: 0, quiet: true, onLog: (l) => notices.push(l) });
  }, 120_000);
  afterAll(async () => {
    await stack?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('kill -9 of the JVM: a mutation succeeds after the restart and earlier data is still there', async () => {
    const first = await gql(stack, CREATE, { title: 'before' });
    expect(first.errors).toBeUndefined();
    const before = (first.data?.createTodo as { id: string }).id;
    const jvm = stack.dynamodbPid();
    const endpoint = stack.dynamodb.endpoint;
    process.kill(jvm, 'SIGKILL');

    // Until the new JVM answers, every answer is either the transient error or success — never a raw connection error.
    let after: Awaited<ReturnType<typeof gql>> | null = null;
    const seenErrors = new Set<string>();
    for (let i = 0; i < 600; i += 1) {
      const body = await gql(stack, CREATE, { title: 'after' });
      if (!body.errors) {
        after = body;
        break;
      }
      for (const e of body.errors) seenErrors.add(`${e.errorType}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(after?.data?.createTodo).toMatchObject({ title: 'after' });
    for (const type of seenErrors) expect(type).toMatch(/ServiceUnavailable/);
    expect(stack.dynamodbPid()).not.toBe(jvm);
    expect(alive(jvm)).toBe(false);
    expect(stack.dynamodb.endpoint).toBe(endpoint);
    expect(notices.some((n) => /restarted/.test(n))).toBe(true);

    // Same data directory: the todo created before the kill is still there.
    const read = await gql(stack, 'query ($id: ID!) { getTodo(id: $id) { title } }', { id: before });
    expect(read.data?.getTodo).toEqual({ title: 'before' });
  }, 120_000);
});

describe('DynamoDB Local that cannot be restarted', () => {
  it('settles `failed` with a message saying so, and DynamoDB calls answer the transient error meanwhile', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'foreman-norestart-'));
    const api = await startLocalAppSync({
      schema: 'type Query { a: String }',
      wiring: { tables: [], dataSources: [], functions: [], resolvers: [] },
      root: dataDir,
      dataDir,
      inMemory: true,
      port: 0,
      quiet: true,
      maxDynamoDbRestarts: 0,
    });
    try {
      process.kill(api.dynamodbPid(), 'SIGKILL');
      const error = await api.failed;
      expect(error.message).toMatch(/DynamoDB Local stopped and could not be restarted after 0 attempts/);
    } finally {
      await api.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 120_000);
});
