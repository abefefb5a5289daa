/**
 * Errors a data source raises before it reaches its service: the field fails with them at once
 * (AppSync does not hand them to the response handler in `ctx.error`).
 */

/** The request object itself is malformed: AppSync refuses it with errorType `MappingTemplate`. */
export class RequestObjectError extends Error {
  override name = 'RequestObjectError';
  /** AppSync reports request-object problems with this errorType. */
  readonly errorType: string = 'MappingTemplate';
}

/** A data source kind that the local stack can describe (evaluate, logs) but not serve. */
export class NoLocalEngineError extends RequestObjectError {
  override name = 'NoLocalEngineError';
  override readonly errorType = 'UnsupportedOperation';
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
