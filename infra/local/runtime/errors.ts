/**
 * Thrown by a built-in utility for a call it refuses (`select()` without a table, `returning` on
 * MySQL, XML that does not parse, …). The runtime reports it like any uncaught error, but without
 * an error-class prefix: AWS answers these as `code.js:L:C: <message>`.
 */
export class UtilsUsageError extends Error {
  override name = 'UtilsUsageError';
  constructor(message: string) {
    // The resolver's frame (`code.js:L:C`) can sit deep below the utility's own frames; keep enough
    // of the stack to find it.
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 100;
    super(message);
    Error.stackTraceLimit = limit;
  }
}
