/**
 * The CDK app: `npm run synth` / `npm run deploy` (see cdk.json).
 *
 * Stage: `-c stage=prod` (deletion protection, RETAIN, introspection off) or the default `dev`
 * (everything is destroyed with the stack). Big-file route: `-c largeFileThresholdMb=50`.
 * WAF rate limits (requests per IP per 5 minutes): `-c apiRateLimit=10000 -c webRateLimit=2000`.
 * Region: the CLI's (CDK_DEFAULT_REGION) or `-c region=eu-west-1`. Outside us-east-1 the web page's
 * CloudFront web ACL lives in a second stack, `Foreman-<stage>-edge`, in us-east-1 (infra/aws/waf.ts).
 * Operations (docs/operations.md): `-c notifyEmail=ops@example.com`, `-c rowErrorRetentionDays=30`,
 * `-c archiveAfterDays=30`, `-c processedRetentionDays=365`, `-c failedRetentionDays=90`,
 * `-c mapToleratedFailurePercentage=10`.
 *
 * esbuild runs asynchronously, so everything is bundled first and the stack is built after.
 * No lookups and no Docker: synthesis works offline, without AWS credentials.
 */
import path from 'node:path';
import { App } from 'aws-cdk-lib';
import * as wiring from '../wiring';
import { repoRoot } from '../bundle';
import { assertWiring, readSchema } from './checkWiring';
import { bundleWiring } from './code';
import { DEFAULT_LARGE_FILE_THRESHOLD_BYTES, ForemanStack, type Stage } from './stack';
import { cloudFrontAclPlacement, DEFAULT_WEB_RATE_LIMIT, ForemanEdgeStack } from './waf';

function numberContext(app: App, name: string): number | undefined {
  const value = app.node.tryGetContext(name);
  return value === undefined ? undefined : Number(value);
}

async function main(): Promise<void> {
  const app = new App();
  const stage = String(app.node.tryGetContext('stage') ?? process.env.FOREMAN_STAGE ?? 'dev');
  if (stage !== 'dev' && stage !== 'prod') throw new Error(`stage must be dev or prod, not ${stage}`);
  const thresholdMb = numberContext(app, 'largeFileThresholdMb');
  const account = process.env.CDK_DEFAULT_ACCOUNT;
  const region = (app.node.tryGetContext('region') as string | undefined) ?? process.env.CDK_DEFAULT_REGION;
  const webRateLimit = numberContext(app, 'webRateLimit') ?? DEFAULT_WEB_RATE_LIMIT;
  const notifyEmail: unknown = app.node.tryGetContext('notifyEmail');

  // Check the wiring before bundling, so a wiring naming a missing field fails with that message
  // rather than with "file not found" from esbuild.
  assertWiring(wiring, readSchema(path.join(repoRoot, wiring.APPSYNC_SCHEMA)));
  const code = await bundleWiring(wiring);

  // The CloudFront ACL must be made in us-east-1: a second stack there unless this one is.
  const edge =
    cloudFrontAclPlacement(region) === 'edge-stack'
      ? new ForemanEdgeStack(app, `Foreman-${stage}-edge`, {
          env: { account, region: 'us-east-1' },
          crossRegionReferences: true,
          webRateLimit,
          description: `Foreman (${stage}): the web page's CloudFront web ACL (us-east-1)`,
        })
      : undefined;

  new ForemanStack(app, `Foreman-${stage}`, {
    stage: stage as Stage,
    wiring,
    code,
    largeFileThresholdBytes: thresholdMb === undefined ? DEFAULT_LARGE_FILE_THRESHOLD_BYTES : thresholdMb * 1024 * 1024,
    apiRateLimit: numberContext(app, 'apiRateLimit'),
    webRateLimit,
    cloudFrontWebAclArn: edge?.webAcl.attrArn,
    crossRegionReferences: edge !== undefined,
    // Environment-agnostic unless the region is known: no lookups, so no credentials needed.
    env: region ? { account, region } : undefined,
    notifyEmail: notifyEmail === undefined ? undefined : String(notifyEmail),
    rowErrorRetentionDays: numberContext(app, 'rowErrorRetentionDays'),
    fileRetention: {
      archiveAfterDays: numberContext(app, 'archiveAfterDays'),
      processedRetentionDays: numberContext(app, 'processedRetentionDays'),
      failedRetentionDays: numberContext(app, 'failedRetentionDays'),
    },
    mapToleratedFailurePercentage: numberContext(app, 'mapToleratedFailurePercentage'),
    description: `Foreman (${stage}): AppSync + DynamoDB + S3-triggered CSV ingestion`,
  });
  app.synth();
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? `${error.name}: ${error.message}` : String(error));
  process.exit(1);
});
