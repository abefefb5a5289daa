/**
 * Turns the stack's outputs into `.env`, so every client (CLI, engine, tests, your own code)
 * talks to the cloud with no other change:
 *
 *   npm run deploy            # cdk deploy … --outputs-file cdk.outputs.json
 *   npm run write-env         # cdk.outputs.json → .env
 *
 * Options: --outputs <file> (default cdk.outputs.json), --stack <name> (default: the only stack
 * in the file, or Foreman-dev), --out <file> (default .env). Lines of an existing `.env` that are
 * not ours are kept; ours are replaced.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

/** Stack output → the variables it is written to. */
export const OUTPUT_VARIABLES = {
  GraphqlUrl: ['FOREMAN_GRAPHQL_URL'],
  RealtimeUrl: ['FOREMAN_REALTIME_URL'],
  // FOREMAN_REGION for `foreman login`; AWS_REGION for the SDK's IAM signing.
  Region: ['FOREMAN_REGION', 'AWS_REGION'],
  UserPoolId: ['FOREMAN_USER_POOL_ID'],
  CliClientId: ['FOREMAN_USER_POOL_CLIENT_ID'],
  IngestBucketName: ['FOREMAN_INGEST_BUCKET'],
  WebUrl: ['FOREMAN_WEB_URL'],
  LargeFileStateMachineArn: ['FOREMAN_STATE_MACHINE_ARN'],
} as const;

/** Variables earlier versions wrote (the API key is gone): dropped from an existing `.env`. */
const RETIRED_VARIABLES = ['FOREMAN_API_KEY', 'FOREMAN_API_KEY_ID'];

const REQUIRED: (keyof typeof OUTPUT_VARIABLES)[] = ['GraphqlUrl', 'RealtimeUrl', 'Region', 'UserPoolId', 'CliClientId'];

export class OutputsError extends Error {
  override name = 'OutputsError';
}

type OutputsFile = Record<string, Record<string, string>>;

/** Picks the stack's outputs from a `cdk deploy --outputs-file` file. */
export function stackOutputs(file: OutputsFile, stack?: string): { stack: string; outputs: Record<string, string> } {
  const names = Object.keys(file);
  const chosen = stack ?? (names.length === 1 ? names[0] : names.find((n) => n === 'Foreman-dev'));
  if (!chosen || !file[chosen]) {
    throw new OutputsError(`No stack ${stack ?? ''} in the outputs file (it has: ${names.join(', ') || 'none'}). Pass --stack <name>.`);
  }
  const outputs = file[chosen]!;
  const missing = REQUIRED.filter((k) => !outputs[k]);
  if (missing.length) throw new OutputsError(`Stack ${chosen} has no ${missing.join(', ')} output; was it deployed from this repository?`);
  return { stack: chosen, outputs };
}

/** The `.env` text: the existing lines that are not ours, then ours. */
export function renderEnv(outputs: Record<string, string>, existing = '', stack = 'Foreman'): string {
  const ours = new Set<string>([...Object.values(OUTPUT_VARIABLES).flat(), ...RETIRED_VARIABLES]);
  const kept = existing
    .split(/\r?\n/)
    .filter((line) => {
      const m = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=/.exec(line);
      return !(m && ours.has(m[1]!)) && !line.startsWith('# Foreman on AWS');
    })
    .join('\n')
    .trim();
  const lines = [`# Foreman on AWS (stack ${stack}), written by npm run write-env`];
  for (const [output, variables] of Object.entries(OUTPUT_VARIABLES)) {
    const value = outputs[output];
    if (value !== undefined) for (const variable of variables) lines.push(`${variable}=${value}`);
  }
  return (kept ? `${kept}\n\n` : '') + lines.join('\n') + '\n';
}

function arg(argv: string[], name: string): string | undefined {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
}

export function main(argv: string[], cwd = process.cwd()): string {
  const outputsPath = path.resolve(cwd, arg(argv, '--outputs') ?? 'cdk.outputs.json');
  const outPath = path.resolve(cwd, arg(argv, '--out') ?? '.env');
  if (!existsSync(outputsPath)) throw new OutputsError(`${outputsPath} does not exist: deploy with \`npm run deploy\` (it writes it) first.`);
  const { stack, outputs } = stackOutputs(JSON.parse(readFileSync(outputsPath, 'utf8')) as OutputsFile, arg(argv, '--stack'));
  writeFileSync(outPath, renderEnv(outputs, existsSync(outPath) ? readFileSync(outPath, 'utf8') : '', stack), { mode: 0o600 });
  return `Wrote ${path.relative(cwd, outPath) || outPath} for ${stack}: ${outputs.GraphqlUrl}`;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  try {
    console.log(main(process.argv.slice(2)));
  } catch (error) {
    console.error(error instanceof Error ? `${error.name}: ${error.message}` : String(error));
    process.exit(1);
  }
}
