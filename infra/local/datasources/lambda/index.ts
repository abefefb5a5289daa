/**
 * AWS_LAMBDA (resolver-reference-lambda-js.html) with a local handler module instead of a function
 * in an account: `{ operation: 'Invoke', payload }` calls `handler(payload, context)`;
 * `{ operation: 'BatchInvoke', payload }` collects the payloads of one field resolved for many
 * parents in the same tick (up to `maxBatchSize`), calls the handler once with the list, and hands
 * each resolution the matching element; `invocationType: 'Event'` does not wait (result null).
 * A UNIT resolver with no code is a direct Lambda resolver: the event is the resolver's context
 * (`arguments`, `identity`, `source`, `request`, `info`, `prev`, `stash`).
 * A thrown error reaches `ctx.error` as `{ message: errorMessage, type: 'Lambda:Unhandled' }`, the
 * errorType AppSync reports for a function error; a direct resolver fails the field with it.
 */
import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { repoRoot } from '../../../root';
import { tsxImportUrl } from '../../../runtime';
import type { ApiDataSourceSpec } from '../../../wiring';
import type { ContextInit } from '../../contracts';
import { RequestObjectError, isObject } from '../errors';
import type { DataSourceDeps, DataSourceOutcome, LocalDataSource } from '../types';
import { callHandler, loadHandler, type LambdaHandler, type LambdaReply } from './invoke';

type Spec = Extract<ApiDataSourceSpec, { kind: 'AWS_LAMBDA' }>;

const TIMEOUT_MS = 30_000;
const DEFAULT_MAX_BATCH = 10;

/** ctx.error.type for a function error, as AppSync reports it. */
export const LAMBDA_UNHANDLED = 'Lambda:Unhandled';

/** The event a direct Lambda resolver sends: the resolver's context (resolver-context-reference-js.html). */
export function directEvent(context: ContextInit): Record<string, unknown> {
  return {
    arguments: context.arguments,
    identity: context.identity,
    source: context.source,
    request: context.request,
    info: context.info,
    prev: null,
    stash: context.stash,
  };
}

interface Invoker {
  call(event: unknown): Promise<LambdaReply>;
  close(): Promise<void>;
}

function inProcess(file: string, exportName: string, functionName: string): Invoker {
  let handler: Promise<LambdaHandler> | null = null;
  return {
    async call(event) {
      handler ??= loadHandler(file, exportName);
      let h: LambdaHandler;
      try {
        h = await handler;
      } catch (error) {
        handler = null;
        return { ok: false, errorType: 'Runtime.ImportModuleError', errorMessage: (error as Error).message };
      }
      return callHandler(h, functionName, event, TIMEOUT_MS);
    },
    async close() {},
  };
}

function childProcess(file: string, exportName: string, functionName: string, environment: Record<string, string>): Invoker {
  let child: ChildProcess | null = null;
  let nextId = 0;
  const pending = new Map<number, (reply: LambdaReply) => void>();
  // The runner's source, under tsx: the same file whether this process runs from source or compiled.
  const runner = path.join(repoRoot, 'infra/local/datasources/lambda/child.ts');
  const start = (): ChildProcess => {
    const c = fork(runner, [file, exportName, functionName], {
      execArgv: ['--import', tsxImportUrl()],
      env: { ...process.env, ...environment, AWS_LAMBDA_FUNCTION_NAME: functionName },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    c.on('message', (m: { id: number; reply: LambdaReply }) => {
      pending.get(m.id)?.(m.reply);
      pending.delete(m.id);
    });
    c.once('exit', (code, signal) => {
      if (child === c) child = null;
      for (const [id, resolve] of pending) {
        resolve({ ok: false, errorType: 'Runtime.ExitError', errorMessage: `The function's process exited (${signal ?? `code ${code}`}) before answering.` });
        pending.delete(id);
      }
    });
    return c;
  };
  return {
    call(event) {
      child ??= start();
      const id = (nextId += 1);
      const c = child;
      return new Promise((resolve) => {
        pending.set(id, resolve);
        c.send({ id, event });
      });
    },
    async close() {
      const c = child;
      child = null;
      if (!c || c.exitCode !== null) return;
      await new Promise<void>((resolve) => {
        c.once('exit', () => resolve());
        c.kill('SIGTERM');
      });
    },
  };
}

function outcomeOf(reply: LambdaReply): DataSourceOutcome {
  return reply.ok ? { result: reply.value, error: null } : { result: null, error: { message: reply.errorMessage, type: LAMBDA_UNHANDLED } };
}

export function createLambdaDataSource(spec: Spec, deps: DataSourceDeps): LocalDataSource {
  const file = path.resolve(deps.root, spec.handler);
  const exportName = spec.export ?? 'handler';
  const invoker = spec.isolation === 'child' ? childProcess(file, exportName, spec.name, spec.environment ?? {}) : inProcess(file, exportName, spec.name);
  const maxBatch = spec.maxBatchSize ?? DEFAULT_MAX_BATCH;
  // BatchInvoke: per field, the payloads waiting for the current tick to end.
  const batches = new Map<string, { payloads: unknown[]; resolvers: ((o: DataSourceOutcome) => void)[] }>();

  const flush = (field: string): void => {
    const batch = batches.get(field);
    if (!batch) return;
    batches.delete(field);
    void invoker.call(batch.payloads).then((reply) => {
      if (!reply.ok) {
        for (const resolve of batch.resolvers) resolve(outcomeOf(reply));
        return;
      }
      const list = reply.value;
      if (!Array.isArray(list) || list.length !== batch.payloads.length) {
        const error = { type: LAMBDA_UNHANDLED, message: `BatchInvoke: the function returned ${Array.isArray(list) ? `${list.length} results` : 'something other than a list'} for a batch of ${batch.payloads.length}.` };
        for (const resolve of batch.resolvers) resolve({ result: null, error });
        return;
      }
      batch.resolvers.forEach((resolve, i) => resolve({ result: list[i] ?? null, error: null }));
    });
  };

  return {
    name: spec.name,
    kind: spec.kind,
    async invoke({ request, field, context, direct }): Promise<DataSourceOutcome> {
      if (direct) return outcomeOf(await invoker.call(directEvent(context)));
      if (!isObject(request)) throw new RequestObjectError('The Lambda request object must be an object with operation and payload.');
      const { operation, invocationType } = request;
      if (operation !== 'Invoke' && operation !== 'BatchInvoke') throw new RequestObjectError(`Unsupported operation '${String(operation)}': use Invoke or BatchInvoke.`);
      if (invocationType !== undefined && invocationType !== 'RequestResponse' && invocationType !== 'Event')
        throw new RequestObjectError(`invocationType must be RequestResponse or Event, got ${JSON.stringify(invocationType)}.`);
      const payload = request.payload === undefined ? null : request.payload;
      if (operation === 'Invoke') {
        if (invocationType === 'Event') {
          void invoker.call(payload).then((reply) => {
            if (!reply.ok) deps.onLog?.(`${field}: asynchronous invocation of ${spec.name} failed: ${reply.errorType}: ${reply.errorMessage}`);
          });
          return { result: null, error: null };
        }
        return outcomeOf(await invoker.call(payload));
      }
      return new Promise((resolve) => {
        let batch = batches.get(field);
        if (!batch) {
          batch = { payloads: [], resolvers: [] };
          batches.set(field, batch);
          setImmediate(() => flush(field));
        }
        batch.payloads.push(payload);
        batch.resolvers.push(resolve);
        if (batch.payloads.length >= maxBatch) flush(field);
      });
    },
    close: () => invoker.close(),
  };
}
