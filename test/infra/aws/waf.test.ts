/**
 * WAF: a REGIONAL web ACL on the AppSync API, a CLOUDFRONT one on the web page (made in us-east-1:
 * in the stack itself there, in ForemanEdgeStack elsewhere), each with AWS's common rule set and a
 * rate-based rule.
 */
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { App } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { ForemanStack } from '../../../infra/aws/stack';
import { cloudFrontAclPlacement, DEFAULT_API_RATE_LIMIT, DEFAULT_WEB_RATE_LIMIT, ForemanEdgeStack } from '../../../infra/aws/waf';
import { completedRealWiring, synth, type Synthesised } from './fixtures';

// A synthesis inside a test takes seconds alone and over a minute on two cores shared with the
// integration tests' JVMs: give these tests the hooks' room.
vi.setConfig({ testTimeout: 180_000 });

type Resources = Record<string, { Type: string; Properties: Record<string, unknown> }>;
type Rule = { Name: string; Statement: Record<string, unknown>; Action?: unknown; OverrideAction?: unknown };

let s: Pick<Synthesised, 'wiring' | 'code'>;
const noBundling = { context: { 'aws:cdk:bundling-stacks': [] } };

beforeAll(async () => {
  s = await completedRealWiring();
}, 240_000);

const aclsOf = (t: Template, scope: string) => Object.entries(t.toJSON().Resources as Resources).filter(([, r]) => r.Type === 'AWS::WAFv2::WebACL' && r.Properties.Scope === scope);

function expectCommonAndRateRules(acl: Record<string, unknown>, rateLimit: number): void {
  const rules = acl.Rules as Rule[];
  expect(rules.map((r) => r.Name)).toEqual(['AWSManagedRulesCommonRuleSet', 'RateLimitPerIp']);
  expect(rules[0]!.Statement).toMatchObject({ ManagedRuleGroupStatement: { VendorName: 'AWS', Name: 'AWSManagedRulesCommonRuleSet' } });
  expect(rules[0]!.OverrideAction).toEqual({ None: {} });
  expect(rules[1]!.Statement).toEqual({ RateBasedStatement: { Limit: rateLimit, AggregateKeyType: 'IP', EvaluationWindowSec: 300 } });
  expect(rules[1]!.Action).toEqual({ Block: {} });
  expect(acl.DefaultAction).toEqual({ Allow: {} });
}

describe('the API web ACL', () => {
  it('is REGIONAL, associated with the AppSync API, with the common rule set and the rate rule', () => {
    const { stack, template } = synth({ wiring: s.wiring, code: s.code }, 'Waf', { bundleLambdas: false });
    const [[aclId, acl]] = aclsOf(template, 'REGIONAL') as [[string, Resources[string]]];
    expectCommonAndRateRules(acl.Properties, DEFAULT_API_RATE_LIMIT);
    // only the body-size rule of the common set is relaxed (import batches are larger than 8 KB)
    const common = (acl.Properties.Rules as Rule[])[0]!.Statement.ManagedRuleGroupStatement as { RuleActionOverrides: unknown };
    expect(common.RuleActionOverrides).toEqual([{ Name: 'SizeRestrictions_BODY', ActionToUse: { Count: {} } }]);
    template.hasResourceProperties('AWS::WAFv2::WebACLAssociation', {
      ResourceArn: { 'Fn::GetAtt': [stack.getLogicalId(stack.api.node.defaultChild as import('aws-cdk-lib').CfnElement), 'Arn'] },
      WebACLArn: { 'Fn::GetAtt': [aclId, 'Arn'] },
    });
  });

  it('takes its rate limit from the props and refuses one WAF would not accept', () => {
    const { template } = synth({ wiring: s.wiring, code: s.code, apiRateLimit: 500 }, 'Rate', { bundleLambdas: false });
    expect((aclsOf(template, 'REGIONAL')[0]![1].Properties.Rules as Rule[])[1]!.Statement).toMatchObject({ RateBasedStatement: { Limit: 500 } });
    expect(() => synth({ wiring: s.wiring, code: s.code, apiRateLimit: 5 }, 'Low', { bundleLambdas: false })).toThrow(/from 10 to 2000000000/);
  });
});

