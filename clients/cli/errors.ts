/** Exit codes scripts can rely on (documented in `foreman --help` and the README). */
export const EXIT = {
  /** Every row accounted for and none failed to send. */
  OK: 0,
  /** Rows were rejected (invalid or duplicate), or the command failed. */
  FAILED: 1,
  /** Bad usage or an unreadable file. */
  USAGE: 2,
  /** The file was ingested before (same SHA-256). */
  DUPLICATE_FILE: 3,
} as const;

/** An error the CLI prints as one line (`foreman: <message>`) before exiting with `exitCode`. */
export class CliError extends Error {
  override name = 'CliError';
  constructor(
    message: string,
    readonly exitCode: number = EXIT.FAILED,
  ) {
    super(message);
  }
}
