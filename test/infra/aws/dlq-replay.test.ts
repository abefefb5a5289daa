/**
 * `npm run dlq:replay` with SQS and Lambda mocked (aws-sdk-client-mock): destination records go back
 * to the function as their original S3 event and leave the queue only once Lambda accepted them.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { DeleteMessageCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { originalEvent, replayDeadLetters } from '../../../infra/aws/dlq-replay';

const sqsMock = mockClient(SQSClient);
const lambdaMock = mockClient(LambdaClient);
const QUEUE = 'https://sqs.eu-west-1.amazonaws.com/123456789012/dlq';
const FUNCTION = 'Foreman-dev-CsvProcessorFunction';

/** A destination record as Lambda writes it (invocation-async-retain-records.html). */
function record(key: string) {
  const event = { Records: [{ eventName: 'ObjectCreated:Put', s3: { bucket: { name: 'b' }, object: { key, size: 10 } } }] };
  return {
    event,
    body: JSON.stringify({
      version: '1.0',
      timestamp: '2026-12-02T03:00:00.000Z',
      requestContext: { requestId: 'r', functionArn: `arn:aws:lambda:eu-west-1:123456789012:function:${FUNCTION}:$LATEST`, condition: 'RetriesExhausted', approximateInvokeCount: 3 },
      requestPayload: event,
      responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
      responsePayload: { errorType: 'EndpointUnreachableError', errorMessage: 'nothing answered' },
    }),
  };
}

beforeEach(() => {
  sqsMock.reset();
  lambdaMock.reset();
  sqsMock.on(DeleteMessageCommand).resolves({});
});

describe('dlq:replay', () => {
  it('invokes the function asynchronously with each original S3 event and then deletes the message', async () => {
    const a = record('uploads/a.csv');
    const b = record('uploads/b.csv');
    // GIVEN two records, then an empty queue
    sqsMock
      .on(ReceiveMessageCommand)
      .resolvesOnce({ Messages: [{ MessageId: '1', ReceiptHandle: 'h1', Body: a.body }, { MessageId: '2', ReceiptHandle: 'h2', Body: b.body }] })
      .resolves({ Messages: [] });
    lambdaMock.on(InvokeCommand).resolves({ StatusCode: 202 });
    // WHEN replayed
    const result = await replayDeadLetters({ sqs: new SQSClient({}), lambda: new LambdaClient({}), queueUrl: QUEUE, functionName: FUNCTION });
    // THEN both went back as Event invocations carrying exactly the original event
    expect(result).toEqual({ received: 2, replayed: 2, left: 0 });
    const invokes = lambdaMock.commandCalls(InvokeCommand).map((c) => c.args[0].input);
    expect(invokes.map((i) => [i.FunctionName, i.InvocationType])).toEqual([
      [FUNCTION, 'Event'],
      [FUNCTION, 'Event'],
    ]);
    expect(invokes.map((i) => JSON.parse(Buffer.from(i.Payload as Uint8Array).toString('utf8')) as unknown)).toEqual([a.event, b.event]);
    // and each message was deleted by its own receipt handle
    expect(sqsMock.commandCalls(DeleteMessageCommand).map((c) => c.args[0].input.ReceiptHandle)).toEqual(['h1', 'h2']);
  });

  it('leaves in the queue what is not a destination record and what Lambda did not accept', async () => {
    sqsMock
      .on(ReceiveMessageCommand)
      .resolvesOnce({ Messages: [{ MessageId: '1', ReceiptHandle: 'h1', Body: 'not json' }, { MessageId: '2', ReceiptHandle: 'h2', Body: record('uploads/c.csv').body }] })
      .resolves({ Messages: [] });
    // Lambda throttled the invocation (no 202)
    lambdaMock.on(InvokeCommand).resolves({ StatusCode: 429 });
    const result = await replayDeadLetters({ sqs: new SQSClient({}), lambda: new LambdaClient({}), queueUrl: QUEUE, functionName: FUNCTION });
    expect(result).toEqual({ received: 2, replayed: 0, left: 2 });
    // nothing deleted: both messages come back after their visibility timeout
    expect(sqsMock).not.toHaveReceivedCommand(DeleteMessageCommand);
    // only the real record was tried
    expect(lambdaMock.commandCalls(InvokeCommand)).toHaveLength(1);
  });

  it('changes nothing in a dry run, and stops after --max messages', async () => {
    sqsMock.on(ReceiveMessageCommand).resolves({ Messages: [{ MessageId: '1', ReceiptHandle: 'h1', Body: record('uploads/a.csv').body }] });
    const lines: string[] = [];
    const result = await replayDeadLetters({ sqs: new SQSClient({}), lambda: new LambdaClient({}), queueUrl: QUEUE, functionName: FUNCTION, dryRun: true, max: 1, log: (l) => lines.push(l) });
    expect(result).toEqual({ received: 1, replayed: 0, left: 0 });
    expect(lambdaMock).not.toHaveReceivedCommand(InvokeCommand);
    expect(sqsMock).not.toHaveReceivedCommand(DeleteMessageCommand);
    // it asked for one message at most, and said what it would do
    expect(sqsMock).toHaveReceivedCommandWith(ReceiveMessageCommand, { MaxNumberOfMessages: 1 });
    expect(lines[0]).toMatch(/^would replay 1: .*uploads\/a\.csv/);
  });

  it('reads the original event only from a record with a request context', () => {
    expect(originalEvent(JSON.stringify({ requestPayload: { a: 1 } }))).toBeUndefined();
    expect(originalEvent(JSON.stringify({ requestContext: {}, requestPayload: { a: 1 } }))).toEqual({ a: 1 });
    expect(originalEvent(undefined)).toBeUndefined();
  });
});
