/**
 * `foreman ingest FILE`: shows what Foreman makes of the file (format, model, mapping, preview),
 * then streams it through the ingestion engine with live progress and a summary that names every
 * rejected row by row and column. Exit codes: see EXIT_CODES_HELP.
 */
import { closeSync, openSync, statSync, writeSync, type Stats } from 'node:fs';
import { InvalidArgumentError, Option, type Command } from 'commander';
import type { IngestionSource } from '../../api/generated';
import {
  FileChangedError,
  FileProblemError,
  MAX_BATCH_SIZE,
  MODELS,
  SendFailedError,
  columnOf,
  describeSendError,
  emptyProgress,
  findSavedMapping,
  ingestFile,
  modelByKey,
  reportHeader,
  reportLine,
  saveMapping,
  shortFingerprint,
  MappingNotSavableError,
  type IngestSummary,
  type Inspection,
  type MappingOverride,
  type ModelKey,
  type RejectedRow,
  type SavedMappingMatch,
} from '../../ingest';
import { fileSource, nodeDigest, nodeSha256 } from '../../ingest/node';
import { GraphQLHttpError, createClient, type GraphQLClient } from '../../api/client';
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
     model, unmappable or duplicate headers, broken quoting; a damaged or password-protected
     workbook, a --sheet it does not have; JSON that is not an array of objects)
  3  the same file (same SHA-256, under any name) was ingested before; nothing was done
  (--save-mapping that could not save turns 0 into 1, saying why)

Saved mappings (docs/mappings.md): the mapping you saved for the same header row (--save-mapping, or
a mapping you confirmed in the web page) is applied, and said so; --map/--map-file override it
column by column; --no-saved-mapping ignores it. A dry run looks them up at the endpoint it checks
the rows against; an --offline dry run does not.

A dry run (--dry-run) writes nothing and exits as the real run would: it asks the API, read-only,
whether the file was ingested before (3) and which rows would be duplicates or name records that
do not exist (1). With --offline (or FOREMAN_OFFLINE=1), or when no API answers, it checks the
rows locally only.

Endpoint (first match wins): --endpoint/--api-key; FOREMAN_GRAPHQL_URL/FOREMAN_API_KEY;
a .env file in the current directory; a running \`foreman serve\`; otherwise an embedded local
AppSync over DynamoDB Local is started for the run (data kept in .foreman/).

Files: CSV (any common encoding and delimiter), Excel .xlsx (the first visible sheet, or --sheet),
JSON (.json: an array of objects, whose keys are the columns) and NDJSON (.ndjson/.jsonl: one object
per line). Excel dates become YYYY-MM-DD, numbers plain decimals.

Row numbers are spreadsheet row numbers: the header is row 1 (in a workbook, the sheet's own row
numbers; in JSON, row N is the array's Nth object; in NDJSON, the line number).

Examples:
  $ foreman ingest samples/customers_valid.csv
  $ foreman ingest contacts.csv --model customer --dry-run
  $ foreman ingest contacts.csv --dry-run --offline
  $ foreman ingest export.csv --map "Kontakt E-Mail=email" --map "Kunde=name" --map "Intern="
  $ foreman ingest export.csv --map "Kontakt E-Mail=email" --map "Kunde=name" --dry-run --save-mapping
  $ foreman ingest projects.csv --errors-out rejected.csv --json
  $ foreman ingest export.xlsx --sheet "Customers 2024" --dry-run
  $ foreman ingest customers.ndjson`;

/** `--model`: a model's key, type name or API name in any case (`invoice`, `Invoice`, `INVOICE`). */
export function parseModel(value: string): ModelKey {
  const model = modelByKey(value);
  if (!model) throw new InvalidArgumentError(`Allowed choices are ${MODELS.map((m) => m.key).join(', ')} (any case).`);
  return model.key as ModelKey;
}

/** The models a file can hold, for help texts: "customer, project or invoice". */
function modelChoices(): string {
  const keys = MODELS.map((m) => m.key);
  return keys.length > 1 ? `${keys.slice(0, -1).join(', ')} or ${keys.at(-1)}` : (keys[0] ?? '');
}

/** Created rows kept for `--json` (all of them go to `--ids-out`). */
export const JSON_IDS_CAP = 10_000;

function intOption(name: string, min: number, max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!/^\d+$/.test(value.trim()) || n < min || n > max) throw new InvalidArgumentError(`${name} must be a whole number from ${min} to ${max}.`);
    return n;
  };
}

