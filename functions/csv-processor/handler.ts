/**
 * csv-processor: S3 `uploads/` ObjectCreated → the ingestion engine, signing its GraphQL calls with
 * the function's IAM role → processed/ or failed/ (see ./keys for the layout, ./process for the
 * rules, ./dispatch for poison events). Powertools logs, metrics and traces (../telemetry).
 */
import { S3Client } from '@aws-sdk/client-s3';
import { SFNClient } from '@aws-sdk/client-sfn';
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { createClient } from '../../clients/api/client';
import { createTelemetry, timedClient } from '../telemetry';
import { loadProcessorConfig } from './config';
import { ingestEngine } from './defaultEngine';
import { handleS3Event } from './dispatch';
import type { ProcessResult } from './process';

export type { S3NotificationEvent } from './dispatch';

const config = loadProcessorConfig(process.env);
const { logger, metrics, tracer } = createTelemetry();
// Built once per container, reused by every invocation.
const s3 = tracer.captureAWSv3Client(new S3Client({ region: config.region }));
const sfn = tracer.captureAWSv3Client(new SFNClient({ region: config.region }));
const client = timedClient(createClient({ url: config.graphqlUrl, auth: { mode: 'AWS_IAM', region: config.region, credentials: defaultProvider() } }), metrics);

export async function handler(event: unknown, context?: Parameters<typeof logger.addContext>[0]): Promise<ProcessResult[]> {
  if (context) logger.addContext(context);
  try {
    return await handleS3Event({ s3, sfn, client, engine: ingestEngine, stateMachineArn: config.stateMachineArn, largeFileBytes: config.largeFileBytes }, event, { logger, metrics });
  } finally {
    metrics.publishStoredMetrics();
  }
}
