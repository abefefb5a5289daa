/**
 * Test doubles for the processor: a GraphQL client answering by operation name from canned
 * handlers (recording every call), and S3 GetObject bodies streamed from files on disk.
 */
import { createReadStream, readFileSync } from 'node:fs';
import path from 'node:path';
import { Kind, type DocumentNode } from 'graphql';
import { sdkStreamMixin } from '@smithy/util-stream';
import { expect } from 'vitest';
import type { GraphQLClient } from '../../../clients/api/client';

export const repo = path.resolve(import.meta.dirname, '../../..');
export const sample = (name: string) => path.join(repo, 'samples', name);
export const bytesOf = (file: string) => readFileSync(file);

/** A fresh GetObject output whose Body streams `file`, as the SDK returns it in Node. */
export function objectFrom(file: string) {
  return { Body: sdkStreamMixin(createReadStream(file, { highWaterMark: 1024 })), ContentLength: readFileSync(file).length };
}

export type Handlers = Record<string, (variables: Record<string, unknown>) => unknown>;

export interface FakeClient extends GraphQLClient {
  calls: { operation: string; variables: Record<string, unknown> }[];
}

function operationName(doc: DocumentNode): string {
  const op = doc.definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION);
  return op && op.kind === Kind.OPERATION_DEFINITION && op.name ? op.name.value : 'anonymous';
}

/** Answers each operation with `handlers[name]`; an operation without a handler fails the test loudly. */
export function fakeClient(handlers: Handlers): FakeClient {
  const calls: FakeClient['calls'] = [];
  const run = async (doc: DocumentNode, variables: Record<string, unknown> = {}) => {
    const operation = operationName(doc);
    calls.push({ operation, variables });
    const handler = handlers[operation];
    if (!handler) throw new Error(`unexpected GraphQL operation ${operation}`);
    return handler(variables);
  };
  const client = {
    calls,
    options: { url: 'https://example.appsync-api.eu-west-1.amazonaws.com/graphql', auth: { mode: 'API_KEY' as const, apiKey: 'test' } },
    request: (doc: DocumentNode, variables?: Record<string, unknown>) => run(doc, variables),
    execute: async (doc: DocumentNode, variables?: Record<string, unknown>) => ({ data: await run(doc, variables) }),
  };
  return client as unknown as FakeClient;
}

export function ingestion(overrides: Record<string, unknown> = {}) {
  return {
    id: 'ing-1',
    fileName: 'first.csv',
    sha256: 'x',
    model: 'CUSTOMER',
    source: 'CLI',
    status: 'COMPLETED',
    rowCount: 20,
    created: 20,
    duplicates: 0,
    invalid: 0,
    alreadyImported: 0,
    processed: 20,
    batches: 1,
    startedAt: '2026-01-01T00:00:00.000Z',
    finishedAt: '2026-01-01T00:00:01.000Z',
    durationMs: 1000,
    rowsPerSecond: 20,
    failureReason: null,
    updatedAt: '2026-01-01T00:00:01.000Z',
    ...overrides,
  };
}

/** What aws-sdk-client-mock records for each PutObject call (only the fields putBody reads). */
interface RecordedPut {
  args: readonly [{ input: { Key?: string; Body?: unknown } }, ...unknown[]];
}

/**
 * The body the processor wrote to `key`, from the calls an S3 mock recorded
 * (`s3Mock.commandCalls(PutObjectCommand)`). Fails the test when nothing was written there.
 */
export function putBody(calls: readonly RecordedPut[], key: string): string {
  const call = calls.find((c) => c.args[0].input.Key === key);
  expect(call, `PutObject ${key}`).toBeDefined();
  return String(call!.args[0].input.Body);
}
