/**
 * Poison S3 events (functions/csv-processor/dispatch.ts): with S3 mocked, an event no retry can help
 * throws PoisonEventError before touching the bucket — Lambda's bounded retries then put it in the
 * dead-letter queue (infra/aws/failures.ts) — and nothing is written where it would trigger the
 * function again.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { S3Client } from '@aws-sdk/client-s3';
import { SFNClient } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { handleS3Event, PoisonEventError, uploadsOf } from '../../../functions/csv-processor/dispatch';
import type { IngestionEngine } from '../../../functions/csv-processor/engine';
import { fakeClient } from './fakes';

const s3Mock = mockClient(S3Client);
const sfnMock = mockClient(SFNClient);

beforeEach(() => {
  s3Mock.reset();
  sfnMock.reset();
});

const engine: IngestionEngine = {
  run: () => Promise.reject(new Error('the engine must not run for a poison event')),
  scan: () => Promise.reject(new Error('the engine must not scan for a poison event')),
};

function telemetry() {
  const lines: string[] = [];
  const logger = new Logger({ serviceName: 'foreman', logLevel: 'DEBUG' });
  // Capture what would go to CloudWatch Logs.
  logger.error = ((message: string) => void lines.push(message)) as Logger['error'];
  return { lines, logger, metrics: new Metrics({ namespace: 'Foreman', serviceName: 'foreman' }) };
}

function event(key: string, bucket: unknown = 'foreman-ingest') {
  return { Records: [{ eventName: 'ObjectCreated:Put', s3: { bucket: { name: bucket }, object: { key, size: 10 } } }] };
}

const deps = () => ({ s3: new S3Client({}), sfn: new SFNClient({}), client: fakeClient({}), engine, stateMachineArn: 'arn:sm', largeFileBytes: 1024 });

describe('a poison S3 event', () => {
  for (const [what, poison, message] of [
    ['an object outside uploads/ (a notification on the whole bucket would loop on processed/)', event('processed/a.csv'), /processed\/a\.csv is not under uploads\//],
    ['a key that is not URL-encoded', event('uploads/%E0%A4%A.csv'), /not a URL-encoded S3 key/],
    ['a record without bucket', event('uploads/a.csv', 42), /names no bucket/],
    ['something that is not an S3 notification', { detail: 'hello' }, /no Records/],
  ] as const) {
    it(`throws PoisonEventError for ${what}, touching neither S3 nor Step Functions`, async () => {
      const t = telemetry();
      // WHEN the handler receives it THEN it throws the classified error (Lambda retries it twice, then the DLQ)
      await expect(handleS3Event(deps(), poison, t)).rejects.toThrow(PoisonEventError);
      await expect(handleS3Event(deps(), poison, t)).rejects.toThrow(message);
      // nothing was read, copied, written or started: no loop, no partial move
      expect(s3Mock.calls()).toHaveLength(0);
      expect(sfnMock.calls()).toHaveLength(0);
      // and the log says where it goes
      expect(t.lines[0]).toMatch(/dead-letter queue/);
    });
  }

  it('is not the S3 test event, which is answered with nothing to do', async () => {
    const result = await handleS3Event(deps(), { Service: 'Amazon S3', Event: 's3:TestEvent', Bucket: 'foreman-ingest' }, telemetry());
    expect(result).toEqual([]);
    expect(s3Mock.calls()).toHaveLength(0);
  });

  it('does not stop a good record from being decoded the way S3 encodes keys', () => {
    // S3 URL-encodes keys with spaces as + (notification-content-structure.html)
    expect(uploadsOf(event('uploads/my+file%C3%A9.csv'))).toEqual([{ bucket: 'foreman-ingest', key: 'uploads/my fileé.csv', size: 10 }]);
  });
});
