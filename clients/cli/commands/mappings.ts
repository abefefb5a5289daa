/**
 * `foreman mappings list|show|delete`: the column mappings you saved (docs/mappings.md) — with
 * `foreman ingest --save-mapping` or by confirming a mapping in the web page — each under the
 * fingerprint of a header row and model. Only your own: the API answers nothing else.
 * Against the same endpoint as `foreman ingest` (the embedded local stack by default).
 */
import { InvalidArgumentError, Option, type Command } from 'commander';
import { createClient, type GraphQLClient } from '../../api/client';
import { DeleteMappingDocument, GetMappingDocument, ListMappingsDocument, type ModelName, type SavedMappingFieldsFragment } from '../../api/generated';
import { MODELS, describeSendError, modelByApiName, modelByKey, savedAt, shortFingerprint, type ModelMeta } from '../../ingest';
import { resolveEndpoint, type ResolvedEndpoint } from '../endpoint';
import { CliError, EXIT } from '../errors';

export const MAPPINGS_EXIT_CODES = `
Exit codes:
  0  done (list: also when you have none)
  1  the endpoint failed or refused
  2  bad usage: a fingerprint that is not hexadecimal, one that names none of your saved mappings
     (\`foreman mappings list\` shows them), or a prefix that names several`;

/** How many mappings one listMappings page asks for (the resolver's maximum). */
const PAGE = 100;
/** Pages read at most (10,000 mappings) when looking a prefix up or listing them all. */
const MAX_PAGES = 100;

interface EndpointFlags {
  endpoint?: string;
  apiKey?: string;
}

/** `--model`: a model's key, type name or API name in any case. */
function parseModel(value: string): ModelMeta {
  const model = modelByKey(value);
  if (!model) throw new InvalidArgumentError(`Allowed choices are ${MODELS.map((m) => m.key).join(', ')} (any case).`);
  return model;
}

function parseLimit(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || n < 1 || n > 10_000) throw new InvalidArgumentError('--limit must be a whole number from 1 to 10000.');
  return n;
}

/** A fingerprint as typed: the whole (64 hexadecimal characters) or a prefix of at least 6, any case. */
export function parseFingerprint(value: string): string {
  const fp = value.trim().toLowerCase();
  if (!/^[0-9a-f]{6,64}$/.test(fp)) {
    throw new CliError(`"${value}" is not a mapping fingerprint: give 6 to 64 of its hexadecimal characters, as \`foreman mappings list\` shows them.`, EXIT.USAGE);
  }
  return fp;
}

/** The mapping of a saved mapping as an object (AWSJSON arrives as JSON text). */
function mappingOf(m: SavedMappingFieldsFragment): Record<string, string | null> {
  const parsed: unknown = typeof m.mapping === 'string' ? JSON.parse(m.mapping) : m.mapping;
  return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, string | null>) : {};
}

/** A saved mapping for `--json`: as the API returns it, the mapping an object. */
function asJson(m: SavedMappingFieldsFragment) {
  return { fingerprint: m.fingerprint, model: m.model, headers: m.headers, mapping: mappingOf(m), owner: m.owner, createdAt: m.createdAt, updatedAt: m.updatedAt };
}

const modelKey = (m: SavedMappingFieldsFragment) => modelByApiName(m.model)?.key ?? m.model.toLowerCase();

/** Every page of the caller's mappings, newest first, up to `limit`; `more` when some were left. */
export async function listAll(client: GraphQLClient, limit: number): Promise<{ items: SavedMappingFieldsFragment[]; more: boolean }> {
  const items: SavedMappingFieldsFragment[] = [];
  let nextToken: string | null = null;
  let pages = 0;
  do {
    const page: { items: SavedMappingFieldsFragment[]; nextToken?: string | null } = (await client.request(ListMappingsDocument, { limit: Math.min(PAGE, limit - items.length), nextToken })).listMappings;
    pages++;
    items.push(...page.items);
    nextToken = page.nextToken ?? null;
  } while (nextToken && items.length < limit && pages < MAX_PAGES);
  return { items: items.slice(0, limit), more: nextToken !== null };
}

/**
 * The one saved mapping of the caller that `fingerprint` (whole, or a prefix) names, for `model`
 * when given. Refuses (exit 2, with a hint) when it names none or several.
 */
