/**
 * The wiring table (infra/wiring.ts) against the schema and the resolver files, the way the
 * aws-appsync-resolver-samples CDK helper refuses to synthesise a resolver for a field the schema
 * lacks: every root field is wired or deliberately unwired, nothing is wired twice, every pipeline
 * function is declared and has its file, and every file bundles within AppSync's code limit.
 */
import { describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { buildSchema, type GraphQLObjectType } from 'graphql';
import { APPSYNC_CODE_LIMIT, bundleAppsyncCode, repoRoot } from '../../infra/bundle';
import { dataSources, functionCode, functions, resolverCodePath, resolvers, tables, unwired } from '../../infra/wiring';
import { MODELS } from '../../schema/generated/models';

const schema = buildSchema(['schema/aws.graphql', 'schema/generated/appsync.graphql'].map((f) => readFileSync(path.join(repoRoot, f), 'utf8')).join('\n'));
const rootTypes = ['Query', 'Mutation', 'Subscription'] as const;

function rootFields(): string[] {
  return rootTypes.flatMap((typeName) => {
    const type = schema.getType(typeName) as GraphQLObjectType | undefined;
    return type ? Object.keys(type.getFields()).map((field) => `${typeName}.${field}`) : [];
  });
}

const wired = resolvers.map((r) => `${r.typeName}.${r.fieldName}`);
const declaredUnwired = unwired.map((u) => `${u.typeName}.${u.fieldName}`);

describe('wiring table', () => {
  it('wires every Query/Mutation/Subscription field of the schema or lists it as unwired', () => {
    const missing = rootFields().filter((f) => !wired.includes(f) && !declaredUnwired.includes(f));
    expect(missing).toEqual([]);
  });

  it('wires only fields the schema has, each once, and never both wired and unwired', () => {
    const fields = rootFields();
    expect([...wired, ...declaredUnwired].filter((f) => !fields.includes(f))).toEqual([]);
    expect(wired.filter((f, i) => wired.indexOf(f) !== i)).toEqual([]);
    expect(wired.filter((f) => declaredUnwired.includes(f))).toEqual([]);
    expect(unwired.filter((u) => u.why.trim().length === 0)).toEqual([]);
  });

  it('gives every wired field a pipeline of declared functions and a resolver file', () => {
    const declared = functions.map((f) => f.name);
    for (const r of resolvers) {
      expect(r.pipeline.length, `${r.typeName}.${r.fieldName} has an empty pipeline`).toBeGreaterThan(0);
      expect(r.pipeline.filter((name) => !declared.includes(name)), `${r.typeName}.${r.fieldName}`).toEqual([]);
      expect(existsSync(path.join(repoRoot, resolverCodePath(r))), resolverCodePath(r)).toBe(true);
    }
  });

  it('declares each function once, with its file and an existing data source, and uses it in some pipeline', () => {
    const names = functions.map((f) => f.name);
    expect(names.filter((n, i) => names.indexOf(n) !== i)).toEqual([]);
    const sources = dataSources.map((d) => d.name);
    const used = new Set(resolvers.flatMap((r) => r.pipeline));
    for (const f of functions) {
      expect(existsSync(path.join(repoRoot, functionCode(f))), functionCode(f)).toBe(true);
      expect(sources, `${f.name}'s data source`).toContain(f.dataSource);
      expect(used.has(f.name), `${f.name} is declared but in no pipeline`).toBe(true);
    }
  });

  it('has no resolver or function file that the wiring does not name', () => {
    const resolverFiles = readdirSync(path.join(repoRoot, 'resolvers')).filter((f) => /^(Query|Mutation|Subscription)\..+\.ts$/.test(f));
    expect(resolverFiles.map((f) => `resolvers/${f}`).filter((f) => !resolvers.some((r) => resolverCodePath(r) === f))).toEqual([]);
    const functionFiles = readdirSync(path.join(repoRoot, 'resolvers/functions')).filter((f) => f.endsWith('.ts'));
    expect(functionFiles.map((f) => `resolvers/functions/${f}`).filter((f) => !functions.some((fn) => functionCode(fn) === f))).toEqual([]);
  });

  it('lets each DynamoDB data source reach only tables the wiring declares', () => {
    const ids = tables.map((t) => t.id);
    for (const d of dataSources) {
      if (d.kind === 'AMAZON_DYNAMODB') {
        expect([d.table, ...d.alsoTouches].filter((t) => !ids.includes(t)), d.name).toEqual([]);
      }
    }
  });

  it('runs the pre-check (checkFile, every check query) only on the read-only ImportChecks, besides a model’s own hook', () => {
    const checks = resolvers.filter((r) => r.fieldName === 'checkFile' || MODELS.some((m) => m.checkField === r.fieldName));
    expect(checks.map((r) => `${r.typeName}.${r.fieldName}`).sort()).toEqual([...MODELS.map((m) => `Query.${m.checkField}`), 'Query.checkFile'].sort());
    for (const r of checks) {
      const model = MODELS.find((m) => m.checkField === r.fieldName);
      const steps = r.pipeline.filter((fn) => fn !== model?.hook);
      expect(steps.map((fn) => functions.find((f) => f.name === fn)!.dataSource), r.fieldName).toEqual(steps.map(() => 'ImportChecks'));
    }
    expect(dataSources.find((d) => d.name === 'ImportChecks')).toMatchObject({ kind: 'AMAZON_DYNAMODB', access: 'read' });
    // a model with references looks its targets up first, as its import does
    expect(resolvers.find((r) => r.fieldName === 'checkInvoices')!.pipeline).toEqual(['checkImportRefs', 'checkImportRows']);
    expect(resolvers.find((r) => r.fieldName === 'checkCustomers')!.pipeline).toEqual(['checkImportRows']);
  });

  it('bundles every resolver and function within AppSync code limit, exporting request and response', async () => {
    const files = [...resolvers.map(resolverCodePath), ...functions.map((f) => functionCode(f))];
    for (const file of files) {
      // bundleAppsyncCode itself throws CodeTooLargeError past the limit; the assertion says so again.
      const code = await bundleAppsyncCode(file);
      expect(code.length, file).toBeLessThanOrEqual(APPSYNC_CODE_LIMIT);
      const exported = /export\s*\{([^}]*)\}\s*;?\s*(\/\/# sourceMappingURL=.*)?\s*$/.exec(code)?.[1] ?? '';
      expect(exported.split(',').map((s) => s.trim()), file).toEqual(expect.arrayContaining(['request', 'response']));
    }
  }, 120_000);
});
