/**
 * Re-drives the processor's dead-letter queue: `npm run dlq:replay` (docs/operations.md).
 *
 * Each message is a Lambda on-failure destination record
 * (https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html) whose
 * `requestPayload` is the original S3 event. The event is invoked again asynchronously (so the
 * function's retry policy and the queue apply once more) and the message is deleted only once
 * Lambda accepted it (202). A message that is not such a record is left in the queue and counted.
 *
 * Options: --queue-url (default FOREMAN_DLQ_URL), --function (default FOREMAN_PROCESSOR_FUNCTION),
 * --max N (default all), --dry-run (list, change nothing). Region: AWS_REGION.
 * Exit codes: 0 all replayed, 1 some messages left in the queue, 2 bad usage.
 */
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { DeleteMessageCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';

export interface ReplayOptions {
  sqs: SQSClient;
  lambda: LambdaClient;
  queueUrl: string;
  functionName: string;
  /** Stop after this many messages. Default: until the queue answers empty. */
  max?: number;
  dryRun?: boolean;
  log?: (line: string) => void;
}

export interface ReplayResult {
  received: number;
  replayed: number;
  /** Not a destination record, or Lambda refused it: left in the queue. */
  left: number;
}

/** The original event of a destination record, or undefined when the message is not one. */
export function originalEvent(body: string | undefined): unknown {
  try {
    const record = JSON.parse(body ?? '') as { requestPayload?: unknown; requestContext?: unknown };
    return record && typeof record === 'object' && record.requestContext && record.requestPayload !== undefined ? record.requestPayload : undefined;
  } catch {
    return undefined;
  }
}

export async function replayDeadLetters(options: ReplayOptions): Promise<ReplayResult> {
  const log = options.log ?? (() => undefined);
  const result: ReplayResult = { received: 0, replayed: 0, left: 0 };
  const seen = new Set<string>();
  const max = options.max ?? Number.POSITIVE_INFINITY;
  while (result.received < max) {
    const page = await options.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: options.queueUrl,
        MaxNumberOfMessages: Math.min(10, max - result.received),
        WaitTimeSeconds: 1,
        // Long enough to invoke and delete; a message we leave comes back after it.
        VisibilityTimeout: 120,
        MessageSystemAttributeNames: ['ApproximateReceiveCount'],
      }),
    );
    const messages = (page.Messages ?? []).filter((m) => !seen.has(m.MessageId ?? ''));
    if (messages.length === 0) break;
    for (const message of messages) {
      seen.add(message.MessageId ?? '');
      result.received++;
      const event = originalEvent(message.Body);
      if (event === undefined) {
        result.left++;
        log(`left ${message.MessageId}: not a Lambda destination record`);
        continue;
      }
      if (options.dryRun) {
        log(`would replay ${message.MessageId}: ${JSON.stringify(event).slice(0, 200)}`);
        continue;
      }
      const answer = await options.lambda.send(new InvokeCommand({ FunctionName: options.functionName, InvocationType: 'Event', Payload: Buffer.from(JSON.stringify(event)) }));
      if (answer.StatusCode !== 202) {
        result.left++;
        log(`left ${message.MessageId}: Lambda answered ${answer.StatusCode ?? 'nothing'}`);
        continue;
      }
      await options.sqs.send(new DeleteMessageCommand({ QueueUrl: options.queueUrl, ReceiptHandle: message.ReceiptHandle }));
      result.replayed++;
      log(`replayed ${message.MessageId}`);
    }
  }
  return result;
}

async function main(): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({ options: { 'queue-url': { type: 'string' }, function: { type: 'string' }, max: { type: 'string' }, 'dry-run': { type: 'boolean' } } }));
  } catch (error) {
    console.error(`${(error as Error).message}. Usage: npm run dlq:replay -- [--queue-url URL] [--function NAME] [--max N] [--dry-run]`);
    return 2;
  }
  const queueUrl = values['queue-url'] ?? process.env.FOREMAN_DLQ_URL;
  const functionName = values.function ?? process.env.FOREMAN_PROCESSOR_FUNCTION;
  const max = values.max === undefined ? undefined : Number(values.max);
  if (!queueUrl || !functionName || (max !== undefined && !(Number.isInteger(max) && max > 0))) {
    console.error('Give the queue and the function: --queue-url (or FOREMAN_DLQ_URL) and --function (or FOREMAN_PROCESSOR_FUNCTION), from the stack outputs DeadLetterQueueUrl and ProcessorFunctionName; --max must be a positive whole number.');
    return 2;
  }
  const result = await replayDeadLetters({ sqs: new SQSClient({}), lambda: new LambdaClient({}), queueUrl, functionName, max, dryRun: values['dry-run'], log: (l) => console.log(l) });
  console.log(`${result.received} received, ${result.replayed} replayed, ${result.left} left in the queue${values['dry-run'] ? ' (dry run: nothing changed)' : ''}.`);
  return result.left > 0 ? 1 : 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(`${(error as Error).name}: ${(error as Error).message}`);
      process.exit(1);
    },
  );
}
