/**
 * The APPSYNC_JS runtime of the embedded AppSync: loads an ESM bundle once (refusing what
 * APPSYNC_JS refuses), then runs its `request`/`response` handlers as often as needed, each run
 * with a fresh `ctx` and its own errors, logs and effects.
 *
 * Each loaded bundle gets its own `node:vm` context whose globals are cut down to what AWS
 * documents (https://docs.aws.amazon.com/appsync/latest/devguide/supported-features.html): Math
 * only has random/min/max/round/floor/ceil, Number only isFinite/isNaN, no timers, no process,
 * no require; `JSON.parse` returns '' for invalid JSON.
 */
import vm from 'node:vm';
import { inspect } from 'node:util';
import {
  CodeRestrictionError,
  type AppSyncErrorEntry,
  type AppSyncJsRuntime,
  type ContextInit,
  type HandlerOutcome,
  type HandlerRun,
  type LoadedCode,
} from '../contracts';
import { createDynamodbModule } from './dynamodb-module';
import { UtilsUsageError } from './errors';
import { createRdsModule } from './rds';
import { toScript, UnsupportedModuleSyntaxError } from './module';
import type { Program } from 'acorn';
import { CodeSyntaxError, findViolations, parseModule, walk, type EsNode } from './restrictions';
import { createGlobals, EarlyReturnSignal, newRunState, UtilErrorSignal, type RunState } from './util';

type Handler = (ctx: unknown) => unknown;

const CODE_SIZE_LIMIT = 32768;

interface Prepared {
  request?: Handler;
  response?: Handler;
}

/** Done inside each context, so the replaced objects belong to that realm. */
const SANDBOX_SETUP = `
(function () {
  'use strict';
  const g = globalThis;
  const parse = JSON.parse;
  JSON.parse = function (text, reviver) {
    try { return parse(text, reviver); } catch (e) { return ''; }
  };
  const m = g.Math;
  const math = { random: m.random, min: m.min, max: m.max, round: m.round, floor: m.floor, ceil: m.ceil };
  Object.defineProperty(g, 'Math', { value: Object.freeze(math), writable: false, configurable: false });
  for (const key of Object.getOwnPropertyNames(g.Number)) {
    if (typeof g.Number[key] === 'function' && key !== 'isFinite' && key !== 'isNaN') delete g.Number[key];
  }
  for (const name of ['eval', 'WebAssembly', 'SharedArrayBuffer', 'Atomics', 'FinalizationRegistry', 'WeakRef']) delete g[name];
})();
`;

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}

/** Where a runtime error happened in the bundle, from a V8 stack. */
function locate(error: unknown, fileName: string): { line: number; column: number } | null {
  const stack = typeof error === 'object' && error !== null ? String((error as { stack?: unknown }).stack ?? '') : '';
  const escaped = fileName.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const m = new RegExp(`${escaped}:(\\d+):(\\d+)`).exec(stack);
  return m ? { line: Number(m[1]), column: Number(m[2]) } : null;
}

/** Each argument as JSON, space-separated: `INFO - code.js:5:3: "current id" "record-id"` (test-resolvers.html). */
function formatLogArg(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (typeof value === 'function') return inspect(value);
  const json = JSON.stringify(value);
  return json === undefined ? inspect(value) : json;
}

/**
 * V8 reports a method call at its property (`log` in `console.log(…)`); AWS reports where the
 * statement starts (`code.js:5:3` for an indented `console.log`). Maps the one to the other.
 */
function consoleCallSites(program: Program): Map<string, string> {
  const sites = new Map<string, string>();
  walk(program as unknown as EsNode, (node) => {
    if (node.type !== 'CallExpression') return;
    const callee = node.callee as EsNode;
    if (callee.type !== 'MemberExpression') return;
    const object = callee.object as EsNode & { name?: string };
    if (object.type !== 'Identifier' || object.name !== 'console') return;
    const property = (callee.property as EsNode).loc!.start;
    const start = node.loc!.start;
    sites.set(`${property.line}:${property.column + 1}`, `${start.line}:${start.column + 1}`);
  });
  return sites;
}

