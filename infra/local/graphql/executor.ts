/**
 * The local AppSync's GraphQL engine: parse → validate → execute with graphql-js, every wired
 * field run as an AppSync pipeline (resolver request "before" → for each function: request → data
 * source → response → resolver response "after"), the schema's auth directives enforced per
 * field, and responses and errors shaped as AppSync shapes them.
 */
import {
  BREAK,
  GraphQLError,
  Kind,
  OperationTypeNode,
  execute,
  getNamedType,
  isObjectType,
  parse,
  validate,
  valueFromASTUntyped,
  visit,
  type ASTNode,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLFieldResolver,
  type GraphQLResolveInfo,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from 'graphql';
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { bundleAppsyncCode, repoRoot } from '../../bundle';
import * as wiringModule from '../../wiring';
import type { ApiDataSourceSpec, ApiFunctionSpec, ApiResolverSpec, TableSpec } from '../../wiring';
import {
  CodeRestrictionError,
  type AppSyncErrorEntry,
  type AppSyncJsRuntime,
  type AuthMode,
  type Authenticator,
  type ContextInit,
  type HandlerRun,
  type LoadedCode,
  type MutationPublisher,
  type ResolverInfo,
} from '../contracts';
import { createDataSource, RequestObjectError, type DataSourceDeps, type DataSourceOutcome, type LocalDataSource } from '../datasources';
import { invokeNone } from '../datasources/none';
import { FieldFailure, formatExecutionError, formatValidationError, locationsOf, type AppSyncResponse, type AppSyncResponseError } from './errors';
import { checkOperationLimits, type OperationLimits } from './limits';
import { flattenFields, selectionSetGraphQL, selectionSetList, unalias } from './selection';
import { QUERY_DEPTH_LIMIT, RESOLVER_COUNT_LIMIT } from '../../limits';

const DOCUMENT_CACHE_SIZE = 256;

/**
 * What the executor serves: any API's tables, data sources, functions and resolvers. Code paths are
 * absolute or relative to `root`; a function or resolver without `code` takes its path from
 * `functionCodePath`/`resolverCodePath` (Foreman's conventions), if given.
 */
export interface LocalWiring {
  tables: TableSpec[];
  dataSources: ApiDataSourceSpec[];
  functions: ApiFunctionSpec[];
  resolvers: ApiResolverSpec[];
  resolverCodePath?(r: Pick<ApiResolverSpec, 'typeName' | 'fieldName'>): string;
  functionCodePath?(name: string): string;
  /** Where relative paths start. Default: the current directory. */
  root?: string;
}

/** The repository's wiring table (Foreman's API), as it is when this is called. */
export function repositoryWiring(): LocalWiring {
  return {
    tables: wiringModule.tables,
    dataSources: wiringModule.dataSources,
    functions: wiringModule.functions,
    resolvers: wiringModule.resolvers,
    resolverCodePath: wiringModule.resolverCodePath,
    functionCodePath: wiringModule.functionCodePath,
    root: repoRoot,
  };
}

/** A wired file is missing, does not bundle, or breaks APPSYNC_JS's rules; or the wiring contradicts itself. */
export class WiredCodeError extends Error {
  override name = 'WiredCodeError';
}

export interface ExecutorOptions {
  schema: GraphQLSchema;
  runtime: AppSyncJsRuntime;
  auth: Authenticator;
  /** `ctx.env` for every handler. */
  env: Record<string, string>;
  /** The DynamoDB client, or a getter for the one in use now. */
  dynamodb: DynamoDBClient | null | (() => DynamoDBClient | null);
  /** Physical table names (data sources name tables by id). */
  tableNames: Record<string, string>;
  wiring: LocalWiring;
  publisher?: MutationPublisher;
  /** Bundles a file given by absolute path (default: infra/bundle.ts). */
  bundle?: (file: string) => Promise<string>;
  /** Handler `console.*` lines. Default: dropped. */
  onLog?: (line: string) => void;
  /** AppSync's queryDepthLimit / resolverCountLimit. Default: infra/limits.ts, as the CDK app sets them. */
  limits?: Partial<OperationLimits>;
  /** Where data sources record things (EventBridge's log); null keeps it in memory. */
  dataDir?: string | null;
  /** Credentials for SigV4-signed HTTP data sources (default: the AWS SDK's chain). */
  credentials?: DataSourceDeps['credentials'];
  /** False while DynamoDB Local restarts: DynamoDB calls then answer a transient error. */
  dynamodbAvailable?: () => boolean;
}

export interface GraphQLRequestBody {
  query?: unknown;
  variables?: unknown;
  operationName?: unknown;
}

/** Who is calling, already authenticated. */
export interface CallerContext {
  mode: AuthMode;
  identity: Record<string, unknown> | null;
  authType: string;
  /** Request headers as `ctx.request.headers` shows them (lower-case names, repeated ones as arrays, no cookie). */
  headers: Record<string, string | string[]>;
}

/** A Subscription field's resolver run at `start`: refused, or the enhanced filter it set. */
export type SubscriptionResolution = { ok: true; filter: unknown; hasFilter: boolean } | { ok: false; error: AppSyncErrorEntry };

export type ResolverBase = Omit<ContextInit, 'prev' | 'result' | 'error'>;

export interface LocalExecutor {
  execute(body: GraphQLRequestBody, caller: CallerContext): Promise<AppSyncResponse>;
  /** Swapped in by the stack once real-time is attached. */
  setPublisher(publisher: MutationPublisher): void;
  /** Runs a Subscription field's resolver (the same pipeline code as every other field). */
  resolveSubscription(fieldName: string, base: ResolverBase): Promise<SubscriptionResolution>;
  /** The data sources by name (e.g. an EventBridge data source's recorded events). */
  readonly dataSources: ReadonlyMap<string, LocalDataSource>;
  /** Releases what data sources hold (Lambda child processes). */
  close(): Promise<void>;
  readonly schema: GraphQLSchema;
}

/** One step of a pipeline: its code and how its data source is called. */
export interface PipelineStep {
  code: LoadedCode;
  invoke(request: unknown, context: ContextInit): Promise<DataSourceOutcome>;
}

/**
 * A resolver ready to run: UNIT (`unit` set: the resolver's own request/response around its data
 * source; `code` null = a direct Lambda resolver) or PIPELINE (`functions`).
 */
export interface RunnableResolver {
  code: LoadedCode | null;
  unit: ((request: unknown, context: ContextInit, direct: boolean) => Promise<DataSourceOutcome>) | null;
  functions: PipelineStep[];
}

export interface RunHooks {
  /** util.appendError entries of a handler. */
  onAppend(entries: AppSyncErrorEntry[]): void;
  /** Every handler run (logs, extensions effects). */
  onRun?(run: HandlerRun): void;
}

/**
 * Runs one resolver as AppSync does. PIPELINE: "before" (its return becomes ctx.prev.result of
 * function 1; runtime.earlyReturn there skips the functions and calls "after" at once, whatever
 * skipTo says, runtime-utils-js.html) → for each function request → data source → response →
 * "after". UNIT: request → data source → response; earlyReturn in the request skips the data
 * source and the response. Handler errors throw FieldFailure.
 */
export async function runResolver(runtime: AppSyncJsRuntime, resolver: RunnableResolver, base: ResolverBase, hooks: RunHooks): Promise<unknown> {
  const step = (code: LoadedCode, handler: 'request' | 'response', extra: Pick<ContextInit, 'prev'> & Partial<ContextInit>): HandlerRun => {
    const run = runtime.run(code, handler, { ...base, ...extra });
    hooks.onRun?.(run);
    if (run.appendedErrors.length) hooks.onAppend(run.appendedErrors);
    if (run.outcome.kind === 'error') throw new FieldFailure(run.outcome.error);
    return run;
  };
  const valueOf = (run: HandlerRun): unknown => (run.outcome.kind === 'error' ? undefined : run.outcome.value);
  const jumpsToEnd = (run: HandlerRun): boolean => run.outcome.kind === 'earlyReturn' && run.outcome.skipTo === 'END';

  if (resolver.unit) {
    if (!resolver.code) {
      // Direct Lambda resolver: the context is the event, the function's answer the field's value.
      const outcome = await resolver.unit(null, { ...base, prev: { result: null } }, true);
      if (outcome.error) throw new FieldFailure({ message: outcome.error.message, errorType: outcome.error.type, data: null, errorInfo: null });
      return outcome.result;
    }
    const request = step(resolver.code, 'request', { prev: { result: null } });
    if (request.outcome.kind === 'earlyReturn') return request.outcome.value;
    const context = { ...base, prev: { result: null } };
    const outcome = await resolver.unit(valueOf(request), context, false);
    return valueOf(step(resolver.code, 'response', { prev: { result: null }, result: outcome.result, error: outcome.error }));
  }
  if (!resolver.code) throw new Error('A pipeline resolver needs code');
  const before = step(resolver.code, 'request', { prev: { result: {} } });
  let prev = valueOf(before);
  if (before.outcome.kind !== 'earlyReturn') {
    for (const fn of resolver.functions) {
      const request = step(fn.code, 'request', { prev: { result: prev } });
      if (request.outcome.kind === 'earlyReturn') {
        // The data source and the function's response are skipped.
        prev = request.outcome.value;
        if (jumpsToEnd(request)) break;
        continue;
      }
      const outcome = await fn.invoke(valueOf(request), { ...base, prev: { result: prev } });
      const response = step(fn.code, 'response', { prev: { result: prev }, result: outcome.result, error: outcome.error });
      prev = valueOf(response);
      if (jumpsToEnd(response)) break;
    }
  }
  return valueOf(step(resolver.code, 'response', { prev: { result: prev }, result: prev }));
}

/** A NONE data source step (subscription resolvers given as bare code). */
export const invokeNoneStep = async (request: unknown): Promise<DataSourceOutcome> => invokeNone(request);

interface RequestState {
  caller: CallerContext;
  variables: Record<string, unknown>;
  fragments: Record<string, FragmentDefinitionNode>;
  /** util.appendError entries, already shaped with the field's path and locations. */
  appended: AppSyncResponseError[];
  /** Resolvers started so far (AppSync's resolverCountLimit counts lists' repeats too). */
  resolversRun: number;
}

/** `file` as the wiring names it (messages show it so); `absolute` is where it is. */
async function loadFile(file: string, absolute: string, runtime: AppSyncJsRuntime, bundle: (file: string) => Promise<string>, what: string): Promise<LoadedCode> {
  if (!existsSync(absolute)) throw new WiredCodeError(`${what} is wired but ${file} does not exist`);
  let code: string;
  try {
    code = await bundle(absolute);
  } catch (error) {
    throw new WiredCodeError(`${what}: ${file} does not bundle: ${(error as Error).message}`);
  }
  try {
    return runtime.load(code, file);
  } catch (error) {
    if (error instanceof CodeRestrictionError) throw new WiredCodeError(`${what}: APPSYNC_JS refuses ${file}: ${error.message}`);
    throw new WiredCodeError(`${what}: ${file} cannot be loaded: ${(error as Error).message}`);
  }
}

/** Loads (bundles, checks) every wired resolver and function once, then serves requests. */
export async function createExecutor(options: ExecutorOptions): Promise<LocalExecutor> {
  const { schema, runtime, auth, wiring } = options;
  const limits: OperationLimits = {
    queryDepthLimit: options.limits?.queryDepthLimit ?? QUERY_DEPTH_LIMIT,
    resolverCountLimit: options.limits?.resolverCountLimit ?? RESOLVER_COUNT_LIMIT,
  };
  const bundle = options.bundle ?? bundleAppsyncCode;
  const root = path.resolve(wiring.root ?? process.cwd());
  const resolvePath = (file: string): string => path.resolve(root, file);
  let publisher: MutationPublisher = options.publisher ?? { publish: () => undefined };

  const deps: DataSourceDeps = {
    root,
    dataDir: options.dataDir ?? null,
    tableNames: options.tableNames,
    dynamodb: typeof options.dynamodb === 'function' ? options.dynamodb : () => options.dynamodb as DynamoDBClient | null,
    credentials: options.credentials,
    onLog: options.onLog,
    dynamodbAvailable: options.dynamodbAvailable,
  };
  const dataSources = new Map<string, LocalDataSource>();
  for (const spec of wiring.dataSources) {
    if (dataSources.has(spec.name)) throw new WiredCodeError(`Data source ${spec.name} is defined twice`);
    try {
      dataSources.set(spec.name, createDataSource(spec, deps));
    } catch (error) {
      throw new WiredCodeError((error as Error).message);
    }
  }
  const invokerFor = (name: string, owner: string, field: string) => {
    const dataSource = dataSources.get(name);
    if (!dataSource) throw new WiredCodeError(`${owner} uses data source ${name}, which is not among the data sources`);
    return async (request: unknown, context: ContextInit, direct = false): Promise<DataSourceOutcome> => {
      try {
        return await dataSource.invoke({ request, field, context, direct });
      } catch (error) {
        if (error instanceof RequestObjectError) {
          throw new FieldFailure({ errorType: error.errorType, message: error.message, data: null, errorInfo: null });
        }
        throw error;
      }
    };
  };

  const functionSpecs = new Map(wiring.functions.map((f) => [f.name, f]));
  const loadedFunctions = new Map<string, Promise<LoadedCode>>();
  const functionCode = (name: string, owner: string): Promise<LoadedCode> => {
    let pending = loadedFunctions.get(name);
    if (!pending) {
      const spec = functionSpecs.get(name)!;
      const file = spec.code ?? wiring.functionCodePath?.(name);
      if (!file) throw new WiredCodeError(`Function ${name} has no code path`);
      pending = loadFile(file, resolvePath(file), runtime, bundle, `Function ${name} (used by ${owner})`);
      loadedFunctions.set(name, pending);
    }
    return pending;
  };

  const resolvers = new Map<string, RunnableResolver>();
  await Promise.all(
    wiring.resolvers.map(async (spec) => {
      const key = `${spec.typeName}.${spec.fieldName}`;
      const type = schema.getType(spec.typeName);
      if (!isObjectType(type) || !type.getFields()[spec.fieldName]) throw new WiredCodeError(`${key} is wired but the schema has no such field`);
      if (resolvers.has(key)) throw new WiredCodeError(`${key} is wired twice`);
      const kind = spec.kind ?? (spec.dataSource !== undefined ? 'UNIT' : 'PIPELINE');
      if (kind === 'UNIT') {
        if (!spec.dataSource) throw new WiredCodeError(`Resolver ${key} is UNIT but names no dataSource`);
        if (spec.pipeline?.length) throw new WiredCodeError(`Resolver ${key} is UNIT but lists pipeline functions: make it a PIPELINE, or drop the functions`);
        const unit = invokerFor(spec.dataSource, `Resolver ${key}`, key);
        const direct = dataSources.get(spec.dataSource)?.kind === 'AWS_LAMBDA' && spec.code === undefined;
        const file = direct ? undefined : (spec.code ?? wiring.resolverCodePath?.(spec));
        if (!direct && !file) throw new WiredCodeError(`Resolver ${key} has no code`);
        const code = file ? await loadFile(file, resolvePath(file), runtime, bundle, `Resolver ${key}`) : null;
        resolvers.set(key, { code, unit, functions: [] });
        return;
      }
      if (spec.dataSource !== undefined) throw new WiredCodeError(`Resolver ${key} is a PIPELINE but names dataSource ${spec.dataSource}: its functions name their data sources`);
      const names = spec.pipeline ?? [];
      for (const name of names) if (!functionSpecs.has(name)) throw new WiredCodeError(`Resolver ${key} names function ${name}, which is not among the functions`);
      if (names.length === 0) options.onLog?.(`Resolver ${key} is a PIPELINE with no functions: its "after" handler receives what "before" returned. A resolver that talks to a data source itself is UNIT (give it a dataSource).`);
      const file = spec.code ?? wiring.resolverCodePath?.(spec);
      if (!file) throw new WiredCodeError(`Resolver ${key} has no code path`);
      const [code, ...codes] = await Promise.all([loadFile(file, resolvePath(file), runtime, bundle, `Resolver ${key}`), ...names.map((n) => functionCode(n, `Resolver ${key}`))]);
      const functions = names.map((n, i) => ({ code: codes[i]!, invoke: invokerFor(functionSpecs.get(n)!.dataSource, `Function ${n}`, key) }));
      resolvers.set(key, { code, unit: null, functions });
    }),
  );

  const log = (run: HandlerRun): void => {
    if (options.onLog) for (const line of run.logs) options.onLog(line);
  };

  const returnTypeName = (parentType: string | null, fieldName: string): string | null => {
    if (!parentType) return null;
    const type = schema.getType(parentType);
    if (!isObjectType(type)) return null;
    const field = type.getFields()[fieldName];
    return field ? getNamedType(field.type).name : null;
  };

  const selectionViews = new WeakMap<FieldNode, { list: string[]; graphql: string }>();

  const fieldResolver: GraphQLFieldResolver<unknown, RequestState> = async (source, args, state, info) => {
    const typeName = info.parentType.name;
    const fieldName = info.fieldName;
    if (!auth.isFieldAllowed(typeName, fieldName, state.caller.mode, state.caller.identity)) {
      throw new FieldFailure({ errorType: 'Unauthorized', message: `Not Authorized to access ${fieldName} on type ${typeName}`, data: null, errorInfo: null });
    }
    const resolver = resolvers.get(`${typeName}.${fieldName}`);
    if (!resolver) {
      // Unwired fields resolve from the parent object by name.
      return source !== null && typeof source === 'object' ? (source as Record<string, unknown>)[fieldName] : undefined;
    }
    const node = info.fieldNodes[0]!;
    state.resolversRun += 1;
    if (state.resolversRun > limits.resolverCountLimit) {
      throw new FieldFailure({
        errorType: 'ResolverExecutionLimitReached',
        message: `Resolver count limit of ${limits.resolverCountLimit} reached: ${typeName}.${fieldName} was not resolved.`,
        data: null,
        errorInfo: null,
      });
    }
    // Documents are cached, so their field nodes are too: compute each selection view once.
    let views = selectionViews.get(node);
    if (!views) {
      views = { list: selectionSetList(node, state.fragments, getNamedType(info.returnType).name, returnTypeName), graphql: selectionSetGraphQL(node) };
      selectionViews.set(node, views);
    }
    const resolverInfo: ResolverInfo = {
      fieldName,
      parentTypeName: typeName,
      variables: state.variables,
      selectionSetList: [...views.list],
      selectionSetGraphQL: views.graphql,
    };
    const base: Omit<ContextInit, 'prev' | 'result' | 'error'> = {
      arguments: args as Record<string, unknown>,
      source: source ?? null,
      identity: state.caller.identity,
      request: { headers: state.caller.headers, domainName: null },
      info: resolverInfo,
      env: options.env,
      stash: {},
      authType: state.caller.authType,
    };
    const appendFor = (entries: AppSyncErrorEntry[]): void => {
      for (const e of entries) {
        state.appended.push({
          path: pathOf(info),
          data: filterData(e.data, node, state.fragments),
          errorType: e.errorType ?? null,
          errorInfo: e.errorInfo ?? null,
          locations: locationsOf(new GraphQLError(e.message, { nodes: info.fieldNodes })),
          message: e.message,
        });
      }
    };
    try {
      return await runResolver(runtime, resolver, base, { onAppend: appendFor, onRun: log });
    } catch (error) {
      if (error instanceof FieldFailure) {
        // util.error's data is filtered by the field's selection set; errorInfo is not.
        throw new FieldFailure({ ...error.entry, data: filterData(error.entry.data, node, state.fragments) });
      }
      throw error;
    }
  };

  const documents = new Map<string, { document: DocumentNode; validationErrors?: readonly GraphQLError[] }>();
  const isWired = (typeName: string, fieldName: string): boolean => resolvers.has(`${typeName}.${fieldName}`);

  return {
    schema,
    dataSources,
    setPublisher(next) {
      publisher = next;
    },
    async close() {
      await Promise.all([...dataSources.values()].map((d) => d.close?.()));
    },
    async resolveSubscription(fieldName, base) {
      const resolver = resolvers.get(`Subscription.${fieldName}`);
      if (!resolver) return { ok: true, filter: undefined, hasFilter: false };
      let filter: unknown;
      let hasFilter = false;
      const onRun = (run: HandlerRun): void => {
        log(run);
        if (run.effects.subscriptionFilter !== undefined) {
          filter = run.effects.subscriptionFilter;
          hasFilter = true;
        }
      };
      try {
        await runResolver(runtime, resolver, base, { onAppend: () => undefined, onRun });
      } catch (error) {
        if (error instanceof FieldFailure) return { ok: false, error: error.entry };
        throw error;
      }
      return { ok: true, filter, hasFilter };
    },
    async execute(body, caller) {
      if (typeof body.query !== 'string' || body.query.trim() === '') {
        return { data: null, errors: [{ path: null, locations: null, message: 'Invalid request: a GraphQL query string is required.' }] };
      }
      // Clients send the same few documents over and over (one per batch): parse and validate once.
      let prepared = documents.get(body.query);
      if (!prepared) {
        try {
          prepared = { document: parse(body.query) };
        } catch (error) {
          const e = error instanceof GraphQLError ? error : new GraphQLError(String(error));
          return { data: null, errors: [formatValidationError(e, () => '')] };
        }
        if (documents.size >= DOCUMENT_CACHE_SIZE) documents.delete(documents.keys().next().value as string);
        documents.set(body.query, prepared);
      }
      const operationName = typeof body.operationName === 'string' ? body.operationName : undefined;
      // Before validation: validating a 10,000-alias document is the expensive part.
      const overLimit = checkOperationLimits(prepared.document, operationName, schema, isWired, limits);
      if (overLimit) return { data: null, errors: [overLimit] };
      prepared.validationErrors ??= validate(schema, prepared.document);
      const { document, validationErrors } = prepared;
      if (validationErrors.length) {
        return {
          data: null,
          errors: validationErrors.map((e) =>
            formatValidationError(
              e,
              (err) => queryPath(document, err.nodes?.[0]).field,
              (err) => queryPath(document, err.nodes?.[0]).argument,
            ),
          ),
        };
      }
      // Some clients send `variables` as a JSON string.
      let rawVariables = body.variables;
      if (typeof rawVariables === 'string') {
        try {
          rawVariables = JSON.parse(rawVariables) as unknown;
        } catch {
          return { data: null, errors: [{ path: null, locations: null, message: 'Invalid request: variables is not valid JSON.' }] };
        }
      }
      const variables = rawVariables && typeof rawVariables === 'object' && !Array.isArray(rawVariables) ? (rawVariables as Record<string, unknown>) : {};
      const fragments: Record<string, FragmentDefinitionNode> = {};
      for (const def of document.definitions) if (def.kind === Kind.FRAGMENT_DEFINITION) fragments[def.name.value] = def;
      const state: RequestState = { caller, variables, fragments, appended: [], resolversRun: 0 };
      const result = await execute({ schema, document, variableValues: variables, operationName, contextValue: state, fieldResolver, rootValue: {} });
      if (!result.data && result.errors?.length && result.errors.every((e) => !e.path)) {
        // Request-level problems (bad variables, unknown operation): no data, validation-style errors.
        return { data: null, errors: result.errors.map((e) => formatValidationError(e, () => '')) };
      }
      const errors = [...state.appended, ...(result.errors ?? []).map((e) => formatExecutionError(e, schema))];
      const data = (result.data as Record<string, unknown> | null | undefined) ?? null;
      const operation = findOperation(document, operationName);
      if (operation?.operation === OperationTypeNode.MUTATION && data) publishMutations(operation, data, variables, fragments, publisher);
      return errors.length ? { data, errors } : { data };
    },
  };
}

function pathOf(info: GraphQLResolveInfo): (string | number)[] {
  const out: (string | number)[] = [];
  for (let p: GraphQLResolveInfo['path'] | undefined = info.path; p; p = p.prev) out.unshift(p.key);
  return out;
}

/** Keeps only what the field's selection set asks for (aliases applied), as AppSync filters `data`. */
function filterData(data: unknown, node: FieldNode, fragments: Record<string, FragmentDefinitionNode>): unknown {
  if (data === undefined || data === null) return null;
  if (!node.selectionSet) return data;
  const filter = (value: unknown, set: FieldNode['selectionSet']): unknown => {
    if (value === null || value === undefined || !set) return value ?? null;
    if (Array.isArray(value)) return value.map((v) => filter(v, set));
    if (typeof value !== 'object') return value;
    const out: Record<string, unknown> = {};
    for (const f of flattenFields(set, fragments, null)) {
      const v = (value as Record<string, unknown>)[f.name.value];
      if (v !== undefined) out[f.alias?.value ?? f.name.value] = filter(v, f.selectionSet);
    }
    return out;
  };
  return filter(data, node.selectionSet);
}

function findOperation(document: DocumentNode, operationName: string | undefined): OperationDefinitionNode | undefined {
  const operations = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  return operationName ? operations.find((o) => o.name?.value === operationName) : operations.length === 1 ? operations[0] : undefined;
}

function publishMutations(
  operation: OperationDefinitionNode,
  data: Record<string, unknown>,
  variables: Record<string, unknown>,
  fragments: Record<string, FragmentDefinitionNode>,
  publisher: MutationPublisher,
): void {
  for (const field of flattenFields(operation.selectionSet, fragments, null)) {
    const alias = field.alias?.value ?? field.name.value;
    const value = data[alias];
    if (value === null || value === undefined || field.name.value.startsWith('__')) continue;
    try {
      publisher.publish({ fieldName: field.name.value, arguments: argumentValues(field, variables), payload: unalias(value, field.selectionSet, fragments) });
    } catch {
      // A subscriber's trouble must never fail the mutation that already happened.
    }
  }
}

function argumentValues(field: FieldNode, variables: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries((field.arguments ?? []).map((a) => [a.name.value, valueFromASTUntyped(a.value, variables) ?? null]));
}

/**
 * Where a node sits in the document, as graphql-java names it in validation errors: the field
 * path `a/b/c` and, inside arguments, the argument path `input.email`.
 */
function queryPath(document: DocumentNode, target: ASTNode | undefined): { field: string; argument: string } {
  const found = { field: '', argument: '' };
  if (!target) return found;
  visit(document, {
    enter(node, _key, parent, _path, ancestors) {
      if (node !== target) return undefined;
      // `ancestors` stops before the parent.
      const chain = [...ancestors, parent, node].filter((a): a is ASTNode => a !== undefined && !Array.isArray(a) && typeof (a as ASTNode).kind === 'string');
      found.field = chain
        .filter((a): a is FieldNode => a.kind === Kind.FIELD)
        .map((f) => f.name.value)
        .join('/');
      found.argument = chain
        .filter((a) => a.kind === Kind.ARGUMENT || a.kind === Kind.OBJECT_FIELD)
        .map((a) => (a.kind === Kind.ARGUMENT || a.kind === Kind.OBJECT_FIELD ? a.name.value : ''))
        .join('.');
      return BREAK;
    },
  });
  return found;
}
