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
import type { DataSourceSpec, FunctionSpec, ResolverSpec, TableId, TableSpec } from '../../wiring';
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
import { invokeDynamoDb, invokeNone, RequestObjectError, type DataSourceOutcome } from '../dynamodb/dataSource';
import { FieldFailure, formatExecutionError, formatValidationError, locationsOf, type AppSyncResponse, type AppSyncResponseError } from './errors';
import { checkOperationLimits, type OperationLimits } from './limits';
import { flattenFields, selectionSetGraphQL, selectionSetList, unalias } from './selection';
import { QUERY_DEPTH_LIMIT, RESOLVER_COUNT_LIMIT } from '../../limits';

const DOCUMENT_CACHE_SIZE = 256;

/** The parts of infra/wiring.ts the executor reads; tests inject their own. */
export interface LocalWiring {
  tables: TableSpec[];
  dataSources: DataSourceSpec[];
  functions: FunctionSpec[];
  resolvers: ResolverSpec[];
  /** Paths relative to the repository root. */
  resolverCodePath(r: Pick<ResolverSpec, 'typeName' | 'fieldName'>): string;
  functionCodePath(name: string): string;
}

/** The repository's wiring table, as it is when this is called (it fills up as resolvers land). */
export function repositoryWiring(): LocalWiring {
  return {
    tables: wiringModule.tables,
    dataSources: wiringModule.dataSources,
    functions: wiringModule.functions,
    resolvers: wiringModule.resolvers,
    resolverCodePath: wiringModule.resolverCodePath,
    functionCodePath: wiringModule.functionCodePath,
  };
}

/** A wired file is missing, does not bundle, or breaks APPSYNC_JS's rules. */
export class WiredCodeError extends Error {
  override name = 'WiredCodeError';
}

