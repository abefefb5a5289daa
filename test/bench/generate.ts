/**
 * Generates a big customers CSV, streamed to disk (memory flat in the row count).
 * Every email is unique within the file (`<prefix><n>@<domain>`), so a clean ingest creates every row.
 *
 * Usage: npx tsx test/bench/generate.ts ROWS OUT.csv [--domain gen.example] [--invalid-every N]
 */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

export interface GenerateOptions {
  domain?: string;
  /** Email local-part prefix, to make files that overlap (same prefix + domain) or not. */
  prefix?: string;
  /** First n (default 0): files that overlap share a range of n. */
  start?: number;
  /** Every Nth row gets an invalid email (0: none). */
  invalidEvery?: number;
}

const FIRST = ['Alice', 'Bruno', 'Chloé', 'Dmitri', 'Emma', 'Farah', 'Gustavo', 'Hana', 'Ivan', 'Julia', 'Kenji', 'Laura'];
const LAST = ['Martin', 'Okafor', 'Dubois', 'Petrov', 'Schmidt', 'Haddad', 'Silva', 'Tanaka', 'Novak', 'Rossi'];
const COMPANIES = ['Northwind Traders', 'Contoso Ltd', 'Fabrikam Inc', 'Tailspin Toys', 'Wide World Importers'];
const COUNTRIES = ['US', 'GB', 'FR', 'DE', 'ES', 'IT', 'NL', 'JP'];

/** One data row (no newline) for customer number `n`. */
export function customerRow(n: number, options: GenerateOptions = {}): string {
  const domain = options.domain ?? 'gen.example';
  const prefix = options.prefix ?? 'customer';
  const bad = options.invalidEvery && n % options.invalidEvery === 0;
  const email = bad ? `${prefix}${n}-at-${domain}` : `${prefix}${n}@${domain}`;
  const name = `${FIRST[n % FIRST.length]} ${LAST[(n * 7) % LAST.length]}`;
  const phone = `+1 555 ${String(100 + (n % 900)).padStart(3, '0')} ${String(n % 10000).padStart(4, '0')}`;
  const date = `20${18 + (n % 7)}-${String(1 + (n % 12)).padStart(2, '0')}-${String(1 + (n % 28)).padStart(2, '0')}`;
  return `${email},${name},${phone},${COMPANIES[n % COMPANIES.length]},${COUNTRIES[n % COUNTRIES.length]},${date},generated row ${n}`;
}

export const GENERATED_HEADER = 'email,name,phone,company,country,signup_date,notes';

/** Writes `rows` customer rows to `path`, honouring stream back-pressure. */
export async function generateCustomers(path: string, rows: number, options: GenerateOptions = {}): Promise<void> {
  const out = createWriteStream(path);
  out.write(`${GENERATED_HEADER}\n`);
  const start = options.start ?? 0;
  let chunk = '';
  for (let i = 0; i < rows; i++) {
    chunk += `${customerRow(start + i, options)}\n`;
    if (chunk.length > 64 * 1024) {
      if (!out.write(chunk)) await once(out, 'drain');
      chunk = '';
    }
  }
  out.end(chunk);
  await once(out, 'finish');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [rowsArg, out] = process.argv.slice(2);
  const flag = (name: string) => {
    const i = process.argv.indexOf(name);
    return i > 0 ? process.argv[i + 1] : undefined;
  };
  if (!rowsArg || !out) {
    process.stderr.write('usage: tsx test/bench/generate.ts ROWS OUT.csv [--domain D] [--invalid-every N]\n');
    process.exit(2);
  }
  await generateCustomers(out, Number(rowsArg), { domain: flag('--domain'), invalidEvery: Number(flag('--invalid-every') ?? 0) });
  process.stderr.write(`wrote ${rowsArg} rows to ${out}\n`);
}
