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

/**
 * A pointer for flags of the old CLI that commander reports as unknown (`--file`, `--submit`,
 * `--list-models`), appended to its error; undefined for anything else.
 * @example oldFlagHint("error: unknown option '--file'\n", ['--file', 'a.csv']) // "did you mean `foreman ingest a.csv`? …"
 */
export function oldFlagHint(error: string, argv: readonly string[]): string | undefined {
  const flag = /unknown option '(--[\w-]+)(?:=[^']*)?'/.exec(error)?.[1];
  if (flag === '--file') {
    const at = argv.findIndex((a) => a === '--file' || a.startsWith('--file='));
    const file = argv[at]?.startsWith('--file=') ? argv[at]!.slice('--file='.length) : argv[at + 1];
    return `did you mean \`foreman ingest ${file && !file.startsWith('-') ? file : 'FILE'}\`? The file is an argument now, not --file.\n`;
  }
  if (flag === '--submit') return 'did you mean `foreman ingest FILE`? It sends the rows by default now (--dry-run only checks them).\n';
  if (flag === '--list-models') return 'did you mean `foreman models`?\n';
  return undefined;
}
