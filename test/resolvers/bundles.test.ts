/**
 * Every resolver and function bundle as AppSync receives it (infra/bundle.ts: ESM, inline source
 * map): it passes the runtime's load-time APPSYNC_JS checks and fits AppSync's 32,768 characters of
 * code a resolver or function (API_Resolver.html, API_FunctionConfiguration.html), counted here in
 * UTF-8 bytes. The import pipeline's bundles are listed with their sizes, since the model table grows
 * with every @importable model.
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { APPSYNC_CODE_LIMIT, bundleWithInputs, repoRoot } from '../../infra/bundle';
import { createRuntime } from '../../infra/local/runtime';
import { functionCode, functions, resolverCodePath, resolvers } from '../../infra/wiring';

/** Every resolver and function file (wired or not): `resolvers/*.ts` and `resolvers/functions/*.ts`. */
function codeFiles(): string[] {
  const top = readdirSync(path.join(repoRoot, 'resolvers')).filter((f) => f.endsWith('.ts')).map((f) => `resolvers/${f}`);
  const fns = readdirSync(path.join(repoRoot, 'resolvers/functions')).filter((f) => f.endsWith('.ts')).map((f) => `resolvers/functions/${f}`);
  return [...top, ...fns].sort();
}

/** The bundle's size in UTF-8 bytes, or the error that refused it (infra/bundle.ts throws beyond the limit). */
async function sizeOf(file: string): Promise<number | string> {
  try {
    const { code } = await bundleWithInputs(file);
    return Buffer.byteLength(code, 'utf8');
  } catch (error) {
    return (error as Error).message;
  }
}

describe('resolver bundles', { timeout: 120_000 }, () => {
  it('every wired resolver and function has its code file, and every code file is wired', () => {
    const wired = new Set([...resolvers.map(resolverCodePath), ...functions.map(functionCode)]);
    expect([...wired].filter((f) => !codeFiles().includes(f))).toEqual([]);
    expect(codeFiles().filter((f) => !wired.has(f))).toEqual([]);
  });

  it(`every bundle is under ${APPSYNC_CODE_LIMIT} bytes`, async () => {
    const over: string[] = [];
    for (const file of codeFiles()) {
      const size = await sizeOf(file);
      if (typeof size === 'string' || size >= APPSYNC_CODE_LIMIT) over.push(`${file}: ${size}`);
    }
    expect(over).toEqual([]);
  });

  it('every bundle passes the runtime load-time APPSYNC_JS checks and has both handlers', async () => {
    const runtime = createRuntime();
    for (const file of codeFiles()) {
      const { code } = await bundleWithInputs(file);
      const loaded = runtime.load(code, file);
      expect(loaded.hasRequest && loaded.hasResponse, file).toBe(true);
    }
  });
});
