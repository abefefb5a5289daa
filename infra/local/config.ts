/**
 * The config file `foreman serve --api <dir|file>` reads: one JSON document describing an
 * APPSYNC_JS API (schema files, tables, data sources, functions, resolvers, environment, auth),
 * turned into `startLocalAppSync` options. JSON because it needs no parser beyond Node's, every
 * editor checks it, and it is what AppSync's own APIs and CloudFormation speak. Relative paths
 * start at the config file's folder; `${NAME}` / `${NAME:-default}` in any string is replaced from
 * the environment (e.g. an HTTP endpoint that differs per machine). Format: docs/local-appsync.md.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { ApiDataSourceSpec, ApiFunctionSpec, ApiResolverSpec, IndexSpec, KeySpec, LocalIndexSpec, TableSpec } from '../wiring';
import type { AuthMode as AuthModeName } from './contracts';
import type { LocalWiring } from './graphql/executor';

/** The config file is missing, not JSON, or describes an API that cannot be served. */
export class ApiConfigError extends Error {
  override name = 'ApiConfigError';
}

export const DEFAULT_CONFIG_FILE = 'appsync.json';

export interface LoadedApiConfig {
  /** The config file, absolute. */
  file: string;
  /** Its folder: where relative paths start. */
  root: string;
  /** The schema files' SDL, joined. */
  sdl: string;
  wiring: LocalWiring;
  env: Record<string, string>;
  auth: { apiKey?: string; defaultMode?: AuthModeName; additionalModes?: AuthModeName[]; iam: boolean };
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Obj = { [key: string]: Json };

const DATA_SOURCE_KINDS = ['AMAZON_DYNAMODB', 'NONE', 'HTTP', 'AWS_LAMBDA', 'AMAZON_EVENTBRIDGE', 'RELATIONAL_DATABASE', 'AMAZON_OPENSEARCH_SERVICE'] as const;
const AUTH_MODES = ['API_KEY', 'AWS_IAM'] as const;

function substitute(value: Json, env: NodeJS.ProcessEnv, where: string): Json {
  if (typeof value === 'string') {
    return value.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g, (_m, name: string, fallback: string | undefined) => {
      const found = env[name];
      if (found !== undefined && found !== '') return found;
      if (fallback !== undefined) return fallback;
      throw new ApiConfigError(`${where}: \${${name}} is not set in the environment (give it a value, or a default as \${${name}:-value})`);
    });
  }
  if (Array.isArray(value)) return value.map((v, i) => substitute(v, env, `${where}[${i}]`));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substitute(v, env, `${where}.${k}`)]));
  return value;
}

class Reader {
  constructor(readonly file: string) {}

  fail(where: string, message: string): never {
    throw new ApiConfigError(`${this.file}: ${where}: ${message}`);
  }

  object(value: Json | undefined, where: string): Obj {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return this.fail(where, 'must be an object');
    return value;
  }

  list(value: Json | undefined, where: string, optional = false): Json[] {
    if (value === undefined && optional) return [];
    if (!Array.isArray(value)) return this.fail(where, 'must be a list');
    return value;
  }

  string(value: Json | undefined, where: string): string {
    if (typeof value !== 'string' || value === '') return this.fail(where, 'must be a non-empty string');
    return value;
  }

  optionalString(value: Json | undefined, where: string): string | undefined {
    return value === undefined ? undefined : this.string(value, where);
  }

  oneOf<T extends string>(value: Json | undefined, allowed: readonly T[], where: string): T {
    if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) return this.fail(where, `must be one of ${allowed.join(', ')}`);
    return value as T;
  }

  only(o: Obj, keys: string[], where: string): void {
    for (const k of Object.keys(o)) if (!keys.includes(k)) this.fail(`${where}.${k}`, `unknown setting (known: ${keys.join(', ')})`);
  }

  key(value: Json | undefined, where: string): KeySpec {
    const o = this.object(value, where);
    this.only(o, ['name', 'type'], where);
    return { name: this.string(o.name, `${where}.name`), type: this.oneOf(o.type, ['S', 'N', 'B'] as const, `${where}.type`) as KeySpec['type'] };
  }

  path(value: Json | undefined, where: string, root: string): string {
    const p = this.string(value, where);
    if (!existsSync(path.resolve(root, p))) this.fail(where, `${p} does not exist (relative paths start at ${root})`);
    return p;
  }
}

