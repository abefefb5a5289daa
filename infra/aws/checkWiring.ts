/**
 * Refuses a wiring table that does not match the schema, before anything is synthesised:
 * a wired field the schema lacks, a Query/Mutation/Subscription field left neither wired nor in
 * `unwired`, a pipeline naming an unknown function, a function naming an unknown data source.
 * Subscription fields carrying `@aws_subscribe` are served by AppSync itself and need no resolver
 * (https://docs.aws.amazon.com/appsync/latest/devguide/aws-appsync-real-time-data.html).
 */
import { readFileSync } from 'node:fs';
import { Kind, parse, type DocumentNode, type FieldDefinitionNode } from 'graphql';
import type { DataSourceSpec, ForemanTableId, FunctionSpec, ResolverSpec, TableSpec, UnwiredField } from '../wiring';

/** The shape of `infra/wiring.ts`: pass `import * as wiring from '../wiring'` or a test's own table. */
export interface Wiring {
  tables: readonly TableSpec<ForemanTableId>[];
  dataSources: readonly DataSourceSpec[];
  functions: readonly FunctionSpec[];
  resolvers: readonly ResolverSpec[];
  unwired: readonly UnwiredField[];
}

export type RootType = 'Query' | 'Mutation' | 'Subscription';

export class WiringError extends Error {
  override name = 'WiringError';
  constructor(readonly problems: string[]) {
    super(`The wiring table (infra/wiring.ts) does not match the schema (schema/generated/appsync.graphql):\n  - ${problems.join('\n  - ')}`);
  }
}

interface RootField {
  typeName: RootType;
  fieldName: string;
  subscribed: boolean;
}

/** Fields of the root types, `extend type` included. */
export function rootFields(schemaSource: string | DocumentNode): RootField[] {
  const doc = typeof schemaSource === 'string' ? parse(schemaSource) : schemaSource;
  const roots: Record<string, RootType> = { Query: 'Query', Mutation: 'Mutation', Subscription: 'Subscription' };
  // A `schema { query: X }` block may rename the roots.
  for (const def of doc.definitions) {
    if (def.kind === Kind.SCHEMA_DEFINITION) {
      for (const op of def.operationTypes) {
        const root: RootType = op.operation === 'query' ? 'Query' : op.operation === 'mutation' ? 'Mutation' : 'Subscription';
        delete roots[root];
        roots[op.type.name.value] = root;
      }
    }
  }
  const out: RootField[] = [];
  for (const def of doc.definitions) {
    if ((def.kind === Kind.OBJECT_TYPE_DEFINITION || def.kind === Kind.OBJECT_TYPE_EXTENSION) && roots[def.name.value]) {
      const typeName = roots[def.name.value]!;
      for (const field of def.fields ?? []) {
        out.push({ typeName, fieldName: field.name.value, subscribed: hasDirective(field, 'aws_subscribe') });
      }
    }
  }
  return out;
}

function hasDirective(field: FieldDefinitionNode, name: string): boolean {
  return (field.directives ?? []).some((d) => d.name.value === name);
}

/** Every problem found, empty when the wiring and the schema agree. */
export function wiringProblems(wiring: Wiring, schemaSource: string | DocumentNode): string[] {
  const problems: string[] = [];
  const fields = rootFields(schemaSource);
  const key = (t: string, f: string) => `${t}.${f}`;
  const inSchema = new Map(fields.map((f) => [key(f.typeName, f.fieldName), f]));
  const wired = new Set<string>();

  const tableIds = new Set(wiring.tables.map((t) => t.id));
  const dsNames = new Set<string>();
  for (const ds of wiring.dataSources) {
    if (dsNames.has(ds.name)) problems.push(`data source ${ds.name} is declared twice`);
    dsNames.add(ds.name);
    if (ds.kind === 'AMAZON_DYNAMODB') {
      for (const t of [ds.table, ...ds.alsoTouches]) {
        if (!tableIds.has(t)) problems.push(`data source ${ds.name} names table ${t}, which is not in \`tables\``);
      }
    }
  }
  const fnNames = new Set<string>();
  for (const fn of wiring.functions) {
    if (fnNames.has(fn.name)) problems.push(`function ${fn.name} is declared twice`);
    fnNames.add(fn.name);
    if (!dsNames.has(fn.dataSource)) problems.push(`function ${fn.name} names data source ${fn.dataSource}, which is not in \`dataSources\``);
  }
  for (const r of wiring.resolvers) {
    const k = key(r.typeName, r.fieldName);
    if (!inSchema.has(k)) problems.push(`resolver ${k} names a field the schema lacks`);
    if (wired.has(k)) problems.push(`resolver ${k} is wired twice`);
    wired.add(k);
    for (const fn of r.pipeline) {
      if (!fnNames.has(fn)) problems.push(`resolver ${k} runs function ${fn}, which is not in \`functions\``);
    }
  }
  for (const u of wiring.unwired) {
    const k = key(u.typeName, u.fieldName);
    if (!inSchema.has(k)) problems.push(`unwired entry ${k} names a field the schema lacks`);
    if (wired.has(k)) problems.push(`${k} is both wired and listed in \`unwired\``);
  }
  const unwired = new Set(wiring.unwired.map((u) => key(u.typeName, u.fieldName)));
  for (const f of fields) {
    const k = key(f.typeName, f.fieldName);
    if (wired.has(k) || unwired.has(k)) continue;
    if (f.typeName === 'Subscription' && f.subscribed) continue;
    problems.push(`${k} is in the schema but neither wired in \`resolvers\` nor listed in \`unwired\``);
  }
  return problems;
}

/** Throws `WiringError` listing every mismatch. */
export function assertWiring(wiring: Wiring, schemaSource: string | DocumentNode): void {
  const problems = wiringProblems(wiring, schemaSource);
  if (problems.length) throw new WiringError(problems);
}

export function readSchema(file: string): string {
  return readFileSync(file, 'utf8');
}
