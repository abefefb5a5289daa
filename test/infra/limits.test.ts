// The shared API limits: inside AppSync's ranges, and above every legitimate document we send.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { getIntrospectionQuery, parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../infra/bundle';
import { assertAppSyncLimits, DEFAULT_LIMITS, QUERY_DEPTH_LIMIT, RESOLVER_COUNT_LIMIT } from '../../infra/limits';
import * as wiring from '../../infra/wiring';
import { checkOperationLimits } from '../../infra/local/graphql/limits';
import { buildLocalSchema } from '../../infra/local/graphql/schema';

const schema = buildLocalSchema();
const wired = new Set(wiring.resolvers.map((r) => `${r.typeName}.${r.fieldName}`));
const isWired = (t: string, f: string): boolean => wired.has(`${t}.${f}`);
const limits = { queryDepthLimit: QUERY_DEPTH_LIMIT, resolverCountLimit: RESOLVER_COUNT_LIMIT };

describe('API limits', () => {
  it('are within the ranges AppSync accepts (depth 1–75, resolvers 1–10000)', () => {
    expect(() => assertAppSyncLimits(DEFAULT_LIMITS)).not.toThrow();
    expect(() => assertAppSyncLimits({ queryDepthLimit: 76, resolverCountLimit: 1 })).toThrow(/1 to 75/);
    expect(() => assertAppSyncLimits({ queryDepthLimit: 0, resolverCountLimit: 1 })).toThrow(/1 to 75/);
    expect(() => assertAppSyncLimits({ queryDepthLimit: 1, resolverCountLimit: 10_001 })).toThrow(/1 to 10000/);
  });

  it('let the introspection query a GraphQL console sends through', () => {
    expect(checkOperationLimits(parse(getIntrospectionQuery()), undefined, schema, isWired, limits)).toBeNull();
    // It is the deepest document we know of: a limit below 15 would refuse it.
    expect(checkOperationLimits(parse(getIntrospectionQuery()), undefined, schema, isWired, { ...limits, queryDepthLimit: 14 })?.errorType).toBe('QueryDepthLimitReached');
  });

  it('let every operation of the typed client through', () => {
    const dir = path.join(repoRoot, 'clients/api/operations');
    const source = readdirSync(dir)
      .filter((f) => f.endsWith('.graphql'))
      .map((f) => readFileSync(path.join(dir, f), 'utf8'))
      .join('\n');
    const document = parse(source);
    const names = document.definitions.flatMap((d) => (d.kind === 'OperationDefinition' && d.name ? [d.name.value] : []));
    expect(names.length).toBeGreaterThan(5);
    for (const name of names) expect(checkOperationLimits(document, name, schema, isWired, limits), name).toBeNull();
  });
});