export async function findMapping(client: GraphQLClient, fingerprint: string, model: ModelMeta | undefined, url: string): Promise<SavedMappingFieldsFragment> {
  let found: SavedMappingFieldsFragment[];
  if (fingerprint.length === 64) {
    const answers = await Promise.all((model ? [model] : MODELS).map((m) => client.request(GetMappingDocument, { fingerprint, model: m.apiName as ModelName })));
    found = answers.flatMap((a) => (a.getMapping ? [a.getMapping] : []));
  } else {
    const { items } = await listAll(client, PAGE * MAX_PAGES);
    found = items.filter((m) => m.fingerprint.startsWith(fingerprint) && (!model || m.model === model.apiName));
  }
  if (found.length === 0) {
    throw new CliError(`you have no saved mapping ${fingerprint}${model ? ` for ${model.key}` : ''} at ${url}. \`foreman mappings list\` shows yours.`, EXIT.USAGE);
  }
  if (found.length > 1) {
    const names = found.slice(0, 5).map((m) => `${shortFingerprint(m.fingerprint)} (${modelKey(m)})`);
    const sameFingerprint = found.every((m) => m.fingerprint === found[0]!.fingerprint);
    throw new CliError(`${fingerprint} names ${found.length} of your saved mappings: ${names.join(', ')}${found.length > 5 ? ', …' : ''}. ${sameFingerprint ? 'Choose one with --model.' : 'Give more of the fingerprint.'}`, EXIT.USAGE);
  }
  return found[0]!;
}

/** One table row per mapping: fingerprint (12 characters), model, when saved, columns, the header row. */
export function renderMappings(items: readonly SavedMappingFieldsFragment[]): string {
  const header = ['FINGERPRINT', 'MODEL', 'SAVED (UTC)', 'COLUMNS', 'MAPPED', 'HEADER ROW'];
  const rows = items.map((m) => {
    const mapped = Object.values(mappingOf(m)).filter((f) => f !== null).length;
    const headerRow = m.headers.map((h) => JSON.stringify(h)).join(', ');
    return [shortFingerprint(m.fingerprint), modelKey(m), savedAt(m.updatedAt).replace(/ UTC$/, ''), String(m.headers.length), String(mapped), headerRow.length > 70 ? `${headerRow.slice(0, 69)}…` : headerRow];
  });
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c]!.length)));
  const numeric = new Set([3, 4]);
  const line = (cells: string[]) =>
    cells
      .map((cell, c) => (c === cells.length - 1 ? cell : numeric.has(c) ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!)))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

/** One saved mapping in full: what it applies to and every column's field. */
export function renderMapping(m: SavedMappingFieldsFragment): string {
  const mapping = mappingOf(m);
  const width = Math.min(40, Math.max(10, ...m.headers.map((h) => JSON.stringify(h).length)));
  const lines = [
    `Fingerprint  ${m.fingerprint}`,
    `Model        ${modelKey(m)}`,
    `Saved        ${savedAt(m.updatedAt)}${m.createdAt !== m.updatedAt ? ` (first saved ${savedAt(m.createdAt)})` : ''}`,
    `Columns      ${m.headers.length}, in the order of the header row it applies to`,
    ...m.headers.map((h) => {
      const field = Object.hasOwn(mapping, h) ? mapping[h] : undefined;
      const shown = JSON.stringify(h);
      return `  ${(shown.length > 40 ? `${shown.slice(0, 39)}…` : shown).padEnd(width)}  → ${field === undefined ? '(by its header)' : field === null ? '(ignored)' : field}`;
    }),
    `Applied to files with this header row (compared normalised: case, spaces and punctuation do not matter).`,
    `\`foreman mappings delete ${shortFingerprint(m.fingerprint)}\` forgets it.`,
  ];
  return lines.join('\n');
}

/** Runs `action` with a client of the resolved endpoint; API failures exit 1 in a sentence. */
async function withClient(flags: EndpointFlags, action: (client: GraphQLClient, endpoint: ResolvedEndpoint) => Promise<void>): Promise<void> {
  const endpoint = await resolveEndpoint({ endpoint: flags.endpoint, apiKey: flags.apiKey, notice: (line) => process.stderr.write(`${line}\n`) });
  try {
    await action(createClient({ url: endpoint.url, auth: endpoint.auth }), endpoint);
  } catch (error) {
    if (error instanceof CliError) throw error;
    throw new CliError(describeSendError(error), EXIT.FAILED);
  } finally {
    await endpoint.stop();
  }
}

