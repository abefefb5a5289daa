/**
 * Why a file cannot be ingested at all (as opposed to rows that are rejected one by one).
 * Every problem names the file and, where it applies, the line/row and column, and says what to do.
 */

export type FileProblemCode =
  | 'EMPTY'
  | 'HEADER_ONLY'
  | 'BINARY'
  | 'ENCODING'
  | 'MALFORMED'
  | 'RECORD_TOO_LARGE'
  | 'UNKNOWN_MODEL'
  | 'AMBIGUOUS_MODEL'
  | 'MISSING_REQUIRED'
  | 'BAD_MAPPING'
  | 'DUPLICATE_HEADERS';

/** The file is unusable as a whole: nothing was (or will be) written. */
export class FileProblemError extends Error {
  override name = 'FileProblemError';
  constructor(
    readonly code: FileProblemCode,
    readonly fileName: string,
    detail: string,
    readonly where: { line?: number; row?: number; column?: string } = {},
  ) {
    super(`${fileName}: ${detail}`);
  }
}

/** The server refused or could not be reached, even after retries; the ingestion stopped. */
export class SendFailedError extends Error {
  override name = 'SendFailedError';
  constructor(
    message: string,
    override readonly cause: unknown,
  ) {
    super(message, { cause });
  }
}
