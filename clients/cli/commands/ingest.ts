/**
 * `foreman ingest FILE`: shows what Foreman makes of the file (format, model, mapping, preview),
 * then streams it through the ingestion engine with live progress and a summary that names every
 * rejected row by row and column. Exit codes: see EXIT_CODES_HELP.
 */
import { closeSync, openSync, statSync, writeSync } from 'node:fs';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { createClient } from '../../api/client';
import type { IngestionSource } from '../../api/generated';
import { MAX_BATCH_ROWS } from '../../../resolvers/lib/rules';
import { FileChangedError, FileProblemError, SendFailedError, columnOf, ingestFile, reportHeader, reportLine, type IngestSummary, type Inspection, type MappingOverride, type RejectedRow } from '../../ingest';
import { fileSource, nodeSha256 } from '../../ingest/node';
import { resolveEndpoint, type ResolvedEndpoint } from '../endpoint';
import { mappingFromFlags, parseMapFlag } from '../mappingFlags';
import { CliError, EXIT } from '../errors';
import { ProgressReporter, describeInspection, describeSummary, describeRejected } from '../ingestOutput';
import { followIfRunning } from '../watchRender';

export const EXIT_CODES_HELP = `
Exit codes:
  0  every row was created (or had been imported by an earlier run of the same file)
  1  some rows were rejected (invalid or duplicate), or sending failed (endpoint down, API key refused),
     or the file changed while it was being read (nothing of the changed bytes is sent; the
     ingestion stays open for the bytes first read: see docs/ingestion.md)
  2  bad usage, or a file that cannot be ingested (unreadable, empty, header only, binary, unknown
     model, unmappable or duplicate headers, broken quoting)
  3  the same file (same SHA-256, under any name) was ingested before; nothing was done

Endpoint (first match wins): --endpoint/--api-key; FOREMAN_GRAPHQL_URL/FOREMAN_API_KEY;
a .env file in the current directory; a running \`foreman serve\`; otherwise an embedded local
AppSync over DynamoDB Local is started for the run (data kept in .foreman/).

Row numbers are spreadsheet row numbers: the header is row 1.

Examples:
  $ foreman ingest samples/customers_valid.csv
  $ foreman ingest contacts.csv --model customer --dry-run
  $ foreman ingest export.csv --map "Kontakt E-Mail=email" --map "Kunde=name" --map "Intern="
  $ foreman ingest projects.csv --errors-out rejected.csv --json`;

function intOption(name: string, min: number, max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!/^\d+$/.test(value.trim()) || n < min || n > max) throw new InvalidArgumentError(`${name} must be a whole number from ${min} to ${max}.`);
    return n;
  };
}

interface IngestFlags {
  model?: 'customer' | 'project';
  map?: MappingOverride;
  mapFile?: string;
  dryRun?: boolean;
  batchSize: number;
  concurrency: number;
  endpoint?: string;
  apiKey?: string;
  json?: boolean;
  errorsOut?: string;
  follow?: boolean;
}

export function register(program: Command): void {
  program
    .command('ingest')
    .summary('ingest a CSV file of customers or projects')
    .description('Stream a CSV file through model detection, column mapping, validation and batched GraphQL mutations, refusing duplicates and accounting for every row.')
    .argument('<file>', 'the CSV file')
    .addOption(new Option('-m, --model <model>', 'the model, instead of detecting it from the headers').choices(['customer', 'project']))
    .option('--map <column=field>', 'map a column to a model field, overriding its header ("Column=" or "Column=-" ignores the column); repeatable', parseMapFlag)
    .option('--map-file <file>', 'a JSON object of column → field (null ignores the column); --map entries win')
    .option('--dry-run', 'read, map and validate every row; write nothing')
    .option('--batch-size <n>', `rows per import mutation (1–${MAX_BATCH_ROWS})`, intOption('--batch-size', 1, MAX_BATCH_ROWS), MAX_BATCH_ROWS)
    .option('--concurrency <n>', 'batches in flight at once (1–32)', intOption('--concurrency', 1, 32), 4)
    .option('--endpoint <url>', 'GraphQL endpoint (AppSync or `foreman serve`)')
    .option('--api-key <key>', 'API key for the endpoint')
    .option('--json', 'print one machine-readable summary object on stdout (and nothing else there)')
    .option('--errors-out <file>', 'write every rejected row, with its reasons, to this CSV file')
    .option('--follow', 'if this file is already being ingested elsewhere, follow that ingestion live instead of sending it again')
    .addHelpText('after', EXIT_CODES_HELP)
    .action(async (file: string, flags: IngestFlags) => {
      if (flags.follow) {
        const followed = await followIfRunning(file, flags);
        if (followed !== null) {
          process.exitCode = followed;
          return;
        }
      }
      process.exitCode = await runIngest(file, flags);
    });
}