export interface ExecutorOptions {
  schema: GraphQLSchema;
  runtime: AppSyncJsRuntime;
  auth: Authenticator;
  /** `ctx.env` for every handler. */
  env: Record<string, string>;
  dynamodb: DynamoDBClient;
  /** Physical table names (data sources name tables by id). */
  tableNames: Record<TableId, string>;
  wiring?: LocalWiring;
  publisher?: MutationPublisher;
  /** Bundles a file (default: infra/bundle.ts). */
  bundle?: (file: string) => Promise<string>;
  /** Handler `console.*` lines. Default: dropped. */
  onLog?: (line: string) => void;
  /** AppSync's queryDepthLimit / resolverCountLimit. Default: infra/limits.ts, as the CDK app sets them. */
  limits?: Partial<OperationLimits>;
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

export interface LocalExecutor {
  execute(body: GraphQLRequestBody, caller: CallerContext): Promise<AppSyncResponse>;
  /** Swapped in by the stack once real-time is attached. */
  setPublisher(publisher: MutationPublisher): void;
  readonly schema: GraphQLSchema;
}

interface LoadedFunction {
  spec: FunctionSpec;
  code: LoadedCode;
  dataSource: DataSourceSpec;
}

interface LoadedPipeline {
  spec: ResolverSpec;
  code: LoadedCode;
  functions: LoadedFunction[];
}

interface RequestState {
  caller: CallerContext;
  variables: Record<string, unknown>;
  fragments: Record<string, FragmentDefinitionNode>;
  /** util.appendError entries, already shaped with the field's path and locations. */
  appended: AppSyncResponseError[];
  /** Resolvers started so far (AppSync's resolverCountLimit counts lists' repeats too). */
  resolversRun: number;
}

async function loadFile(file: string, runtime: AppSyncJsRuntime, bundle: (file: string) => Promise<string>, what: string): Promise<LoadedCode> {
  if (!existsSync(path.join(repoRoot, file))) throw new WiredCodeError(`${what} is wired but ${file} does not exist`);
  let code: string;
  try {
    code = await bundle(file);
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
  const { schema, runtime, auth } = options;
  const limits: OperationLimits = {
    queryDepthLimit: options.limits?.queryDepthLimit ?? QUERY_DEPTH_LIMIT,
    resolverCountLimit: options.limits?.resolverCountLimit ?? RESOLVER_COUNT_LIMIT,
  };
  const wiring = options.wiring ?? repositoryWiring();
  const bundle = options.bundle ?? bundleAppsyncCode;
  let publisher: MutationPublisher = options.publisher ?? { publish: () => undefined };

  const dataSources = new Map(wiring.dataSources.map((d) => [d.name, d]));
  const functionSpecs = new Map(wiring.functions.map((f) => [f.name, f]));
  const loadedFunctions = new Map<string, Promise<LoadedFunction>>();
  const loadFunction = (name: string, owner: string): Promise<LoadedFunction> => {
    let pending = loadedFunctions.get(name);
    if (!pending) {
      const spec = functionSpecs.get(name);
      if (!spec) throw new WiredCodeError(`${owner} names function ${name}, which is not in the wiring table's functions`);
      const dataSource = dataSources.get(spec.dataSource);
      if (!dataSource) throw new WiredCodeError(`Function ${name} uses data source ${spec.dataSource}, which is not in the wiring table`);
      pending = loadFile(wiring.functionCodePath(name), runtime, bundle, `Function ${name}`).then((code) => ({ spec, code, dataSource }));
      loadedFunctions.set(name, pending);
    }
    return pending;
  };

  const pipelines = new Map<string, LoadedPipeline>();
  await Promise.all(
    wiring.resolvers.map(async (spec) => {
      const key = `${spec.typeName}.${spec.fieldName}`;
      const type = schema.getType(spec.typeName);
      if (!isObjectType(type) || !type.getFields()[spec.fieldName]) throw new WiredCodeError(`${key} is wired but the schema has no such field`);
      const [code, ...functions] = await Promise.all([
        loadFile(wiring.resolverCodePath(spec), runtime, bundle, `Resolver ${key}`),
        ...spec.pipeline.map((name) => loadFunction(name, `Resolver ${key}`)),
      ]);
      pipelines.set(key, { spec, code: code as LoadedCode, functions: functions as LoadedFunction[] });
    }),
  );

  const log = (run: HandlerRun): void => {
    if (options.onLog) for (const line of run.logs) options.onLog(line);
  };

  async function invokeDataSource(fn: LoadedFunction, request: unknown): Promise<DataSourceOutcome> {
    if (fn.dataSource.kind === 'NONE') return invokeNone(request);
    try {
      return await invokeDynamoDb(request, { client: options.dynamodb, tableName: options.tableNames[fn.dataSource.table] });
    } catch (error) {
      if (error instanceof RequestObjectError) {
        throw new FieldFailure({ errorType: error.errorType, message: error.message, data: null, errorInfo: null });
      }
      throw error;
    }
  }

  async function runPipeline(pipeline: LoadedPipeline, base: Omit<ContextInit, 'prev' | 'result' | 'error'>, onAppend: (e: AppSyncErrorEntry[]) => void): Promise<unknown> {
    const step = (code: LoadedCode, handler: 'request' | 'response', extra: Pick<ContextInit, 'prev'> & Partial<ContextInit>): HandlerRun => {
      const run = runtime.run(code, handler, { ...base, ...extra });
      log(run);
      if (run.appendedErrors.length) onAppend(run.appendedErrors);
      if (run.outcome.kind === 'error') throw new FieldFailure(run.outcome.error);
      return run;
    };
    const valueOf = (run: HandlerRun): unknown => (run.outcome.kind === 'error' ? undefined : run.outcome.value);
    const jumpsToEnd = (run: HandlerRun): boolean => run.outcome.kind === 'earlyReturn' && run.outcome.skipTo === 'END';

    // "before": its return becomes ctx.prev.result of function 1. runtime.earlyReturn there skips
    // the pipeline's functions and calls "after" at once, whatever skipTo says (runtime-utils-js.html).
    const before = step(pipeline.code, 'request', { prev: { result: {} } });
    let prev = valueOf(before);
    if (before.outcome.kind !== 'earlyReturn') {
      for (const fn of pipeline.functions) {
        const request = step(fn.code, 'request', { prev: { result: prev } });
        if (request.outcome.kind === 'earlyReturn') {
          // The data source and the function's response are skipped.
          prev = request.outcome.value;
          if (jumpsToEnd(request)) break;
          continue;
        }
        const outcome = await invokeDataSource(fn, valueOf(request));
        const response = step(fn.code, 'response', { prev: { result: prev }, result: outcome.result, error: outcome.error });
        prev = valueOf(response);
        if (jumpsToEnd(response)) break;
      }
    }
    const after = step(pipeline.code, 'response', { prev: { result: prev }, result: prev });
    return valueOf(after);
  }

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
    if (!auth.isFieldAllowed(typeName, fieldName, state.caller.mode)) {
      throw new FieldFailure({ errorType: 'Unauthorized', message: `Not Authorized to access ${fieldName} on type ${typeName}`, data: null, errorInfo: null });
    }
    const pipeline = pipelines.get(`${typeName}.${fieldName}`);
    if (!pipeline) {
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
      return await runPipeline(pipeline, base, appendFor);
    } catch (error) {
      if (error instanceof FieldFailure) {
        // util.error's data is filtered by the field's selection set; errorInfo is not.
        throw new FieldFailure({ ...error.entry, data: filterData(error.entry.data, node, state.fragments) });
      }
      throw error;
    }
  };

  const documents = new Map<string, { document: DocumentNode; validationErrors?: readonly GraphQLError[] }>();
  const isWired = (typeName: string, fieldName: string): boolean => pipelines.has(`${typeName}.${fieldName}`);

  return {
    schema,
    setPublisher(next) {
      publisher = next;
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
  const valueOf = (node: import('graphql').ValueNode): unknown => {
    switch (node.kind) {
      case Kind.VARIABLE:
        return variables[node.name.value] ?? null;
      case Kind.INT:
      case Kind.FLOAT:
        return Number(node.value);
      case Kind.STRING:
      case Kind.ENUM:
      case Kind.BOOLEAN:
        return node.value;
      case Kind.NULL:
        return null;
      case Kind.LIST:
        return node.values.map(valueOf);
      case Kind.OBJECT:
        return Object.fromEntries(node.fields.map((f) => [f.name.value, valueOf(f.value)]));
    }
  };
  return Object.fromEntries((field.arguments ?? []).map((a) => [a.name.value, valueOf(a.value)]));
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
