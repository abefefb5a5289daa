/**
 * AWS WAF in front of the API and the web page: one web ACL each, with AWS's managed common rule
 * set and a rate-based rule per client IP.
 *
 * - The API's ACL is REGIONAL, in the API's stack, associated with the AppSync API.
 * - CloudFront only accepts ACLs of scope CLOUDFRONT, which AWS only creates in us-east-1. When the
 *   stack itself is in us-east-1 the ACL is made there; otherwise `ForemanEdgeStack` (pinned to
 *   us-east-1) holds it and the main stack reads its ARN through the CDK's cross-region references.
 *   A stack synthesised without a region (offline, no credentials) cannot know which case applies,
 *   so it gets no CloudFront ACL and says so in a synthesis warning (docs/security.md).
 */
import { Annotations, Stack, Token, type StackProps } from 'aws-cdk-lib';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';

/**
 * Requests per client IP per 5 minutes before WAF blocks it. The API's default leaves room for a
 * `foreman ingest` of a large file (one request per 49-row batch, a few in flight); the page's for
 * page loads. Context: `-c apiRateLimit=…`, `-c webRateLimit=…`.
 */
export const DEFAULT_API_RATE_LIMIT = 10_000;
export const DEFAULT_WEB_RATE_LIMIT = 2_000;

/** WAF's range for a rate-based rule's limit. */
const RATE_LIMIT_RANGE = { min: 10, max: 2_000_000_000 };

export interface RateLimitedAclProps {
  scope: 'REGIONAL' | 'CLOUDFRONT';
  /** Requests per IP per 5 minutes. */
  rateLimit: number;
  /** Prefix of the CloudWatch metric names. */
  metricName: string;
}

/**
 * A web ACL: allow by default; AWSManagedRulesCommonRuleSet; block an IP over `rateLimit`
 * requests in 5 minutes. The common set's SizeRestrictions_BODY (bodies over 8 KB) only counts:
 * every import batch is larger than that, and the API refuses oversized bodies itself.
 */
export class RateLimitedWebAcl extends Construct {
  readonly acl: wafv2.CfnWebACL;

  constructor(scope: Construct, id: string, props: RateLimitedAclProps) {
    super(scope, id);
    const { rateLimit } = props;
    if (!Number.isInteger(rateLimit) || rateLimit < RATE_LIMIT_RANGE.min || rateLimit > RATE_LIMIT_RANGE.max) {
      throw new RangeError(`A WAF rate limit must be a whole number from ${RATE_LIMIT_RANGE.min} to ${RATE_LIMIT_RANGE.max} requests per 5 minutes, not ${rateLimit}.`);
    }
    const visibility = (name: string): wafv2.CfnWebACL.VisibilityConfigProperty => ({
      cloudWatchMetricsEnabled: true,
      metricName: `${props.metricName}-${name}`,
      sampledRequestsEnabled: true,
    });
    this.acl = new wafv2.CfnWebACL(this, 'Acl', {
      scope: props.scope,
      defaultAction: { allow: {} },
      visibilityConfig: visibility('acl'),
      rules: [
        {
          name: 'AWSManagedRulesCommonRuleSet',
          priority: 0,
          overrideAction: { none: {} },
          statement: {
            managedRuleGroupStatement: {
              vendorName: 'AWS',
              name: 'AWSManagedRulesCommonRuleSet',
              ruleActionOverrides: props.scope === 'REGIONAL' ? [{ name: 'SizeRestrictions_BODY', actionToUse: { count: {} } }] : undefined,
            },
          },
          visibilityConfig: visibility('common'),
        },
        {
          name: 'RateLimitPerIp',
          priority: 1,
          action: { block: {} },
          statement: { rateBasedStatement: { limit: rateLimit, aggregateKeyType: 'IP', evaluationWindowSec: 300 } },
          visibilityConfig: visibility('rate'),
        },
      ],
    });
  }
}

/** Where the web page's CloudFront ACL is made, from the main stack's region as synthesis knows it. */
export function cloudFrontAclPlacement(region: string | undefined): 'this-stack' | 'edge-stack' | 'unknown-region' {
  if (region === undefined || Token.isUnresolved(region)) return 'unknown-region';
  return region === 'us-east-1' ? 'this-stack' : 'edge-stack';
}

export interface ForemanEdgeStackProps extends StackProps {
  webRateLimit: number;
}

/** The us-east-1 stack holding the CloudFront-scope web ACL when the main stack is elsewhere. */
export class ForemanEdgeStack extends Stack {
  readonly webAcl: wafv2.CfnWebACL;

  constructor(scope: Construct, id: string, props: ForemanEdgeStackProps) {
    super(scope, id, props);
    if (this.region !== 'us-east-1') throw new Error(`${id} must be deployed to us-east-1 (CloudFront web ACLs live there), not ${this.region}.`);
    this.webAcl = new RateLimitedWebAcl(this, 'WebAcl', { scope: 'CLOUDFRONT', rateLimit: props.webRateLimit, metricName: `${id}-web` }).acl;
  }
}

export interface WebAclsProps {
  /** The AppSync API's ARN (GraphqlApi.arn). */
  apiArn: string;
  apiRateLimit: number;
  webRateLimit: number;
  /** The CloudFront ACL made by ForemanEdgeStack, when the stack is not in us-east-1. */
  cloudFrontWebAclArn?: string;
  metricName: string;
}

/**
 * The API's REGIONAL ACL and its association, and the ARN of the ACL the distribution should use
 * (made here in us-east-1, given by the edge stack elsewhere, or none when the region is unknown).
 */
export function attachWebAcls(scope: Construct, props: WebAclsProps): { apiAcl: wafv2.CfnWebACL; cloudFrontWebAclArn: string | undefined } {
  const apiAcl = new RateLimitedWebAcl(scope, 'ApiWebAcl', { scope: 'REGIONAL', rateLimit: props.apiRateLimit, metricName: `${props.metricName}-api` }).acl;
  new wafv2.CfnWebACLAssociation(scope, 'ApiWebAclAssociation', { resourceArn: props.apiArn, webAclArn: apiAcl.attrArn });
  if (props.cloudFrontWebAclArn) return { apiAcl, cloudFrontWebAclArn: props.cloudFrontWebAclArn };
  const placement = cloudFrontAclPlacement(Stack.of(scope).region);
  if (placement === 'this-stack') {
    const webAcl = new RateLimitedWebAcl(scope, 'WebAcl', { scope: 'CLOUDFRONT', rateLimit: props.webRateLimit, metricName: `${props.metricName}-web` }).acl;
    return { apiAcl, cloudFrontWebAclArn: webAcl.attrArn };
  }
  Annotations.of(scope).addWarningV2(
    'foreman:cloudfront-waf',
    placement === 'edge-stack'
      ? 'The web page has no WAF: its CloudFront web ACL must come from ForemanEdgeStack in us-east-1 (infra/aws/app.ts passes it).'
      : 'The web page has no WAF in this synthesis: the region is unknown. Deploy with credentials (or -c region=…) so the CloudFront web ACL can be placed in us-east-1.',
  );
  return { apiAcl, cloudFrontWebAclArn: undefined };
}
