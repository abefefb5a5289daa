/**
 * Runs one handler of a resolver or function bundle in the local APPSYNC_JS runtime, without a
 * data source: the test plays DynamoDB by passing `result`/`error` to response handlers.
 */
import { bundleAppsyncCode } from '../../infra/bundle';
import type { ContextInit, HandlerOutcome, LoadedCode } from '../../infra/local/contracts';
import { createRuntime } from '../../infra/local/runtime';
import { localEnvironment } from '../../infra/wiring';

const runtime = createRuntime();
const loaded = new Map<string, LoadedCode>();

export interface HandlerInput {
  args?: Record<string, unknown>;
  stash?: Record<string, unknown>;
  prevResult?: unknown;
  result?: unknown;
  error?: { message: string; type: string } | null;
  /** The caller; default: an IAM back-end caller (the S3 processor's role), which may touch any ingestion. */
  identity?: Record<string, unknown> | null;
  authType?: string;
  /** `ctx.info.fieldName` (the generic import and get/list resolvers find their model by it); default `test`. */
  fieldName?: string;
  parentTypeName?: string;
  /** Further `ctx.env` variables (a fixture model's table), over the local stack's. */
  env?: Record<string, string>;
}

/** `ctx.identity` of an IAM caller, as AppSync shapes it. */
export const IAM_IDENTITY = {
  accountId: '123456789012',
  cognitoIdentityPoolId: null,
  cognitoIdentityId: null,
  sourceIp: ['127.0.0.1'],
  username: 'AROAFOREMANPROCESSOR:csv-processor',
  userArn: 'arn:aws:sts::123456789012:assumed-role/foreman-csv-processor/csv-processor',
  cognitoIdentityAuthType: null,
  cognitoIdentityAuthProvider: null,
};

/** Loads (once) and runs `handler` of `file`; the same `stash` object can be passed along a pipeline. */
export async function runHandler(file: string, handler: 'request' | 'response', input: HandlerInput = {}): Promise<HandlerOutcome> {
  let code = loaded.get(file);
  if (!code) {
    code = runtime.load(await bundleAppsyncCode(file), file);
    loaded.set(file, code);
  }
  const init: ContextInit = {
    arguments: input.args ?? {},
    source: null,
    identity: input.identity === undefined ? IAM_IDENTITY : input.identity,
    request: { headers: {}, domainName: null },
    info: { fieldName: input.fieldName ?? 'test', parentTypeName: input.parentTypeName ?? 'Mutation', variables: {}, selectionSetList: [], selectionSetGraphQL: '' },
    env: { ...localEnvironment, ...input.env },
    stash: input.stash ?? {},
    prev: { result: input.prevResult ?? null },
    result: input.result,
    error: input.error ?? null,
    authType: input.authType ?? (input.identity === undefined ? 'IAM Authorization' : 'API Key Authorization'),
  };
  return runtime.run(code, handler, init).outcome;
}

/** The value of a handler that must have returned normally. */
export function valueOf(outcome: HandlerOutcome): unknown {
  if (outcome.kind !== 'value') throw new Error(`expected a value, got ${JSON.stringify(outcome)}`);
  return outcome.value;
}
