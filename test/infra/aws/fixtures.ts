/**
 * Shared by the CDK tests: the real wiring table, completed with placeholder resolvers for any
 * root field other helpers have not wired yet, so the stack can be synthesised at any moment of
 * the project. Placeholders are named in `placeholderFields` so tests can tell them apart.
 */
import path from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as realWiring from '../../../infra/wiring';
import { repoRoot } from '../../../infra/bundle';
import { readSchema, rootFields, type Wiring } from '../../../infra/aws/checkWiring';
import { bundleWiring } from '../../../infra/aws/code';
import { ForemanStack, type ForemanStackProps } from '../../../infra/aws/stack';
import { resolverCodePath } from '../../../infra/wiring';

export const schemaSource = readSchema(path.join(repoRoot, 'schema/generated/appsync.graphql'));

/** A minimal APPSYNC_JS pipeline resolver (before/after handlers). */
export const PLACEHOLDER_CODE = 'export function request(ctx) { return {}; }\nexport function response(ctx) { return ctx.prev.result; }\n';

export interface Synthesised {
  wiring: Wiring;
  code: Map<string, string>;
  placeholderFields: string[];
  stack: ForemanStack;
  template: Template;
}

/** The real wiring plus placeholders for root fields not yet wired, with real bundles for what is wired. */
export async function completedRealWiring(): Promise<Pick<Synthesised, 'wiring' | 'code' | 'placeholderFields'>> {
  const wired = new Set([...realWiring.resolvers, ...realWiring.unwired].map((r) => `${r.typeName}.${r.fieldName}`));
  const missing = rootFields(schemaSource).filter((f) => !wired.has(`${f.typeName}.${f.fieldName}`) && !(f.typeName === 'Subscription' && f.subscribed));
  const code = await bundleWiring(realWiring);
  for (const f of missing) code.set(resolverCodePath(f), PLACEHOLDER_CODE);
  const wiring: Wiring = {
    tables: realWiring.tables,
    dataSources: realWiring.dataSources,
    functions: realWiring.functions,
    resolvers: [...realWiring.resolvers, ...missing.map((f) => ({ typeName: f.typeName, fieldName: f.fieldName, pipeline: [] }))],
    unwired: realWiring.unwired,
  };
  return { wiring, code, placeholderFields: missing.map((f) => `${f.typeName}.${f.fieldName}`) };
}

/**
 * Synthesises a ForemanStack in a fresh app (no env: environment-agnostic, as `npm run synth`
 * without credentials). `bundleLambdas: false` skips esbuild for the Lambda assets (the CDK's
 * `aws:cdk:bundling-stacks` context), for tests that do not look at them.
 */
export function synth(
  props: Omit<ForemanStackProps, 'stage'> & { stage?: ForemanStackProps['stage'] },
  id = 'Test',
  { bundleLambdas = true }: { bundleLambdas?: boolean } = {},
): { stack: ForemanStack; template: Template } {
  const app = new App(bundleLambdas ? {} : { context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new ForemanStack(app, id, { stage: 'dev', ...props });
  return { stack, template: Template.fromStack(stack) };
}
