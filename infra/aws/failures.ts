/**
 * Nothing lost silently: the processor's asynchronous invocations (S3 events) are retried a bounded
 * number of times within a bounded age, then land in an SQS dead-letter queue through Lambda's
 * on-failure destination, whose record keeps the original event, the error and the attempt count
 * (https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html).
 * `npm run dlq:replay` (scripts/dlq-replay.ts) sends them back to the function.
 */
import { Duration } from 'aws-cdk-lib';
import * as destinations from 'aws-cdk-lib/aws-lambda-destinations';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

/** Lambda's async retries after the first attempt (0–2). */
export const PROCESSOR_RETRY_ATTEMPTS = 2;
/** An S3 event older than this is not retried any more but sent to the queue. */
export const PROCESSOR_MAX_EVENT_AGE = Duration.hours(6);

export class ProcessorFailures extends Construct {
  readonly deadLetterQueue: sqs.Queue;

  constructor(scope: Construct, id: string, props: { processor: lambda.Function }) {
    super(scope, id);
    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', {
      // SQS's longest: two weeks to notice (the alarm fires on the first message) and replay.
      retentionPeriod: Duration.days(14),
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
    });
    props.processor.configureAsyncInvoke({
      onFailure: new destinations.SqsDestination(this.deadLetterQueue),
      retryAttempts: PROCESSOR_RETRY_ATTEMPTS,
      maxEventAge: PROCESSOR_MAX_EVENT_AGE,
    });
  }
}
