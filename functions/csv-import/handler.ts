/**
 * csv-import: the Lambda behind the big-file state machine (see ./importer).
 */
import { S3Client } from '@aws-sdk/client-s3';
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { createClient } from '../../clients/api/client';
import { requireEnv } from '../csv-processor/config';
import { fail, finish, importBatch, type ImporterEvent } from './importer';

const region = requireEnv(process.env, 'AWS_REGION');
const client = createClient({ url: requireEnv(process.env, 'FOREMAN_GRAPHQL_URL'), auth: { mode: 'AWS_IAM', region, credentials: defaultProvider() } });
const s3 = new S3Client({ region });

export async function handler(event: ImporterEvent): Promise<unknown> {
  switch (event.action) {
    case 'importBatch':
      return importBatch({ s3, client }, event.batch);
    case 'finish':
      return finish({ s3, client }, event.job, event.startedAt);
    case 'fail':
      return fail({ s3, client }, event.job, event.error);
  }
}
