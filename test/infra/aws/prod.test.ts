/**
 * The prod stage keeps its data: deletion protection and RETAIN on tables and the ingestion bucket.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Template } from 'aws-cdk-lib/assertions';
import * as realWiring from '../../../infra/wiring';
import type { ForemanStack } from '../../../infra/aws/stack';
import { completedRealWiring, synth } from './fixtures';

let template: Template;
let stack: ForemanStack;

beforeAll(async () => {
  // GIVEN the real wiring WHEN synthesised for the prod stage
  const s = await completedRealWiring();
  ({ template, stack } = synth({ wiring: s.wiring, code: s.code, stage: 'prod' }, 'Prod', { bundleLambdas: false }));
}, 240_000);

describe('the prod stage', () => {
  it('protects every table from deletion and retains it when the stack goes', () => {
    const resources = template.toJSON().Resources as Record<string, { Type: string; DeletionPolicy?: string; Properties: Record<string, unknown> }>;
    for (const t of realWiring.tables) {
      const r = resources[stack.getLogicalId(stack.tables[t.id].node.defaultChild as import('aws-cdk-lib').CfnElement)]!;
      // deletion protection on, and CloudFormation keeps the table
      expect(r.Properties.DeletionProtectionEnabled).toBe(true);
      expect(r.DeletionPolicy).toBe('Retain');
    }
  });

  it('disables introspection, so the schema is not published', () => {
    const api = Object.values(template.toJSON().Resources as Record<string, { Type: string; Properties: Record<string, unknown> }>).find((r) => r.Type === 'AWS::AppSync::GraphQLApi')!;
    expect(api.Properties.IntrospectionConfig).toBe('DISABLED');
  });

  it('protects the user pool from deletion and retains it with the stack', () => {
    const resources = template.toJSON().Resources as Record<string, { Type: string; DeletionPolicy?: string; Properties: Record<string, unknown> }>;
    const pool = resources[stack.getLogicalId(stack.auth.userPool.node.defaultChild as import('aws-cdk-lib').CfnElement)]!;
    expect(pool.Properties.DeletionProtection).toBe('ACTIVE');
    expect(pool.DeletionPolicy).toBe('Retain');
  });

  it('retains the ingestion bucket and does not empty it automatically', () => {
    const resources = template.toJSON().Resources as Record<string, { Type: string; DeletionPolicy?: string }>;
    const bucket = resources[stack.getLogicalId(stack.bucket.node.defaultChild as import('aws-cdk-lib').CfnElement)]!;
    // the uploaded and processed files outlive the stack
    expect(bucket.DeletionPolicy).toBe('Retain');
    // only the web bucket (rebuilt from the repository on deploy) is emptied on delete
    expect(Object.values(resources).filter((r) => r.Type === 'Custom::S3AutoDeleteObjects')).toHaveLength(1);
  });
});