/** Where and what an uncaught runtime error was: `code.js:4:12: TypeError: Cannot read …`. */
function describeRuntimeError(error: unknown, fileName: string): { detail: string; line?: number; column?: number } {
  const name = typeof error === 'object' && error !== null ? String((error as { name?: unknown }).name ?? 'Error') : 'Error';
  const message = typeof error === 'object' && error !== null ? String((error as { message?: unknown }).message ?? error) : String(error);
  const where = locate(error, fileName);
  // The utils' own refusals read `code.js:L:C: <message>` on AWS, without an error class.
  const text = error instanceof UtilsUsageError ? message : `${name}: ${message}`;
  return { detail: where ? `${fileName}:${where.line}:${where.column}: ${text}` : text, ...(where ?? {}) };
}

const DETAIL = Symbol('runtimeErrorDetail');

/**
 * The error entry AppSync puts in the GraphQL response for an uncaught runtime error:
 * `{"errorType":"Code","message":"Runtime Error"}` (aws/aws-appsync-community#355). The position
 * and JS message — what EvaluateCode reports — ride along out of sight; read them with
 * `runtimeErrorDetail(entry)` (e.g. to log them for the developer).
 */
function runtimeErrorEntry(detail: string): AppSyncErrorEntry {
  const entry: AppSyncErrorEntry = { message: 'Runtime Error', errorType: 'Code', data: null, errorInfo: null };
  Object.defineProperty(entry, DETAIL, { value: detail, enumerable: false });
  return entry;
}

/** `code.js:L:C: TypeError: …` for an entry made from an uncaught runtime error, else undefined. */
export function runtimeErrorDetail(entry: AppSyncErrorEntry): string | undefined {
  return (entry as unknown as Record<symbol, string | undefined>)[DETAIL];
}

export interface RuntimeOptions {
  /** Clock for `util.time.now*`, `autoUlid`, `autoKsuid` (tests pin it). */
  now?: () => number;
}

/**
 * @example
 * const runtime = createRuntime();
 * const code = runtime.load(await bundleAppsyncCode('resolvers/functions/putCustomer.ts'), 'putCustomer.js');
 * const run = runtime.run(code, 'request', ctxInit);
 * if (run.outcome.kind === 'value') sendToDataSource(run.outcome.value);
 */
