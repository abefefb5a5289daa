/**
 * Assertions on the typed GraphQL client's failures, shared by the integration tests.
 */
import { expect } from 'vitest';
import { GraphQLResponseError } from '../../clients/api/client';

/**
 * Awaits `call`, which must fail with a GraphQLResponseError (a GraphQL `errors` entry, not a
 * transport failure), and returns that error for checks on its errorType and message. A call that
 * succeeds fails the test.
 */
export async function failure(call: Promise<unknown>): Promise<GraphQLResponseError> {
  const error = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(GraphQLResponseError);
  return error as GraphQLResponseError;
}