function endpointOptions(command: Command): Command {
  return command.option('--endpoint <url>', 'GraphQL endpoint (AppSync or `foreman serve`)').option('--api-key <key>', 'API key for the endpoint');
}

export function register(program: Command): void {
  const mappings = program
    .command('mappings')
    .summary('list, show or delete the column mappings you saved')
    .description(
      'The column mappings you saved (`foreman ingest --save-mapping`, or confirmed in the web page), each for one header row and model: `foreman ingest` applies one when a file has the same header row. Only yours are listed.',
    )
    .addHelpText('after', MAPPINGS_EXIT_CODES);

  endpointOptions(
    mappings
      .command('list')
      .description('List your saved mappings, most recently saved first.')
      .option('--json', 'print a JSON array of them on stdout')
      .option('--limit <n>', 'at most this many (1–10000)', parseLimit, 100)
      .addHelpText('after', MAPPINGS_EXIT_CODES),
  ).action(async (flags: EndpointFlags & { json?: boolean; limit: number }) => {
    await withClient(flags, async (client, endpoint) => {
      const { items, more } = await listAll(client, flags.limit);
      if (flags.json) process.stdout.write(`${JSON.stringify(items.map(asJson))}\n`);
      else if (items.length === 0) process.stdout.write(`You have no saved mappings at ${endpoint.url}. \`foreman ingest FILE --save-mapping\` saves one.\n`);
      else {
        process.stdout.write(`${renderMappings(items)}\n`);
        if (more) process.stderr.write(`(the newest ${items.length} shown; there are more: raise --limit)\n`);
      }
    });
    process.exitCode = EXIT.OK;
  });

  endpointOptions(
    mappings
      .command('show')
      .description('Show one of your saved mappings: the header row it applies to and each column’s field.')
      .argument('<fingerprint>', 'its fingerprint, or a unique prefix of at least 6 characters (as `foreman mappings list` shows it)')
      .addOption(new Option('-m, --model <model>', 'the model it is for, when a prefix names mappings of several').argParser(parseModel))
      .option('--json', 'print it as one JSON object on stdout')
      .addHelpText('after', MAPPINGS_EXIT_CODES),
  ).action(async (fingerprint: string, flags: EndpointFlags & { json?: boolean; model?: ModelMeta }) => {
    const fp = parseFingerprint(fingerprint);
    await withClient(flags, async (client, endpoint) => {
      const m = await findMapping(client, fp, flags.model, endpoint.url);
      process.stdout.write(flags.json ? `${JSON.stringify(asJson(m))}\n` : `${renderMapping(m)}\n`);
    });
    process.exitCode = EXIT.OK;
  });

  endpointOptions(
    mappings
      .command('delete')
      .description('Delete one of your saved mappings: files with its header row are mapped by their headers again.')
      .argument('<fingerprint>', 'its fingerprint, or a unique prefix of at least 6 characters')
      .addOption(new Option('-m, --model <model>', 'the model it is for (default: whichever of yours the fingerprint names)').argParser(parseModel))
      .option('--json', 'print the deleted mapping as one JSON object on stdout')
      .addHelpText('after', MAPPINGS_EXIT_CODES),
  ).action(async (fingerprint: string, flags: EndpointFlags & { json?: boolean; model?: ModelMeta }) => {
    const fp = parseFingerprint(fingerprint);
    await withClient(flags, async (client, endpoint) => {
      const m = await findMapping(client, fp, flags.model, endpoint.url);
      const { deleteMapping } = await client.request(DeleteMappingDocument, { fingerprint: m.fingerprint, model: m.model });
      // Deleted meanwhile (another terminal): there is nothing left to delete either way.
      const deleted = deleteMapping ?? m;
      if (flags.json) process.stdout.write(`${JSON.stringify(asJson(deleted))}\n`);
      else process.stdout.write(`Deleted your saved mapping ${shortFingerprint(deleted.fingerprint)} (${modelKey(deleted)}, saved ${savedAt(deleted.updatedAt)}). Files with its header row are mapped by their headers again.\n`);
    });
    process.exitCode = EXIT.OK;
  });
}
