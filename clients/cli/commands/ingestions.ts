/**
 * `foreman ingestions`: past and running ingestions, newest first (Query.listIngestions), from
 * any client — CLI, web page or S3 processor — optionally only those with one status.
 */
import { InvalidArgumentError, type Command } from 'commander';
import { createClient } from '../../api/client';
import { ListIngestionsDocument, type IngestionFieldsFragment } from '../../api/generated';
import { resolveEndpoint } from '../endpoint';
import { EXIT } from '../errors';

const STATUSES = ['RUNNING', 'COMPLETED', 'FAILED'] as const;
type Status = (typeof STATUSES)[number];

/** How many ingestions one listIngestions page asks for (the resolver's maximum). */
const PAGE = 100;
/** Pages read at most while looking for `--limit` ingestions of one status. */
const MAX_PAGES = 50;

interface IngestionsFlags {
  status?: Status;
  limit: number;
  json?: boolean;
  endpoint?: string;
  apiKey?: string;
}

export function parseStatus(value: string): Status {
  const s = value.trim().toUpperCase();
  if (!(STATUSES as readonly string[]).includes(s)) throw new InvalidArgumentError(`Allowed choices are ${STATUSES.map((x) => x.toLowerCase()).join(', ')} (any case).`);
  return s as Status;
}

function parseLimit(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || n < 1 || n > 1000) throw new InvalidArgumentError('--limit must be a whole number from 1 to 1000.');
  return n;
}

/** Newest first, up to `limit`, only `status` when given; reads pages until it has enough or the list ends. */
export async function listIngestions(request: (nextToken: string | null) => Promise<{ items: IngestionFieldsFragment[]; nextToken?: string | null }>, limit: number, status?: Status) {
  const found: IngestionFieldsFragment[] = [];
  let nextToken: string | null = null;
  let pages = 0;
  do {
    const page = await request(nextToken);
    pages++;
    for (const i of page.items) if (!status || i.status === status) found.push(i);
    nextToken = page.nextToken ?? null;
  } while (nextToken && found.length < limit && pages < MAX_PAGES);
  return { items: found.slice(0, limit), more: found.length > limit || nextToken !== null };
}

const n = (v: number) => v.toLocaleString('en-US');

/** One table row per ingestion: id, start, status, model, source, counts, file. */
export function renderIngestions(items: IngestionFieldsFragment[]): string {
  const header = ['ID', 'STARTED (UTC)', 'STATUS', 'MODEL', 'SOURCE', 'ROWS', 'CREATED', 'DUPLICATE', 'INVALID', 'FILE'];
  const rows = items.map((i) => [
    i.id,
    i.startedAt.replace('T', ' ').replace(/\.\d+Z$|Z$/, ''),
    i.status.toLowerCase(),
    i.model.toLowerCase(),
    i.source.toLowerCase(),
    i.rowCount === null || i.rowCount === undefined ? '?' : n(i.rowCount),
    n(i.created),
    n(i.duplicates),
    n(i.invalid),
    i.fileName,
  ]);
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c]!.length)));
  const numeric = new Set([5, 6, 7, 8]);
  const line = (cells: string[]) =>
    cells
      .map((cell, c) => (c === cells.length - 1 ? cell : numeric.has(c) ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!)))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

export function register(program: Command): void {
  program
    .command('ingestions')
    .summary('list past and running ingestions, newest first')
    .description('List ingestions newest first (from every client: CLI, web page, S3 processor), with their status and counts.')
    .option('--status <status>', 'only ingestions with this status: running, completed or failed', parseStatus)
    .option('--limit <n>', 'at most this many (1–1000)', parseLimit, 20)
    .option('--json', 'print a JSON array of the ingestions on stdout')
    .option('--endpoint <url>', 'GraphQL endpoint (AppSync or `foreman serve`)')
    .option('--api-key <key>', 'API key for the endpoint')
    .addHelpText('after', '\nFollow a running one with `foreman watch ID`.\n\nExit codes: 0 listed (also when none match), 1 the endpoint failed, 2 bad usage.')
    .action(async (flags: IngestionsFlags) => {
      const endpoint = await resolveEndpoint({ endpoint: flags.endpoint, apiKey: flags.apiKey, notice: (line) => process.stderr.write(`${line}\n`) });
      try {
        const client = createClient({ url: endpoint.url, auth: endpoint.auth });
        const { items, more } = await listIngestions(async (nextToken) => (await client.request(ListIngestionsDocument, { limit: PAGE, nextToken })).listIngestions, flags.limit, flags.status);
        if (flags.json) {
          process.stdout.write(`${JSON.stringify(items)}\n`);
        } else if (items.length === 0) {
          process.stdout.write(`No ${flags.status ? `${flags.status.toLowerCase()} ` : ''}ingestions at ${endpoint.url}.\n`);
        } else {
          process.stdout.write(`${renderIngestions(items)}\n`);
          if (more) process.stderr.write(`(the newest ${items.length} shown; there may be more: raise --limit)\n`);
        }
        process.exitCode = EXIT.OK;
      } finally {
        await endpoint.stop();
      }
    });
}
