/**
 * The S3 route of the local stack: a local S3-compatible endpoint (./server) whose `uploads/`
 * notifications run the very same processor code as the Lambda in AWS
 * (functions/csv-processor: handleS3Event → processUploadOnce), signing its GraphQL calls with the
 * stack's IAM credentials, so the file ends in `processed/` or `failed/` with its report.
 * Events are handled one at a time, in order, as a Lambda with reserved concurrency 1 would.
 */
import { S3Client } from '@aws-sdk/client-s3';
import { SFNClient } from '@aws-sdk/client-sfn';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { createClient } from '../../../clients/api/client';
import { ingestEngine } from '../../../functions/csv-processor/defaultEngine';
import { handleS3Event } from '../../../functions/csv-processor/dispatch';
import type { ProcessResult } from '../../../functions/csv-processor/process';
import { PREFIXES } from '../../../functions/csv-processor/keys';
import { sdkMultipart, useLocalUploadTarget } from '../../../functions/upload-url/handler';
import { startLocalS3, type LocalS3 } from './server';

export const DEFAULT_BUCKET = 'foreman-local';
export const DEFAULT_S3_PORT = 4569;

export interface S3RouteOptions {
  graphqlUrl: string;
  iam: { region: string; accessKeyId: string; secretAccessKey: string };
  host?: string;
  port?: number;
  bucket?: string;
  /** One line per processed upload (and per failure to process one). */
  onLog?: (line: string) => void;
  /** Every result, for tests and tools. */
  onResult?: (key: string, result: ProcessResult | Error) => void;
}

export interface S3Route extends LocalS3 {
  bucket: string;
  /** Resolves once every event received so far is handled. */
  idle(): Promise<void>;
}

export async function startS3Route(options: S3RouteOptions): Promise<S3Route> {
  const bucket = options.bucket ?? DEFAULT_BUCKET;
  const credentials = { accessKeyId: options.iam.accessKeyId, secretAccessKey: options.iam.secretAccessKey };
  let queue: Promise<void> = Promise.resolve();
  const server = await startLocalS3({
    host: options.host,
    port: options.port ?? DEFAULT_S3_PORT,
    region: options.iam.region,
    credentials,
    buckets: [bucket],
    onEvent(event) {
      // Only uploads/ is wired to the processor (the notification filter in AWS does the same).
      const records = event.Records.filter((r) => decodeURIComponent(r.s3.object.key.replace(/\+/g, ' ')).startsWith(PREFIXES.uploads));
      if (records.length === 0) return;
      queue = queue.then(() => process({ Records: records }));
    },
  });
  const s3 = new S3Client({ endpoint: server.endpoint, region: options.iam.region, forcePathStyle: true, credentials });
  // createUpload (functions/upload-url) presigns PUTs into this bucket, in this process, and makes its multipart calls here.
  useLocalUploadTarget({ bucket, region: options.iam.region, base: `${server.endpoint}/${bucket}`, credentials, multipart: sdkMultipart(s3, bucket) });
  const deps = {
    s3,
    // Never used: the local route has no state machine, so every file is processed in-process.
    sfn: new SFNClient({ region: options.iam.region, credentials }),
    client: createClient({ url: options.graphqlUrl, auth: { mode: 'AWS_IAM', region: options.iam.region, credentials } }),
    engine: ingestEngine,
    stateMachineArn: 'arn:aws:states:local:000000000000:stateMachine:none',
    largeFileBytes: Number.POSITIVE_INFINITY,
  };
  const telemetry = { logger: new Logger({ serviceName: 'foreman-local-s3', logLevel: 'SILENT' }), metrics: new Metrics({ namespace: 'ForemanLocal', serviceName: 'foreman-local-s3' }) };

  async function process(event: { Records: { s3: { object: { key: string } } }[] }): Promise<void> {
    const key = decodeURIComponent(event.Records[0]!.s3.object.key.replace(/\+/g, ' '));
    try {
      const [result] = await handleS3Event(deps, event, telemetry);
      telemetry.metrics.clearMetrics();
      if (!result) return;
      options.onResult?.(key, result);
      const where = 'movedTo' in result && result.movedTo ? ` → ${result.movedTo}` : '';
      const counts = result.route === 'lambda' && result.counts ? ` (${result.counts.created} created, ${result.counts.duplicates} duplicate, ${result.counts.invalid} invalid)` : '';
      options.onLog?.(`s3://${bucket}/${key}: ${result.outcome.toLowerCase()}${counts}${where}${result.ingestionId ? `, ingestion ${result.ingestionId}` : ''}`);
    } catch (error) {
      const e = error instanceof Error ? error : new Error(String(error));
      options.onResult?.(key, e);
      options.onLog?.(`s3://${bucket}/${key}: could not be processed (${e.message}); it stays in uploads/. Upload it again to retry.`);
    }
  }

  return {
    ...server,
    bucket,
    idle: async () => {
      let seen: Promise<void>;
      do {
        seen = queue;
        await seen;
      } while (seen !== queue);
    },
    async close() {
      useLocalUploadTarget(null);
      await queue.catch(() => undefined);
      s3.destroy();
      deps.sfn.destroy();
      await server.close();
    },
  };
}