export function createRuntime(options: RuntimeOptions = {}): AppSyncJsRuntime {
  const idle = newRunState();
  let current: RunState = idle;
  // Shared by every loaded bundle, so frozen: one bundle cannot redefine util.error for the others.
  const globals = deepFreeze(createGlobals(() => current, options.now));
  const ddbModule = deepFreeze(createDynamodbModule());
  const rdsModule = deepFreeze(createRdsModule());
  const utilsModule = Object.freeze({ util: globals.util, extensions: globals.extensions, runtime: globals.runtime });
  const prepared = new WeakMap<LoadedCode, Prepared>();

  const requireShim = (name: string): unknown => {
    if (name === '@aws-appsync/utils') return utilsModule;
    if (name === '@aws-appsync/utils/dynamodb') return ddbModule;
    if (name === '@aws-appsync/utils/rds') return rdsModule;
    throw new Error(`Cannot find module '${name}': APPSYNC_JS provides only @aws-appsync/utils, @aws-appsync/utils/dynamodb and @aws-appsync/utils/rds`);
  };

  function makeConsole(fileName: string, sites: Map<string, string>) {
    const log =
      (level: string) =>
      (...args: unknown[]): void => {
        const where = locate(new Error(), fileName);
        const key = where ? `${where.line}:${where.column}` : null;
        const prefix = key ? `${fileName}:${sites.get(key) ?? key}: ` : '';
        current.logs.push(`${level} - ${prefix}${args.map(formatLogArg).join(' ')}`);
      };
    return Object.freeze({ log: log('INFO'), info: log('INFO'), debug: log('DEBUG'), warn: log('WARN'), error: log('ERROR') });
  }

  function load(code: string, fileName: string): LoadedCode {
    // AppSync refuses resolver/function code longer than this (API_Resolver.html, API_FunctionConfiguration.html).
    if (code.length > CODE_SIZE_LIMIT) {
      throw new CodeRestrictionError(fileName, [
        { rule: 'code-size', message: `code is ${code.length} characters; AppSync accepts at most ${CODE_SIZE_LIMIT}`, line: 1, column: 1 },
      ]);
    }
    let program;
    try {
      program = parseModule(code);
    } catch (error) {
      if (error instanceof CodeSyntaxError) {
        throw new CodeRestrictionError(fileName, [{ rule: 'syntax', message: error.message, line: error.line, column: error.column }]);
      }
      throw error;
    }
    const violations = findViolations(program);
    if (violations.length > 0) throw new CodeRestrictionError(fileName, violations);

    let script;
    try {
      script = toScript(code, program);
    } catch (error) {
      if (error instanceof UnsupportedModuleSyntaxError) {
        throw new CodeRestrictionError(fileName, [{ rule: 'module', message: error.message, line: 1, column: 1 }]);
      }
      throw error;
    }

    const context = vm.createContext({}, { name: fileName, codeGeneration: { strings: false, wasm: false } });
    vm.runInContext(SANDBOX_SETUP, context);
    for (const [name, value] of Object.entries({ ...globals, console: makeConsole(fileName, consoleCallSites(program)) })) {
      Object.defineProperty(context, name, { value, writable: false, enumerable: false, configurable: false });
    }
    const factory = new vm.Script(script.source, { filename: fileName, lineOffset: -1 }).runInContext(context) as (r: typeof requireShim) => Record<string, unknown>;
    const previous = current;
    current = newRunState();
    let exported: Record<string, unknown>;
    try {
      exported = factory(requireShim);
    } catch (error) {
      const { detail, line, column } = describeRuntimeError(error, fileName);
      throw new CodeRestrictionError(fileName, [{ rule: 'module-evaluation', message: detail, line: line ?? 1, column: column ?? 1 }]);
    } finally {
      current = previous;
    }
    const handlers: Prepared = {};
    if (typeof exported.request === 'function') handlers.request = exported.request as Handler;
    if (typeof exported.response === 'function') handlers.response = exported.response as Handler;
    const loaded: LoadedCode = Object.freeze({ fileName, hasRequest: Boolean(handlers.request), hasResponse: Boolean(handlers.response) });
    prepared.set(loaded, handlers);
    return loaded;
  }

  function run(code: LoadedCode, handler: 'request' | 'response', init: ContextInit): HandlerRun {
    const handlers = prepared.get(code);
    if (!handlers) throw new Error(`${code.fileName} was not loaded by this runtime`);
    const fn = handlers[handler];
    const state = newRunState(init.info.fieldName, init.info.parentTypeName, init.authType);
    const finish = (outcome: HandlerOutcome): HandlerRun => ({ outcome, appendedErrors: state.appendedErrors, logs: state.logs, effects: state.effects });
    if (!fn) {
      return finish({
        kind: 'error',
        error: { message: `${code.fileName}: the module does not export a ${handler} function`, errorType: 'Code', data: null, errorInfo: null },
      });
    }
    const previous = current;
    current = state;
    try {
      return finish({ kind: 'value', value: fn(buildContext(init)) });
    } catch (error) {
      if (error instanceof UtilErrorSignal) return finish({ kind: 'error', error: error.entry });
      if (error instanceof EarlyReturnSignal) return finish({ kind: 'earlyReturn', value: error.value, skipTo: error.skipTo });
      return finish({ kind: 'error', error: runtimeErrorEntry(describeRuntimeError(error, code.fileName).detail) });
    } finally {
      current = previous;
    }
  }

  return { load, run };
}

/**
 * `ctx.info`: `selectionSetList`/`selectionSetGraphQL` are prototype getters, so they are readable
 * but not own enumerable properties — AWS leaves them out of `JSON.stringify(ctx.info)`.
 */
class InfoView {
  readonly fieldName: string;
  readonly parentTypeName: string;
  readonly variables: Record<string, unknown>;
  readonly #info: ContextInit['info'];
  constructor(info: ContextInit['info']) {
    this.fieldName = info.fieldName;
    this.parentTypeName = info.parentTypeName;
    this.variables = info.variables;
    this.#info = info;
  }
  get selectionSetList(): string[] {
    return this.#info.selectionSetList;
  }
  get selectionSetGraphQL(): string {
    return this.#info.selectionSetGraphQL;
  }
}

/**
 * A fresh `ctx` per run, frozen at the top: its base properties cannot be reassigned or deleted
 * and none can be added (resolver-context-reference-js.html; eslint rule
 * no-disallowed-re-assignment), while their contents — `ctx.stash.x = …` — stay writable. `stash`
 * is the caller's object, so a pipeline shares it. Freezing a literal is several times cheaper
 * than defining each property, and handlers run for every batch of every import.
 */
export function buildContext(init: ContextInit): Record<string, unknown> {
  return Object.freeze({
    arguments: init.arguments,
    args: init.arguments,
    identity: init.identity,
    source: init.source,
    stash: init.stash,
    prev: init.prev,
    request: init.request,
    info: new InfoView(init.info),
    env: init.env,
    result: init.result,
    error: init.error ?? undefined,
  });
}
