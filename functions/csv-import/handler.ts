/**
 * csv-import: the Lambda behind the big-file state machine (see ./importer), with Powertools logs
 * (keyed by the ingestion id), metrics and traces (../telemetry).
 */
import { S3Client } from '@aws-sdk/client-s3';
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { createClient } from '../../clients/api/client';
import { requireEnv } from '../csv-processor/config';
import { createTelemetry, recordOutcome, recordRows, timedClient } from '../telemetry';
import { fail, finish, importBatch, type ImporterEvent } from './importer';

const region = requireEnv(process.env, 'AWS_REGION');
const { logger, metrics, tracer } = createTelemetry();
const client = timedClient(createClient({ url: requireEnv(process.env, 'FOREMAN_GRAPHQL_URL'), auth: { mode: 'AWS_IAM', region, credentials: defaultProvider() } }), metrics);
const s3 = tracer.captureAWSv3Client(new S3Client({ region }));

function ingestionIdOf(event: ImporterEvent): string | undefined {
  return event.action === 'importBatch' ? event.batch?.BatchInput?.ingestionId : event.job?.ingestionId;
}

export async function handler(event: ImporterEvent, context?: Parameters<typeof logger.addContext>[0]): Promise<unknown> {
  if (context) logger.addContext(context);
  logger.appendKeys({ ingestionId: ingestionIdOf(event), action: event.action });
  try {
    switch (event.action) {
      case 'importBatch': {
        const result = await importBatch({ s3, client }, event.batch);
        recordRows(metrics, { created: result.created, duplicates: result.duplicates, invalid: result.invalid + result.recordedRejected });
        logger.info('batch imported', { ...result });
        return result;
      }
      case 'finish': {
        const result = await finish({ s3, client }, event.job, event.startedAt);
        recordOutcome(metrics, result.status);
        logger.info('ingestion finished', { ...result });
        return result;
      }
      case 'fail': {
        const result = await fail({ s3, client }, event.job, event.error);
        recordOutcome(metrics, 'FAILED');
        logger.warn('ingestion failed', { ...result, error: event.error });
        return result;
      }
    }
  } catch (error) {
    logger.error('step failed', error as Error);
    throw error;
  } finally {
    metrics.publishStoredMetrics();
  }
}