interface IngestFlags {
  model?: ModelKey;
  sheet?: string;
  map?: MappingOverride;
  mapFile?: string;
  /** False with --no-saved-mapping. */
  savedMapping?: boolean;
  saveMapping?: boolean;
  dryRun?: boolean;
  offline?: boolean;
  batchSize?: number;
  concurrency: number;
  endpoint?: string;
  apiKey?: string;
  json?: boolean;
  errorsOut?: string;
  idsOut?: string;
  follow?: boolean;
}

export function register(program: Command): void {
  program
    .command('ingest')
    .summary(`ingest a CSV, Excel (.xlsx) or JSON file of ${MODELS.map((m) => m.plural.toLowerCase()).join(', ')}`)
    .description('Stream a CSV, Excel (.xlsx), JSON or NDJSON file through model detection, column mapping, validation and batched GraphQL mutations, refusing duplicates and accounting for every row.')
    .argument('<file>', 'the CSV, .xlsx, .json or .ndjson file')
    .option('--sheet <name|number>', 'for an .xlsx workbook: the sheet to read, by name (any case) or number (1 = the first tab); default the first visible sheet')
    .addOption(new Option('-m, --model <model>', `the model (${modelChoices()}, any case), instead of detecting it from the headers`).argParser(parseModel))
    .option('--map <column=field>', 'map a column to a model field, overriding its header ("Column=" or "Column=-" ignores the column); repeatable', parseMapFlag)
    .option('--map-file <file>', 'a JSON object of column → field (null ignores the column); --map entries win')
    .option('--save-mapping', 'save the mapping used as yours for this header row and model, once the run (or dry run) has read the whole file')
    .option('--no-saved-mapping', 'ignore your saved mapping for this header row')
    .option('--dry-run', 'read, map and validate every row and ask the API (read-only) what a real run would do: duplicates, unknown references, a file ingested before; write nothing')
    .option('--offline', 'with --dry-run: check the rows locally only, asking no API and starting no local stack (also FOREMAN_OFFLINE=1)')
    .option(
      '--batch-size <n>',
      `rows per import mutation (1–${MAX_BATCH_SIZE}; default and most: the model's batch size, ${MODELS.map((m) => `${m.key} ${m.batchRows}`).join(', ')})`,
      intOption('--batch-size', 1, MAX_BATCH_SIZE),
    )
    .option('--concurrency <n>', 'batches in flight at once (1–32)', intOption('--concurrency', 1, 32), 4)
    .option('--endpoint <url>', 'GraphQL endpoint (AppSync or `foreman serve`)')
    .option('--api-key <key>', 'API key for the endpoint')
    .option('--json', 'print one machine-readable summary object on stdout (and nothing else there)')
    .option('--errors-out <file>', 'write every rejected row, with its reasons, to this CSV file')
    .option('--ids-out <file>', 'write row,id,status of every row that is a record now (created, or already imported) to this CSV file')
    .option('--follow', 'if this file is already being ingested elsewhere, follow that ingestion live instead of sending it again')
    .addHelpText('after', EXIT_CODES_HELP)
    .action(async (file: string, flags: IngestFlags) => {
      if (flags.offline && !flags.dryRun) {
        process.exitCode = EXIT.USAGE;
        refuseUsage(file, flags, '--offline only goes with --dry-run: a real run needs the API. Add --dry-run to check the file without it.');
        return;
      }
      if (flags.offline && flags.saveMapping) {
        process.exitCode = EXIT.USAGE;
        refuseUsage(file, flags, '--save-mapping saves your mapping through the API, which --offline does not ask. Leave one of them out.');
        return;
      }
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

/** Buffered CSV writer (synchronous appends keep it simple and ordered): the error report and --ids-out. */
class ReportWriter {
  private fd: number;
  private buffer = '';
  constructor(
    readonly path: string,
    what = 'the error report',
  ) {
    try {
      this.fd = openSync(path, 'w');
    } catch (error) {
      throw new CliError(`cannot write ${what} ${path}: ${(error as Error).message}`, EXIT.USAGE);
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

/** File problems a mapping can solve. */
const MAPPING_PROBLEMS = new Set(['UNKNOWN_MODEL', 'MISSING_REQUIRED', 'BAD_MAPPING']);

/**
 * Stops the command with `message` and `exitCode`; with --json, the one JSON object on stdout says
 * the same (every failure prints one, so scripts never parse an empty stdout).
 */
function refuse(file: string, flags: Pick<IngestFlags, 'json'>, message: string, exitCode: number, extra: Record<string, unknown> = {}): never {
  if (flags.json) process.stdout.write(`${JSON.stringify({ fileName: file, outcome: exitCode === EXIT.USAGE ? 'UNUSABLE_FILE' : 'FAILED', ...extra, message, exitCode })}\n`);
  throw new CliError(message, exitCode);
}

/** Bad usage noticed before anything is read: one line on stderr (and the JSON object with --json), exit 2. */
function refuseUsage(file: string, flags: Pick<IngestFlags, 'json'>, message: string): void {
  if (flags.json) process.stdout.write(`${JSON.stringify({ fileName: file, outcome: 'UNUSABLE_FILE', problem: 'USAGE', message, exitCode: EXIT.USAGE })}\n`);
  process.stderr.write(`foreman: ${message}\n`);
}

/** What a path that is not a regular file is, in words. */
function describeNonFile(stat: Stats): string {
  if (stat.isDirectory()) return 'a directory';
  if (stat.isFIFO()) return 'a named pipe (FIFO)';
  if (stat.isCharacterDevice()) return 'a character device';
  if (stat.isBlockDevice()) return 'a block device';
  if (stat.isSocket()) return 'a socket';
  return 'not a regular file';
}

/** The size of `file`, after checking it is a regular file this process can open; otherwise exit 2 with a plain message. */
function readableFileSize(file: string, flags: Pick<IngestFlags, 'json'>): number {
  let stat: Stats;
  try {
    stat = statSync(file);
    if (stat.isFile()) closeSync(openSync(file, 'r'));
  } catch (error) {
    refuse(file, flags, `cannot read ${file}: ${describeFsError(error)}. Check the path and its permissions and try again.`, EXIT.USAGE, { problem: 'UNREADABLE' });
  }
  if (!stat.isFile()) {
    refuse(file, flags, `${file} is ${describeNonFile(stat)}, not a file. Give the path of a CSV, .xlsx or JSON file.`, EXIT.USAGE, { problem: 'NOT_A_FILE' });
  }
  return stat.size;
}

/** A file-system error in words: "permission denied", "no such file", or the system's message. */
function describeFsError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EISDIR') return 'it is a directory';
  const message = error instanceof Error ? error.message : String(error);
  return code ? `${message.replace(/^[A-Z]+: /, '').replace(/, \w+ '.*'$/, '')} (${code})` : message;
}

/** Whether a dry run asks no API: --offline, or FOREMAN_OFFLINE set to 1/true (e.g. CI checking files without a back end). */
export function isOffline(flags: Pick<IngestFlags, 'offline'>, env: NodeJS.ProcessEnv = process.env): boolean {
  return flags.offline === true || /^(1|true|yes)$/i.test(env.FOREMAN_OFFLINE ?? '');
}

/** Runs one ingestion and returns the exit code. */
export async function runIngest(file: string, flags: IngestFlags): Promise<number> {
  const offline = isOffline(flags);
  const out = flags.json ? process.stderr : process.stdout;
  // Every line goes through the progress reporter, so that nothing lands in the middle of the live bar.
  const progress = new ProgressReporter(process.stderr, true);
  const say = (text: string) => progress.log(text, out);
  const size = readableFileSize(file, flags);
  let mapping: ReturnType<typeof mappingFromFlags>;
  try {
    mapping = mappingFromFlags(flags);
  } catch (error) {
    if (error instanceof CliError) refuse(file, flags, error.message, error.exitCode);
    throw error;
  }
  let inspection: Inspection | undefined;
  let endpoint: ResolvedEndpoint | undefined;
  // The endpoint, resolved once: when the header row is read (to look up a saved mapping) or, at the
  // latest, once the file has proved usable. An --offline dry run resolves none.
  let connecting: Promise<GraphQLClient> | undefined;
  const connect = (): Promise<GraphQLClient> =>
    (connecting ??= resolveEndpoint({ endpoint: flags.endpoint, apiKey: flags.apiKey, notice: (line: string) => progress.log(line) }).then((e) => {
      endpoint = e;
      say(`Endpoint   ${e.url} (${e.source === 'embedded' ? 'embedded local AppSync, data in .foreman/' : e.source})`);
      return createClient({ url: e.url, auth: e.auth });
    }));
  const lookupSkipped = { yes: false };
  const lookUpSaved = async (headers: string[]): Promise<SavedMappingMatch | null> => {
    // An offline dry run asks no API, for mappings neither.
    if (flags.dryRun && offline) {
      lookupSkipped.yes = true;
      return null;
    }
    const client = await connect();
    try {
      return await findSavedMapping(client, headers, flags.model ? [modelByKey(flags.model)!] : MODELS, nodeDigest);
    } catch (error) {
      // Refused credentials would refuse the run too: say it once, before reading the whole file.
      if (!flags.dryRun && error instanceof GraphQLHttpError && (error.status === 401 || error.status === 403)) {
        throw new SendFailedError(`could not start the ingestion: ${describeSendError(error)}`, error);
      }
      // An endpoint without saved mappings (an older deployment) or a passing failure: the headers decide.
      progress.log(`could not look up your saved mappings (${describeSendError(error)}); the headers decide the mapping.`);
      return null;
    }
  };
  let mappingSaved: SavedMappingMatch | null = null;
  let report: ReportWriter | undefined;
  const listed = { duplicates: [] as RejectedRow[], invalid: [] as RejectedRow[], unsent: [] as RejectedRow[] };
  const jsonRejected: unknown[] = [];
  const jsonIds: { row: number; id: string | null; status: string }[] = [];
  let idsOmitted = 0;
  // Opened before anything is read: a path that cannot be written is bad usage, found early.
  const idsOut = flags.idsOut ? new ReportWriter(flags.idsOut, 'the ids file') : undefined;
  idsOut?.write('row,id,status\r\n');
  let ingestionId: string | null = null;
  let scannedRows = 0;
  // Ctrl-C: finish the batches in flight, then stop (and stop the embedded stack) cleanly; the
  // ingestion stays open, so running the same command again resumes it. A second Ctrl-C quits now.
  const interrupt = new AbortController();
  const onSigint = () => {
    // The bar stays: the batches in flight finish (and count) before the summary.
    progress.log('stopping after the batches in flight; run the same command again to resume (Ctrl-C again to quit at once)…');
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
      sheet: flags.sheet,
      savedMapping: flags.savedMapping === false ? undefined : lookUpSaved,
      dryRun: flags.dryRun,
      batchSize: flags.batchSize,
      concurrency: flags.concurrency,
      sourceKind: 'CLI' as IngestionSource,
      signal: interrupt.signal,
      // Resolved only once the file has proved usable: a bad file never starts a local stack. A dry
      // run asks the same endpoint a real run would use, read-only (--offline: none at all).
      client: flags.dryRun && offline ? undefined : () => connect(),
      onInspected(i) {
        inspection = i;
        say(describeInspection(i, size));
        if (flags.errorsOut) {
          report = new ReportWriter(flags.errorsOut);
          report.write(reportHeader(i.headers));
        }
      },
      onScanned(scan) {
        scannedRows = scan.rows;
        progress.stop('checked');
        say(`SHA-256    ${scan.sha256.slice(0, 16)}…  (${scan.rows.toLocaleString('en-US')} rows${scan.invalid ? `, ${scan.invalid.toLocaleString('en-US')} invalid before sending` : ''})`);
      },
      onStarted(id, outcome) {
        ingestionId = id;
        say(outcome === 'RESUMED' ? `Ingestion  ${id} (resuming an unfinished run of this file)` : `Ingestion  ${id}`);
        progress.stage('started');
        progress.update(emptyProgress('send', size, scannedRows));
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
            repeatOf: r.repeatOf ?? null,
            message: describeRejected(r, inspection.mapping, ingestionId).join('; '),
          });
        }
      },
      onCreated(row, id, status) {
        idsOut?.write(`${row},${id ?? ''},${status}\r\n`);
        if (!flags.json) return;
        if (jsonIds.length < JSON_IDS_CAP) jsonIds.push({ row, id, status });
        else idsOmitted++;
      },
      onRetry(what, error, attempt, delay) {
        progress.log(`retrying ${what} in ${(delay / 1000).toFixed(1)} s (attempt ${attempt + 1}): ${(error as Error).message}`);
      },
    });
    progress.stop(summary.outcome === 'COMPLETED' ? 'done' : summary.outcome === 'FAILED' ? 'stopped' : undefined);
    report?.close();
    idsOut?.close();

    // A dry run exits as the real run would (its check says what that run would meet).
    let exitCode: number =
      summary.outcome === 'DUPLICATE_FILE' || summary.check?.file === 'DUPLICATE'
        ? EXIT.DUPLICATE_FILE
        : summary.outcome === 'FAILED' || summary.check?.file === 'IN_PROGRESS' || summary.duplicates + summary.invalid + summary.unsent > 0
          ? EXIT.FAILED
          : EXIT.OK;
    // The mapping proved itself on the whole file (a run cut short saves nothing).
    let saveProblem: string | null = null;
    if (flags.saveMapping && summary.outcome !== 'FAILED' && inspection) {
      try {
        mappingSaved = await saveMapping(await connect(), inspection.mapping, nodeDigest);
      } catch (error) {
        if (error instanceof CliError) throw error;
        saveProblem = error instanceof MappingNotSavableError ? error.message : describeSendError(error);
        if (exitCode === EXIT.OK) exitCode = EXIT.FAILED;
      }
    }

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
      say(describeSummary(summary, listed, inspection!.mapping, { duplicates: LIST_CAP, invalid: LIST_CAP }, offline ? `${flags.offline ? '--offline' : 'FOREMAN_OFFLINE'} asks no API` : undefined));
    }
    if (mappingSaved) {
      say(`Saved this mapping as yours for this header row (${mappingSaved.model.key}): it is applied the next time. \`foreman mappings show ${shortFingerprint(mappingSaved.fingerprint)}\` shows it.`);
    }
    if (saveProblem) progress.log(`could not save the mapping: ${saveProblem}`);
    if (flags.errorsOut) say(`Error report: ${flags.errorsOut}`);
    if (flags.idsOut) say(`Record ids: ${flags.idsOut}`);
    if (idsOmitted) say(`--json lists the ids of the first ${JSON_IDS_CAP.toLocaleString('en-US')} rows; ${idsOmitted.toLocaleString('en-US')} more are left out: use --ids-out ids.csv for all of them.`);
    if (flags.json) {
      const endpointJson = endpoint ? { url: endpoint.url, source: endpoint.source } : null;
      const saved = mappingSaved ? { fingerprint: mappingSaved.fingerprint, model: mappingSaved.model.key, updatedAt: mappingSaved.updatedAt } : null;
      process.stdout.write(`${JSON.stringify({ ...summary, exitCode, endpoint: endpointJson, mappingSaved: saved, mappingSaveProblem: saveProblem, rejected: jsonRejected, ids: jsonIds.sort((a, b) => a.row - b.row), idsOmitted })}\n`);
    }
    return exitCode;
  } catch (error) {
    progress.stop();
    report?.close();
    idsOut?.close();
    if (error instanceof FileProblemError) {
      // A saved mapping might have fixed it, had one been looked up.
      const hint = lookupSkipped.yes && MAPPING_PROBLEMS.has(error.code) ? ` (Your saved mappings were not looked up: ${flags.offline ? '--offline' : 'FOREMAN_OFFLINE'} asks no API. Leave it out to use them.)` : '';
      refuse(file, flags, `${error.message}${hint}`, EXIT.USAGE, { problem: error.code, where: error.where });
    }
    if (error instanceof FileChangedError) {
      refuse(file, flags, `${error.message}. Nothing was sent; run the command again once nothing writes to the file.`, EXIT.FAILED, { failureCode: 'FILE_CHANGED' });
    }
    if (error instanceof SendFailedError) refuse(file, flags, `${file}: ${error.message}`, EXIT.FAILED, { failureCode: 'SEND_FAILED' });
    // The file could not be read part-way (a disk error, a file that vanished): a file problem, exit 2.
    if (error instanceof Error && typeof (error as NodeJS.ErrnoException).code === 'string' && (error as NodeJS.ErrnoException).syscall) {
      refuse(file, flags, `cannot read ${file}: ${describeFsError(error)}. Check the file and try again.`, EXIT.USAGE, { problem: 'UNREADABLE' });
    }
    if (error instanceof CliError) refuse(file, flags, error.message, error.exitCode);
    return refuse(file, flags, error instanceof Error ? error.message : String(error), EXIT.FAILED);
  } finally {
    process.removeListener('SIGINT', onSigint);
    await endpoint?.stop();
  }
}
