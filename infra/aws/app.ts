/**
 * The CDK app: `npm run synth` / `npm run deploy` (see cdk.json).
 *
 * Stage: `-c stage=prod` (deletion protection, RETAIN) or the default `dev` (everything is
 * destroyed with the stack). API key lifetime: `-c apiKeyExpiryDays=90`. Big-file route:
 * `-c largeFileThresholdMb=50`.
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

async function main(): Promise<void> {
  const app = new App();
  const stage = String(app.node.tryGetContext('stage') ?? process.env.FOREMAN_STAGE ?? 'dev');
  if (stage !== 'dev' && stage !== 'prod') throw new Error(`stage must be dev or prod, not ${stage}`);
  const expiry = app.node.tryGetContext('apiKeyExpiryDays');
  const thresholdMb = app.node.tryGetContext('largeFileThresholdMb');

  // Check the wiring before bundling, so a wiring naming a missing field fails with that message
  // rather than with "file not found" from esbuild.
  assertWiring(wiring, readSchema(path.join(repoRoot, 'schema/schema.graphql')));
  const code = await bundleWiring(wiring);

  new ForemanStack(app, `Foreman-${stage}`, {
    stage: stage as Stage,
    wiring,
    code,
    apiKeyExpiryDays: expiry === undefined ? undefined : Number(expiry),
    largeFileThresholdBytes: thresholdMb === undefined ? DEFAULT_LARGE_FILE_THRESHOLD_BYTES : Number(thresholdMb) * 1024 * 1024,
    // Environment-agnostic unless the CLI knows the account: no lookups, so no credentials needed.
    env: process.env.CDK_DEFAULT_ACCOUNT ? { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION } : undefined,
    description: `Foreman (${stage}): AppSync + DynamoDB + S3-triggered CSV ingestion`,
  });
  app.synth();
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? `${error.name}: ${error.message}` : String(error));
  process.exit(1);
});
