/**
 * The AppSync real-time WebSocket protocol (subprotocol `graphql-ws`, AppSync's dialect of the legacy
 * Apollo protocol): message shapes, limits and the error frames AppSync sends.
 *
 * Sources:
 * - https://docs.aws.amazon.com/appsync/latest/devguide/real-time-websocket-client.html (handshake,
 *   `connection_ack {connectionTimeoutMs: 300000}`, `ka`, `start`/`start_ack`/`data`/`stop`/`complete`, `error`);
 * - aws-amplify/amplify-flutter#2763 (a `connection_error` frame captured from AppSync for a refused
 *   connect: `{"type":"connection_error","payload":{"errors":[{"errorType":"UnauthorizedException",
 *   "message":"You are not authorized to make this call.","errorCode":401}]}}`);
 * - enisdenjo/graphql-ws#602 (AppSync's answer to a message type it does not know:
 *   `{"type":"error","payload":{"errors":[{"errorType":"UnsupportedOperation","message":"unknown not supported through the realtime channel"}]}}`);
 * - aws/aws-appsync-community#33 and #175 (a subscription payload over the 240 KB WebSocket limit is
 *   silently not delivered; the mutation itself succeeds).
 */

/** The subprotocol AppSync requires (not `graphql-transport-ws`). */
export const GRAPHQL_WS = 'graphql-ws';

/** What AppSync puts in `connection_ack` (real-time-websocket-client.html). */
export const CONNECTION_TIMEOUT_MS = 300_000;

/**
 * How often `ka` is sent. AWS does not document the period; Amplify JS flags a connection as
 * "pending keep-alive" after 65 s without one (DEFAULT_KEEP_ALIVE_ALERT_TIMEOUT in
 * @aws-amplify/api-graphql), which matches AppSync's observed one-minute period.
 */
export const DEFAULT_KEEP_ALIVE_INTERVAL_MS = 60_000;

/** AppSync's real-time payload limit (service quotas: 240 KB per WebSocket message). */
export const MAX_PAYLOAD_BYTES = 240 * 1024;

export interface ErrorEntry {
  errorType?: string;
  message: string;
  errorCode?: number;
  path?: ReadonlyArray<string | number>;
  locations?: ReadonlyArray<{ line: number; column: number; sourceName: string | null }>;
}

export type ServerMessage =
  | { type: 'connection_ack'; payload: { connectionTimeoutMs: number } }
  | { type: 'connection_error'; payload: { errors: ErrorEntry[] } }
  | { type: 'ka' }
  | { type: 'start_ack'; id: string }
  | { type: 'data'; id: string; payload: { data: Record<string, unknown> | null; errors?: ErrorEntry[] } }
  | { type: 'complete'; id: string }
  | { type: 'error'; id?: string; payload: { errors: ErrorEntry[] } };

/** AppSync's refusal of a connect or start whose credentials it does not accept. */
export function unauthorizedError(message = 'You are not authorized to make this call.', errorType = 'UnauthorizedException'): ErrorEntry {
  return { errorType, message, errorCode: 401 };
}

/** The field-level denial by auth directives, worded as AppSync words it over HTTP. */
export function fieldUnauthorizedError(typeName: string, fieldName: string): ErrorEntry {
  return { errorType: 'Unauthorized', message: `Not Authorized to access ${fieldName} on type ${typeName}` };
}

export function unsupportedOperationError(): ErrorEntry {
  return { errorType: 'UnsupportedOperation', message: 'unknown not supported through the realtime channel' };
}

/**
 * A refused credential as the real-time channel reports it. Over HTTP a bad SigV4 signature is
 * `InvalidSignatureException` (403); on the WebSocket AppSync reports the same message as
 * `BadRequestException` (captured in awslabs/aws-mobile-appsync-sdk-js#619 for a `start`, and
 * aws-amplify/amplify-js#14001 for a connect), which Amplify treats as non-retryable.
 */
export function realtimeAuthError(failure: { errorType: string; message: string; httpStatus: number }): ErrorEntry {
  if (failure.errorType === 'InvalidSignatureException' || failure.errorType === 'IncompleteSignatureException') {
    return { errorType: 'BadRequestException', message: failure.message, errorCode: 400 };
  }
  return { errorType: failure.errorType, message: failure.message, errorCode: failure.httpStatus };
}
