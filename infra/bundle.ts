/**
 * Bundles one APPSYNC_JS resolver or function with esbuild, in memory, the way AWS's guidance
 * says (https://docs.aws.amazon.com/appsync/latest/devguide/additional-utilities.html):
 * ESM, `@aws-appsync/*` left external, inline source map without source content — when it fits:
 * a bundle that would pass AppSync's 32 KB limit only because of its map is built without one
 * (error locations in CloudWatch then point into the bundle; docs/models.md, "Limits").
 * The CDK app hands the result to `Code.fromInline`; the local stack loads the very same string.
 */
import { build } from 'esbuild';
import path from 'node:path';
import { repoRoot } from './root';

export { repoRoot };

/** AppSync refuses resolver/function code longer than this (API_Resolver.html, API_FunctionConfiguration.html). */
export const APPSYNC_CODE_LIMIT = 32768;

export class CodeTooLargeError extends Error {
  override name = 'CodeTooLargeError';
}

const cache = new Map<string, Promise<string>>();

/**
 * @param file path relative to the repository root, e.g. `resolvers/Mutation.createCustomer.ts`, or absolute
 * @returns the ESM bundle as AppSync would receive it
 * @example
 * const code = await bundleAppsyncCode('resolvers/functions/putCustomer.ts');
 */
export function bundleAppsyncCode(file: string): Promise<string> {
  let pending = cache.get(file);
  if (!pending) {
    pending = bundle(file);
    cache.set(file, pending);
    pending.catch(() => cache.delete(file));
  }
  return pending;
}

async function bundle(file: string): Promise<string> {
  return (await bundleWithInputs(file)).code;
}

/**
 * Like bundleAppsyncCode (not memoised) and also names every file the bundle was built from
 * (absolute paths), so a cache can tell when it is stale.
 */
export async function bundleWithInputs(file: string): Promise<{ code: string; inputs: string[] }> {
  let built = await esbuildOnce(file, true);
  if (built.code.length > APPSYNC_CODE_LIMIT) built = await esbuildOnce(file, false);
  if (built.code.length > APPSYNC_CODE_LIMIT) {
    throw new CodeTooLargeError(`${file} bundles to ${built.code.length} characters; AppSync accepts at most ${APPSYNC_CODE_LIMIT}.`);
  }
  return built;
}

async function esbuildOnce(file: string, withMap: boolean): Promise<{ code: string; inputs: string[] }> {
  const result = await build({
    entryPoints: [path.resolve(repoRoot, file)],
    absWorkingDir: repoRoot,
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'neutral',
    target: 'es2020',
    external: ['@aws-appsync/*'],
    sourcemap: withMap ? 'inline' : false,
    sourcesContent: false,
    minify: false,
    logLevel: 'silent',
    metafile: true,
  });
  const code = result.outputFiles[0]!.text;
  const inputs = Object.keys(result.metafile.inputs).map((input) => path.resolve(repoRoot, input));
  return { code, inputs };
}
