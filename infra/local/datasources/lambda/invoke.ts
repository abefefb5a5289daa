/**
 * Calls a Lambda handler module the way the Node.js Lambda runtime does: `handler(event, context)`,
 * awaited; a thrown error becomes `{ errorType, errorMessage }` (the runtime's error payload).
 * Shared by in-process invocation and the child runner.
 */
import { randomUUID } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { loaderFor } from '../../../runtime';

export type LambdaHandler = (event: unknown, context: Record<string, unknown>) => unknown;

export type LambdaReply = { ok: true; value: unknown } | { ok: false; errorType: string; errorMessage: string };

export async function loadHandler(file: string, exportName: string): Promise<LambdaHandler> {
  await loaderFor(file);
  const module = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  const handler = module[exportName] ?? (module.default as Record<string, unknown> | undefined)?.[exportName];
  if (typeof handler !== 'function') throw new Error(`${file} exports no function named ${exportName}`);
  return handler as LambdaHandler;
}

export async function callHandler(handler: LambdaHandler, functionName: string, event: unknown, timeoutMs: number): Promise<LambdaReply> {
  const deadline = Date.now() + timeoutMs;
  const context = {
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:123456789012:function:${functionName}`,
    memoryLimitInMB: '128',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
  };
  try {
    // A round trip through JSON, as the event and the result cross the Lambda service.
    const value = await handler(JSON.parse(JSON.stringify(event ?? null)) as unknown, context);
    return { ok: true, value: value === undefined ? null : (JSON.parse(JSON.stringify(value)) as unknown) };
  } catch (error) {
    const e = error instanceof Error ? error : new Error(String(error));
    return { ok: false, errorType: e.name || 'Error', errorMessage: e.message };
  }
}