/** Buffered CSV report writer (synchronous appends keep it simple and ordered). */
class ReportWriter {
  private fd: number;
  private buffer = '';
  constructor(readonly path: string) {
    try {
      this.fd = openSync(path, 'w');
    } catch (error) {
      throw new CliError(`cannot write the error report ${path}: ${(error as Error).message}`, EXIT.USAGE);
    }
  }
  write(text: string) {
    this.buffer += text;
    if (this.buffer.length > 64 * 1024) this.flush();
  }
  flush() {
    if (this.buffer) writeSync(this.fd, this.buffer);
    this.buffer = '';
  }
  close() {
    this.flush();
    closeSync(this.fd);
  }
}

const LIST_CAP = 100;

/** Runs one ingestion and returns the exit code. */
export async function runIngest(file: string, flags: IngestFlags): Promise<number> {
  const out = flags.json ? process.stderr : process.stdout;
  const say = (text: string) => out.write(`${text}\n`);
  let size: number;
  try {
    const stat = statSync(file);
    if (!stat.isFile()) throw new CliError(`${file} is not a file.`, EXIT.USAGE);
    size = stat.size;
  } catch (error) {
    if (error instanceof CliError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw new CliError(`cannot read ${file}: ${code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : (error as Error).message}. Check the path and try again.`, EXIT.USAGE);
  }

  const mapping = mappingFromFlags(flags);
  let inspection: Inspection | undefined;
  let endpoint: ResolvedEndpoint | undefined;
  let report: ReportWriter | undefined;
  const listed = { duplicates: [] as RejectedRow[], invalid: [] as RejectedRow[], unsent: [] as RejectedRow[] };
  const jsonRejected: unknown[] = [];
  const progress = new ProgressReporter(process.stderr, true);
  let ingestionId: string | null = null;
  // Ctrl-C: finish the batches in flight, then stop (and stop the embedded stack) cleanly; the
  // ingestion stays open, so running the same command again resumes it. A second Ctrl-C quits now.
  const interrupt = new AbortController();
  const onSigint = () => {
    progress.stop();
    process.stderr.write('\nstopping; run the same command again to resume (Ctrl-C again to quit at once)…\n');
    interrupt.abort();
    process.once('SIGINT', () => process.exit(130));
  };
  process.once('SIGINT', onSigint);

  try {
    const summary: IngestSummary = await ingestFile({
      fileName: file,
      source: fileSource(file),
      size,
      createHasher: nodeSha256,
      model: flags.model,
      mapping,
      dryRun: flags.dryRun,
      batchSize: flags.batchSize,
      concurrency: flags.concurrency,
      sourceKind: 'CLI' as IngestionSource,
      signal: interrupt.signal,
      // Resolved only once the file has proved usable: a bad file never starts a local stack.
      client: async () => {
        endpoint = await resolveEndpoint({ endpoint: flags.endpoint, apiKey: flags.apiKey, notice: (line) => process.stderr.write(`${line}\n`) });
        say(`Endpoint   ${endpoint.url} (${endpoint.source === 'embedded' ? 'embedded local AppSync, data in .foreman/' : endpoint.source})`);
        return createClient({ url: endpoint.url, auth: endpoint.auth });
      },
      onInspected(i) {
        inspection = i;
        say(describeInspection(i, size));
        if (flags.errorsOut) {
          report = new ReportWriter(flags.errorsOut);
          report.write(reportHeader(i.headers));
        }
      },
      onScanned(scan) {
        say(`SHA-256    ${scan.sha256.slice(0, 16)}…  (${scan.rows.toLocaleString('en-US')} rows${scan.invalid ? `, ${scan.invalid.toLocaleString('en-US')} invalid before sending` : ''})`);
      },
      onStarted(id, outcome) {
        ingestionId = id;
        say(outcome === 'RESUMED' ? `Ingestion  ${id} (resuming an unfinished run of this file)` : `Ingestion  ${id}`);
      },
      onProgress: (p) => progress.update(p),
      onRejected(r) {
        const bucket = r.status === 'DUPLICATE' ? listed.duplicates : r.status === 'INVALID' ? listed.invalid : listed.unsent;
        if (bucket.length < LIST_CAP) bucket.push(r);
        if (report && inspection) report.write(reportLine({ row: r.row, status: r.status, errors: r.errors, conflict: r.conflict, cells: r.cells }, (f) => columnOf(inspection!.mapping, f)));
        if (flags.json && jsonRejected.length < 1000 && inspection) {
          jsonRejected.push({
            row: r.row,
            status: r.status,
            errors: r.errors.map((e) => ({ ...e, column: e.field === 'row' ? null : columnOf(inspection!.mapping, e.field) })),
            conflict: r.conflict,
            message: describeRejected(r, inspection.mapping, ingestionId).join('; '),
          });
        }
      },
      onRetry(what, error, attempt, delay) {
        process.stderr.write(`retrying ${what} in ${(delay / 1000).toFixed(1)} s (attempt ${attempt + 1}): ${(error as Error).message}\n`);
      },
    });
    progress.stop();
    report?.close();

    const exitCode =
      summary.outcome === 'DUPLICATE_FILE'
        ? EXIT.DUPLICATE_FILE
        : summary.outcome === 'FAILED' || summary.duplicates + summary.invalid + summary.unsent > 0
          ? EXIT.FAILED
          : EXIT.OK;

    if (summary.outcome === 'DUPLICATE_FILE' && summary.duplicateOf) {
      const d = summary.duplicateOf;
      say(
        `\nDuplicate file: ${file} has the same bytes (SHA-256 ${summary.sha256.slice(0, 16)}…) as ${d.fileName}, ingested as ${d.ingestionId} on ${d.startedAt} (${d.status.toLowerCase()}). Nothing was done. To load it again, change the file or look at that ingestion.`,
      );
    } else if (summary.outcome === 'DUPLICATE_FILE') {
      // Someone else's ingestion of these bytes: the API tells only that it happened (docs/auth.md).
      say(`\nDuplicate file: ${file} (SHA-256 ${summary.sha256.slice(0, 16)}…) was ingested before, by another user. Nothing was done. To load it again, change the file or ask an admin.`);
    } else {
      say('');
      say(describeSummary(summary, listed, inspection!.mapping, { duplicates: LIST_CAP, invalid: LIST_CAP }));
    }
    if (flags.errorsOut) say(`Error report: ${flags.errorsOut}`);
    if (flags.json) {
      process.stdout.write(`${JSON.stringify({ ...summary, exitCode, endpoint: endpoint ? { url: endpoint.url, source: endpoint.source } : null, rejected: jsonRejected })}\n`);
    }
    return exitCode;
  } catch (error) {
    progress.stop();
    report?.close();
    if (error instanceof FileProblemError) {
      if (flags.json) process.stdout.write(`${JSON.stringify({ fileName: file, outcome: 'UNUSABLE_FILE', problem: error.code, where: error.where, message: error.message, exitCode: EXIT.USAGE })}\n`);
      throw new CliError(error.message, EXIT.USAGE);
    }
    if (error instanceof FileChangedError) {
      if (flags.json) process.stdout.write(`${JSON.stringify({ fileName: file, outcome: 'FAILED', failureCode: 'FILE_CHANGED', message: error.message, exitCode: EXIT.FAILED })}\n`);
      throw new CliError(`${error.message}. Nothing was sent; run the command again once nothing writes to the file.`, EXIT.FAILED);
    }
    if (error instanceof SendFailedError) {
      if (flags.json) process.stdout.write(`${JSON.stringify({ fileName: file, outcome: 'FAILED', message: error.message, exitCode: EXIT.FAILED })}\n`);
      throw new CliError(`${file}: ${error.message}`, EXIT.FAILED);
    }
    throw error;
  } finally {
    process.removeListener('SIGINT', onSigint);
    await endpoint?.stop();
  }
}
