/**
 * `foreman evaluate` — `aws appsync evaluate-code` without AWS: the same flags, the same JSON out.
 *
 *   foreman evaluate --runtime name=APPSYNC_JS,runtimeVersion=1.0.0 \
 *     --code file://resolvers/functions/getCustomerById.ts --context file://ctx.json --function request
 *
 * `.ts` code (and `.js` that imports local files) is bundled like the CDK app bundles it first.
 * Exit 0 when the handler produced a result, 1 when the answer carries an `error`, 2 for bad usage.
 */
import type { Command } from 'commander';
import { readFile } from 'node:fs/promises';
import type { EvaluateCodeInput } from '../../../infra/local/evaluate';
import { CliError, EXIT } from '../errors';

interface EvaluateOptions {
  runtime: string;
  code: string;
  context: string;
  function?: string;
}

/** `name=APPSYNC_JS,runtimeVersion=1.0.0` (AWS CLI shorthand) or its JSON form. */
export function parseRuntime(value: string): EvaluateCodeInput['runtime'] {
  const trimmed = value.trim();
  if (trimmed.startsWith('{')) {
    try {
      const parsed = JSON.parse(trimmed) as { name?: unknown; runtimeVersion?: unknown };
      return { name: String(parsed.name ?? ''), runtimeVersion: String(parsed.runtimeVersion ?? '') };
    } catch {
      throw new CliError(`--runtime is not valid JSON: ${value}`, EXIT.USAGE);
    }
  }
  const fields: Record<string, string> = {};
  for (const part of trimmed.split(',')) {
    const [key, ...rest] = part.split('=');
    if (!key || rest.length === 0) throw new CliError(`--runtime expects name=APPSYNC_JS,runtimeVersion=1.0.0, got ${value}`, EXIT.USAGE);
    fields[key.trim()] = rest.join('=').trim();
  }
  return { name: fields.name ?? '', runtimeVersion: fields.runtimeVersion ?? '' };
}

/** `file://path` reads the file (like the AWS CLI); anything else is the value itself. */
async function readArgument(flag: string, value: string): Promise<{ text: string; file: string | null }> {
  if (!value.startsWith('file://')) return { text: value, file: null };
  const file = value.slice('file://'.length);
  try {
    return { text: await readFile(file, 'utf8'), file };
  } catch (error) {
    throw new CliError(`${flag}: cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, EXIT.USAGE);
  }
}

function needsBundling(file: string, text: string): boolean {
  return /\.(ts|mts|cts)$/.test(file) || /^\s*import\s[^;]*from\s*['"]\.{1,2}\//m.test(text);
}

export function register(program: Command): void {
  program
    .command('evaluate')
    .description('Run one handler of an APPSYNC_JS resolver/function offline and print what `aws appsync evaluate-code` prints')
    .requiredOption('--runtime <runtime>', 'name=APPSYNC_JS,runtimeVersion=1.0.0')
    .requiredOption('--code <code>', 'file://path/to/code.(js|ts) or the code itself')
    .requiredOption('--context <context>', 'file://ctx.json or the context JSON itself')
    .option('--function <function>', 'request or response (default request)')
    .addHelpText('after', '\nExit codes: 0 result, 1 the evaluation returned an error, 2 bad usage.')
    .action(async (options: EvaluateOptions) => {
      const runtime = parseRuntime(options.runtime);
      // Loaded here, not at start-up: the evaluator brings esbuild, acorn and the APPSYNC_JS runtime.
      const { bundleForEvaluate, evaluateCode, EvaluateInputError } = await import('../../../infra/local/evaluate');
      if (options.function !== undefined && options.function !== 'request' && options.function !== 'response') {
        throw new CliError(`--function must be request or response, not ${options.function}`, EXIT.USAGE);
      }
      const code = await readArgument('--code', options.code);
      const context = await readArgument('--context', options.context);
      let source = code.text;
      if (code.file && needsBundling(code.file, code.text)) {
        try {
          source = await bundleForEvaluate(code.file);
        } catch (error) {
          throw new CliError(`--code: cannot bundle ${code.file}: ${(error as Error).message.split('\n')[0]}`, EXIT.USAGE);
        }
      }
      let output;
      try {
        output = evaluateCode({ runtime, code: source, context: context.text, function: options.function as 'request' | 'response' | undefined });
      } catch (error) {
        if (error instanceof EvaluateInputError) throw new CliError(error.message, EXIT.USAGE);
        throw error;
      }
      // The AWS CLI prints responses as 4-space indented JSON.
      process.stdout.write(`${JSON.stringify(output, null, 4)}\n`);
      process.exitCode = output.error ? EXIT.FAILED : EXIT.OK;
    });
}
