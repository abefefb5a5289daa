/**
 * The offline twin of AppSync's EvaluateCode (`aws appsync evaluate-code`,
 * https://docs.aws.amazon.com/appsync/latest/APIReference/API_EvaluateCode.html): runs one handler
 * of an APPSYNC_JS module against a context given as JSON and answers in the API's shape —
 * `evaluationResult` (a JSON string), `error` (`message`, `codeErrors`), `logs`, `stash` and
 * `outErrors` (JSON strings).
 */
import { bundleAppsyncCode } from '../bundle';
import path from 'node:path';
import { CodeRestrictionError, type AppSyncErrorEntry, type ContextInit } from './contracts';
import { createRuntime, runtimeErrorDetail } from './runtime/index';

export interface EvaluateCodeInput {
  runtime: { name: string; runtimeVersion: string };
  code: string;
  /** The context as a JSON string, like the API's `context`. */
  context: string;
  /** Defaults to `request`. */
  function?: 'request' | 'response';
}

/** API_CodeError.html */
export interface CodeError {
  errorType: string;
  value: string;
  location: { line: number; column: number; span: number };
}

export interface EvaluateCodeOutput {
  evaluationResult?: string;
  error?: { message: string; codeErrors?: CodeError[] };
  logs?: string[];
  stash?: string;
  outErrors?: string;
}

export class EvaluateInputError extends Error {
  override name = 'EvaluateInputError';
}

/** The name AppSync gives the evaluated code in error positions (`code.js:L:C`). */
const CODE_FILE = 'code.js';

type Json = Record<string, unknown>;

function asObject(value: unknown): Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : {};
}

/** Builds the handler context from EvaluateCode's context JSON, filling what the caller left out. */
export function contextFromJson(json: Json): ContextInit {
  const info = asObject(json.info);
  const request = asObject(json.request);
  const prev = asObject(json.prev);
  const args = asObject(json.arguments ?? json.args);
  const error = asObject(json.error);
  return {
    arguments: args,
    source: json.source ?? null,
    identity: json.identity === undefined || json.identity === null ? null : asObject(json.identity),
    request: {
      headers: asObject(request.headers) as Record<string, string | string[]>,
      domainName: typeof request.domainName === 'string' ? request.domainName : null,
    },
    info: {
      fieldName: typeof info.fieldName === 'string' ? info.fieldName : '',
      parentTypeName: typeof info.parentTypeName === 'string' ? info.parentTypeName : '',
      variables: asObject(info.variables),
      selectionSetList: Array.isArray(info.selectionSetList) ? info.selectionSetList.map(String) : [],
      selectionSetGraphQL: typeof info.selectionSetGraphQL === 'string' ? info.selectionSetGraphQL : '',
    },
    env: asObject(json.env) as Record<string, string>,
    stash: asObject(json.stash),
    prev: { result: prev.result ?? null },
    result: json.result,
    error: json.error ? { message: String(error.message ?? ''), type: String(error.type ?? '') } : null,
    authType: typeof json.authType === 'string' ? json.authType : authTypeOf(json.identity),
  };
}

const has = (id: Json, ...keys: string[]): boolean => keys.every((k) => Object.hasOwn(id, k));

/**
 * What `util.authType()` answers for a mock identity of this shape. AWS reads the mode back from
 * the identity's keys (resolver-context-reference-js.html lists each mode's identity); an identity
 * that is no mode's complete shape counts as an API key. Checked against AWS EvaluateCode answers
 * recorded by localstack/appsync-utils (__tests__/__snapshots__/authType.test.js.snap): an empty
 * identity `{}` is "Lambda Authorization" (an authorizer that returned no resolverContext); an IAM
 * identity without `userArn`, or with `sourceIp: null`, falls back to "API Key Authorization".
 */
export function authTypeOf(identity: unknown): string {
  if (identity === null || identity === undefined || typeof identity !== 'object' || Array.isArray(identity)) return 'API Key Authorization';
  const id = identity as Json;
  const keys = Object.keys(id);
  if (keys.length === 0 || has(id, 'resolverContext')) return 'Lambda Authorization';
  if (has(id, 'accountId', 'userArn', 'sourceIp') && Array.isArray(id.sourceIp)) return 'IAM Authorization';
  if (has(id, 'sub', 'issuer', 'claims', 'username', 'defaultAuthStrategy', 'sourceIp') && Array.isArray(id.sourceIp)) return 'User Pool Authorization';
  if (has(id, 'sub', 'issuer', 'claims') && keys.every((k) => ['sub', 'issuer', 'claims'].includes(k))) return 'Open ID Connect Authorization';
  return 'API Key Authorization';
}