function envVarFor(id: string): string {
  return `${id.replace(/([a-z0-9])([A-Z])/g, '$1_$2').replace(/[^A-Za-z0-9]+/g, '_').toUpperCase()}_TABLE`;
}

/**
 * Reads an API config: a file, or a folder holding `appsync.json`.
 * @throws ApiConfigError naming the file and the setting at fault
 */
export function loadApiConfig(target: string, env: NodeJS.ProcessEnv = process.env): LoadedApiConfig {
  let file = path.resolve(target);
  if (!existsSync(file)) throw new ApiConfigError(`${file} does not exist: give a config file or a folder holding ${DEFAULT_CONFIG_FILE}.`);
  if (statSync(file).isDirectory()) file = path.join(file, DEFAULT_CONFIG_FILE);
  if (!existsSync(file)) throw new ApiConfigError(`${file} does not exist: a folder given to --api must hold ${DEFAULT_CONFIG_FILE}.`);
  const root = path.dirname(file);
  const r = new Reader(file);
  let parsed: Json;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8')) as Json;
  } catch (error) {
    throw new ApiConfigError(`${file} is not valid JSON: ${(error as Error).message}`);
  }
  const config = r.object(substitute(parsed, env, '$'), '$');
  r.only(config, ['$schema', 'schema', 'env', 'auth', 'tables', 'dataSources', 'functions', 'resolvers'], '$');

  const schemaFiles = typeof config.schema === 'string' ? [config.schema] : r.list(config.schema, 'schema');
  if (schemaFiles.length === 0) r.fail('schema', 'name at least one schema file');
  const sdl = schemaFiles.map((f, i) => readFileSync(path.resolve(root, r.path(f, `schema[${i}]`, root)), 'utf8')).join('\n');

  const envObj = config.env === undefined ? {} : r.object(config.env, 'env');
  const apiEnv = Object.fromEntries(Object.entries(envObj).map(([k, v]) => [k, r.string(v, `env.${k}`)]));

  const authObj = config.auth === undefined ? {} : r.object(config.auth, 'auth');
  r.only(authObj, ['apiKey', 'defaultMode', 'additionalModes'], 'auth');
  const auth: LoadedApiConfig['auth'] = {
    apiKey: r.optionalString(authObj.apiKey, 'auth.apiKey'),
    defaultMode: authObj.defaultMode === undefined ? undefined : r.oneOf(authObj.defaultMode, AUTH_MODES, 'auth.defaultMode'),
    additionalModes: authObj.additionalModes === undefined ? undefined : r.list(authObj.additionalModes, 'auth.additionalModes').map((m, i) => r.oneOf(m, AUTH_MODES, `auth.additionalModes[${i}]`)),
    iam: true,
  };
  const modes = new Set([auth.defaultMode ?? 'API_KEY', ...(auth.additionalModes ?? [])]);
  auth.iam = modes.has('AWS_IAM');

  const tables: TableSpec[] = r.list(config.tables, 'tables', true).map((t, i) => {
    const where = `tables[${i}]`;
    const o = r.object(t, where);
    r.only(o, ['id', 'name', 'envVar', 'partitionKey', 'sortKey', 'globalSecondaryIndexes', 'localSecondaryIndexes'], where);
    const id = r.string(o.id, `${where}.id`);
    const globalSecondaryIndexes: IndexSpec[] = r.list(o.globalSecondaryIndexes, `${where}.globalSecondaryIndexes`, true).map((g, j) => {
      const w = `${where}.globalSecondaryIndexes[${j}]`;
      const go = r.object(g, w);
      r.only(go, ['indexName', 'partitionKey', 'sortKey'], w);
      return { indexName: r.string(go.indexName, `${w}.indexName`), partitionKey: r.key(go.partitionKey, `${w}.partitionKey`), sortKey: go.sortKey === undefined ? undefined : r.key(go.sortKey, `${w}.sortKey`) };
    });
    const localSecondaryIndexes: LocalIndexSpec[] = r.list(o.localSecondaryIndexes, `${where}.localSecondaryIndexes`, true).map((l, j) => {
      const w = `${where}.localSecondaryIndexes[${j}]`;
      const lo = r.object(l, w);
      r.only(lo, ['indexName', 'sortKey'], w);
      return { indexName: r.string(lo.indexName, `${w}.indexName`), sortKey: r.key(lo.sortKey, `${w}.sortKey`) };
    });
    const sortKey = o.sortKey === undefined ? undefined : r.key(o.sortKey, `${where}.sortKey`);
    if (localSecondaryIndexes.length && !sortKey) r.fail(`${where}.localSecondaryIndexes`, 'a table with local secondary indexes needs a sortKey (DynamoDB refuses LSIs on a hash-only table)');
    return {
      id,
      envVar: r.optionalString(o.envVar, `${where}.envVar`) ?? envVarFor(id),
      localName: r.optionalString(o.name, `${where}.name`) ?? id,
      partitionKey: r.key(o.partitionKey, `${where}.partitionKey`),
      sortKey,
      globalSecondaryIndexes,
      localSecondaryIndexes,
    };
  });
  const tableIds = new Set(tables.map((t) => t.id));

  const dataSources: ApiDataSourceSpec[] = r.list(config.dataSources, 'dataSources').map((d, i) => {
    const where = `dataSources[${i}]`;
    const o = r.object(d, where);
    const name = r.string(o.name, `${where}.name`);
    const kind = r.oneOf(o.kind, DATA_SOURCE_KINDS, `${where}.kind`);
    switch (kind) {
      case 'AMAZON_DYNAMODB': {
        r.only(o, ['name', 'kind', 'table'], where);
        const table = r.string(o.table, `${where}.table`);
        if (!tableIds.has(table)) r.fail(`${where}.table`, `names table ${table}, which is not among tables (${[...tableIds].join(', ') || 'none'})`);
        return { name, kind, table };
      }
      case 'NONE':
        r.only(o, ['name', 'kind'], where);
        return { name, kind };
      case 'HTTP': {
        r.only(o, ['name', 'kind', 'endpoint', 'authorizationConfig'], where);
        const endpoint = r.string(o.endpoint, `${where}.endpoint`);
        if (!/^https?:\/\//.test(endpoint)) r.fail(`${where}.endpoint`, 'must be an http:// or https:// URL');
        if (o.authorizationConfig === undefined) return { name, kind, endpoint };
        const a = r.object(o.authorizationConfig, `${where}.authorizationConfig`);
        r.oneOf(a.authorizationType, ['AWS_IAM'] as const, `${where}.authorizationConfig.authorizationType`);
        const iam = r.object(a.awsIamConfig, `${where}.authorizationConfig.awsIamConfig`);
        return {
          name,
          kind,
          endpoint,
          authorizationConfig: {
            authorizationType: 'AWS_IAM',
            awsIamConfig: { signingRegion: r.string(iam.signingRegion, `${where}.authorizationConfig.awsIamConfig.signingRegion`), signingServiceName: r.string(iam.signingServiceName, `${where}.authorizationConfig.awsIamConfig.signingServiceName`) },
          },
        };
      }
      case 'AWS_LAMBDA': {
        r.only(o, ['name', 'kind', 'handler', 'export', 'isolation', 'environment', 'maxBatchSize'], where);
        const environment = o.environment === undefined ? undefined : Object.fromEntries(Object.entries(r.object(o.environment, `${where}.environment`)).map(([k, v]) => [k, r.string(v, `${where}.environment.${k}`)]));
        const maxBatchSize = o.maxBatchSize;
        if (maxBatchSize !== undefined && (typeof maxBatchSize !== 'number' || !Number.isInteger(maxBatchSize) || maxBatchSize < 1 || maxBatchSize > 2000)) r.fail(`${where}.maxBatchSize`, 'must be a whole number from 1 to 2000');
        return {
          name,
          kind,
          handler: r.path(o.handler, `${where}.handler`, root),
          export: r.optionalString(o.export, `${where}.export`),
          isolation: o.isolation === undefined ? undefined : r.oneOf(o.isolation, ['inProcess', 'child'] as const, `${where}.isolation`),
          environment,
          maxBatchSize: maxBatchSize as number | undefined,
        };
      }
      case 'AMAZON_EVENTBRIDGE':
        r.only(o, ['name', 'kind', 'eventBusArn'], where);
        return { name, kind, eventBusArn: r.optionalString(o.eventBusArn, `${where}.eventBusArn`) };
      case 'RELATIONAL_DATABASE':
        r.only(o, ['name', 'kind', 'databaseName'], where);
        return { name, kind, databaseName: r.optionalString(o.databaseName, `${where}.databaseName`) };
      case 'AMAZON_OPENSEARCH_SERVICE':
        r.only(o, ['name', 'kind', 'endpoint'], where);
        return { name, kind, endpoint: r.optionalString(o.endpoint, `${where}.endpoint`) };
    }
  });
  const dsNames = new Set<string>();
  for (const [i, d] of dataSources.entries()) {
    if (dsNames.has(d.name)) r.fail(`dataSources[${i}].name`, `${d.name} is defined twice`);
    dsNames.add(d.name);
  }
  const knownDataSource = (name: string, where: string): string => (dsNames.has(name) ? name : r.fail(where, `names data source ${name}, which is not among dataSources (${[...dsNames].join(', ')})`));

  const functions: ApiFunctionSpec[] = r.list(config.functions, 'functions', true).map((f, i) => {
    const where = `functions[${i}]`;
    const o = r.object(f, where);
    r.only(o, ['name', 'dataSource', 'code'], where);
    return { name: r.string(o.name, `${where}.name`), dataSource: knownDataSource(r.string(o.dataSource, `${where}.dataSource`), `${where}.dataSource`), code: r.path(o.code, `${where}.code`, root) };
  });
  const fnNames = new Set(functions.map((f) => f.name));

  const resolvers: ApiResolverSpec[] = r.list(config.resolvers, 'resolvers').map((x, i) => {
    const where = `resolvers[${i}]`;
    const o = r.object(x, where);
    r.only(o, ['typeName', 'fieldName', 'kind', 'dataSource', 'pipeline', 'code'], where);
    const typeName = r.string(o.typeName, `${where}.typeName`);
    const fieldName = r.string(o.fieldName, `${where}.fieldName`);
    const kind = r.oneOf(o.kind, ['UNIT', 'PIPELINE'] as const, `${where}.kind`);
    const code = o.code === undefined ? undefined : r.path(o.code, `${where}.code`, root);
    if (kind === 'UNIT') {
      if (o.pipeline !== undefined) r.fail(`${where}.pipeline`, 'a UNIT resolver has no pipeline: it talks to its dataSource itself (use kind PIPELINE for functions)');
      const dataSource = knownDataSource(r.string(o.dataSource, `${where}.dataSource`), `${where}.dataSource`);
      const ds = dataSources.find((d) => d.name === dataSource)!;
      if (!code && ds.kind !== 'AWS_LAMBDA') r.fail(`${where}.code`, 'is required (only a UNIT resolver on an AWS_LAMBDA data source may go without: a direct Lambda resolver)');
      return { typeName, fieldName, kind, dataSource, code };
    }
    if (o.dataSource !== undefined) r.fail(`${where}.dataSource`, 'a PIPELINE resolver names no dataSource: its functions do');
    const pipeline = r.list(o.pipeline, `${where}.pipeline`).map((n, j) => {
      const fn = r.string(n, `${where}.pipeline[${j}]`);
      return fnNames.has(fn) ? fn : r.fail(`${where}.pipeline[${j}]`, `names function ${fn}, which is not among functions`);
    });
    if (pipeline.length === 0) r.fail(`${where}.pipeline`, 'lists no functions: a resolver that talks to one data source itself is kind UNIT with a dataSource');
    if (!code) r.fail(`${where}.code`, 'is required (the before/after handlers)');
    return { typeName, fieldName, kind, pipeline, code };
  });

  return { file, root, sdl, wiring: { tables, dataSources, functions, resolvers, root }, env: apiEnv, auth };
}
