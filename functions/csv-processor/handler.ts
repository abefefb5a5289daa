/**
 * csv-processor: S3 `uploads/` ObjectCreated → the ingestion engine, signing its GraphQL calls with
 * the function's IAM role → processed/ or failed/ (see ./keys for the layout, ./process for the rules).
 */
import { S3Client } from '@aws-sdk/client-s3';
import { SFNClient } from '@aws-sdk/client-sfn';
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { createClient } from '../../clients/api/client';
import { loadProcessorConfig } from './config';
import { ingestEngine } from './defaultEngine';
import { decodeEventKey } from './keys';
import { processUploadOnce, type ProcessResult } from './process';

/** The part of the S3 notification event we read (https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-content-structure.html). */
export interface S3NotificationEvent {
  Records: { eventName: string; s3: { bucket: { name: string }; object: { key: string; size: number } } }[];
}

const config = loadProcessorConfig(process.env);
// Built once per container, reused by every invocation.
const s3 = new S3Client({ region: config.region });
const sfn = new SFNClient({ region: config.region });
const client = createClient({
  url: config.graphqlUrl,
  auth: { mode: 'AWS_IAM', region: config.region, credentials: defaultProvider() },
});

export async function handler(event: S3NotificationEvent): Promise<ProcessResult[]> {
  const results: ProcessResult[] = [];
  for (const record of event.Records) {
    const upload = { bucket: record.s3.bucket.name, key: decodeEventKey(record.s3.object.key), size: record.s3.object.size };
    const result = await processUploadOnce({ s3, sfn, client, engine: ingestEngine, stateMachineArn: config.stateMachineArn, largeFileBytes: config.largeFileBytes }, upload);
    console.log(JSON.stringify({ message: 'processed upload', key: upload.key, size: upload.size, ...result }));
    results.push(result);
  }
  return results;
}