function outError(entry: AppSyncErrorEntry): Json {
  const out: Json = { message: entry.message };
  if (entry.errorType !== null) out.type = entry.errorType;
  if (entry.data !== null) out.data = entry.data;
  if (entry.errorInfo !== null) out.errorInfo = entry.errorInfo;
  return out;
}

const sharedRuntime = createRuntime();

export interface EvaluateOptions {
  /** Clock for `util.time.now*` (tests pin it to the instant a documentation example was taken). */
  now?: () => number;
}

/**
 * @example
 * const out = evaluateCode({ runtime: { name: 'APPSYNC_JS', runtimeVersion: '1.0.0' }, code, context: '{"arguments":{"id":"1"}}', function: 'request' });
 * JSON.parse(out.evaluationResult!) // → { operation: 'GetItem', key: { id: { S: '1' } } }
 */
export function evaluateCode(input: EvaluateCodeInput, options: EvaluateOptions = {}): EvaluateCodeOutput {
  const runtime = options.now ? createRuntime({ now: options.now }) : sharedRuntime;
  if (input.runtime?.name !== 'APPSYNC_JS') throw new EvaluateInputError(`runtime name must be APPSYNC_JS, not ${String(input.runtime?.name)}`);
  if (input.runtime.runtimeVersion !== '1.0.0') throw new EvaluateInputError(`runtimeVersion must be 1.0.0, not ${String(input.runtime.runtimeVersion)}`);
  const handler = input.function ?? 'request';
  if (handler !== 'request' && handler !== 'response') throw new EvaluateInputError(`function must be request or response, not ${String(handler)}`);
  // API_EvaluateCode.html length constraints.
  if (input.code.length < 1 || input.code.length > 32768) throw new EvaluateInputError(`code must be 1 to 32768 characters, not ${input.code.length}`);
  if (input.context.length < 2 || input.context.length > 28000) throw new EvaluateInputError(`context must be 2 to 28000 characters, not ${input.context.length}`);
  let contextJson: unknown;
  try {
    contextJson = JSON.parse(input.context);
  } catch (error) {
    throw new EvaluateInputError(`context is not valid JSON: ${(error as Error).message}`);
  }
  if (typeof contextJson !== 'object' || contextJson === null || Array.isArray(contextJson)) throw new EvaluateInputError('context must be a JSON object');

  let loaded;
  try {
    loaded = runtime.load(input.code, CODE_FILE);
  } catch (error) {
    if (!(error instanceof CodeRestrictionError)) throw error;
    return {
      error: {
        message: 'The code contains one or more errors.',
        codeErrors: error.violations.map((v) => ({
          errorType: v.rule === 'syntax' ? 'PARSE_ERROR' : 'CODE_ERROR',
          value: `${CODE_FILE}(${v.line},${v.column}): ${v.message}`,
          location: { line: v.line, column: v.column, span: 1 },
        })),
      },
      logs: [],
    };
  }
  const init = contextFromJson(contextJson as Json);
  const run = runtime.run(loaded, handler, init);
  // Keys in the order the API documents its response (evaluationResult, error, logs, stash, outErrors).
  const out: EvaluateCodeOutput = {};
  const outErrors = run.appendedErrors.map(outError);
  if (run.outcome.kind === 'error') {
    // EvaluateCode reports where an uncaught error happened (`code.js:L:C: …`); a GraphQL response
    // only says "Runtime Error".
    out.error = { message: runtimeErrorDetail(run.outcome.error) ?? run.outcome.error.message };
    outErrors.push(outError(run.outcome.error));
  } else {
    out.evaluationResult = JSON.stringify(run.outcome.value === undefined ? null : run.outcome.value);
  }
  out.logs = run.logs;
  out.stash = JSON.stringify(init.stash);
  out.outErrors = JSON.stringify(outErrors);
  return out;
}

/**
 * Bundles a TypeScript (or multi-file JavaScript) resolver for `foreman evaluate --code file://x.ts`
 * with the very bundler the local stack and the CDK app use (infra/bundle.ts), so `code.js:L:C`
 * positions are those of the code AppSync would receive.
 */
export function bundleForEvaluate(file: string): Promise<string> {
  return bundleAppsyncCode(path.resolve(file));
}