describe('the web page web ACL', () => {
  it('is made in the stack itself when the stack is in us-east-1, and the distribution uses it', () => {
    const { template } = synth({ wiring: s.wiring, code: s.code, env: { region: 'us-east-1' } }, 'East', { bundleLambdas: false });
    const [[aclId, acl]] = aclsOf(template, 'CLOUDFRONT') as [[string, Resources[string]]];
    expectCommonAndRateRules(acl.Properties, DEFAULT_WEB_RATE_LIMIT);
    template.hasResourceProperties('AWS::CloudFront::Distribution', { DistributionConfig: Match.objectLike({ WebACLId: { 'Fn::GetAtt': [aclId, 'Arn'] } }) });
  });

  it('lives in ForemanEdgeStack (us-east-1) when the stack is elsewhere, read across regions', () => {
    // GIVEN the app's arrangement for eu-west-1
    const app = new App(noBundling);
    const edge = new ForemanEdgeStack(app, 'Edge', { env: { account: '123456789012', region: 'us-east-1' }, crossRegionReferences: true, webRateLimit: DEFAULT_WEB_RATE_LIMIT });
    const main = new ForemanStack(app, 'Main', {
      stage: 'dev',
      wiring: s.wiring,
      code: s.code,
      env: { account: '123456789012', region: 'eu-west-1' },
      crossRegionReferences: true,
      cloudFrontWebAclArn: edge.webAcl.attrArn,
    });
    const edgeTemplate = Template.fromStack(edge);
    const mainTemplate = Template.fromStack(main);
    // THEN the CLOUDFRONT ACL is in us-east-1 and not in the main stack, whose distribution points at it
    expect(aclsOf(edgeTemplate, 'CLOUDFRONT')).toHaveLength(1);
    expectCommonAndRateRules(aclsOf(edgeTemplate, 'CLOUDFRONT')[0]![1].Properties, DEFAULT_WEB_RATE_LIMIT);
    expect(aclsOf(mainTemplate, 'CLOUDFRONT')).toHaveLength(0);
    const distribution = Object.values(mainTemplate.toJSON().Resources as Resources).find((r) => r.Type === 'AWS::CloudFront::Distribution')!;
    expect(JSON.stringify((distribution.Properties.DistributionConfig as { WebACLId: unknown }).WebACLId)).toContain('ExportsReader');
    // and the API keeps its own REGIONAL ACL
    expect(aclsOf(mainTemplate, 'REGIONAL')).toHaveLength(1);
    // the cross-region plumbing (SSM exports and their reader) grants no "*" resource either
    // (X-Ray's trace uploads are the one exception: they have no resource type, see stack.test.ts)
    for (const t of [edgeTemplate, mainTemplate]) {
      const json = JSON.stringify(t.toJSON()).replace(/\{"Action":\["xray:[^\]]*\],"Effect":"Allow","Resource":"\*"\}/g, '');
      expect(json).not.toMatch(/"Resource":"\*"/);
      expect(json).not.toMatch(/"Resource":\["\*"\]/);
    }
  });

  it('refuses to build the edge stack anywhere but us-east-1', () => {
    expect(() => new ForemanEdgeStack(new App(), 'Edge', { env: { region: 'eu-west-1' }, webRateLimit: 100 })).toThrow(/us-east-1/);
  });

  it('is absent, with a synthesis warning saying why, when the region is unknown (offline synth)', () => {
    const { stack, template } = synth({ wiring: s.wiring, code: s.code }, 'Agnostic', { bundleLambdas: false });
    expect(aclsOf(template, 'CLOUDFRONT')).toHaveLength(0);
    const distribution = Object.values(template.toJSON().Resources as Resources).find((r) => r.Type === 'AWS::CloudFront::Distribution')!;
    expect((distribution.Properties.DistributionConfig as Record<string, unknown>).WebACLId).toBeUndefined();
    Annotations.fromStack(stack).hasWarning('*', Match.stringLikeRegexp('region is unknown'));
  });

  it('is placed by region: here in us-east-1, in the edge stack elsewhere, nowhere when unknown', () => {
    expect(cloudFrontAclPlacement('us-east-1')).toBe('this-stack');
    expect(cloudFrontAclPlacement('eu-west-1')).toBe('edge-stack');
    expect(cloudFrontAclPlacement(undefined)).toBe('unknown-region');
  });
});
