/**
 * The APPSYNC_JS bundler (infra/bundle.ts) against AppSync's 32,768-character code limit: an inline
 * source map when it fits, none when only the map would break the limit, an error past it.
 * The sizes come from generated files: N statements `a.push(i);` bundle to roughly 15 characters
 * each without a map and 42 with one (measured once by hand: N = 1,500 → 23,056 / 63,379).
 */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { APPSYNC_CODE_LIMIT, bundleAppsyncCode, CodeTooLargeError } from '../../infra/bundle';

const dir = mkdtempSync(path.join(os.tmpdir(), 'foreman-bundle-'));

function handler(statements: number): string {
  const file = path.join(dir, `handler-${statements}.js`);
  const body = Array.from({ length: statements }, (_, i) => `  a.push(${i});`).join('\n');
  writeFileSync(file, `export function request(ctx) {\n  const a = [];\n${body}\n  return { a };\n}\nexport function response(ctx) {\n  return ctx.result;\n}\n`);
  return file;
}

describe('bundleAppsyncCode', () => {
  it('keeps the inline source map of a bundle that fits with it', async () => {
    const code = await bundleAppsyncCode(handler(10));
    expect(code).toContain('//# sourceMappingURL=data:application/json;base64,');
    expect(code).toContain('a.push(9);');
  });

  it('leaves the map out when only the map would pass the limit', async () => {
    const code = await bundleAppsyncCode(handler(1500));
    expect(code.length).toBeLessThanOrEqual(APPSYNC_CODE_LIMIT);
    expect(code).not.toContain('sourceMappingURL');
    expect(code).toContain('a.push(1499);');
  });

  it('refuses code that is too long even without a map, naming the file and the limit', async () => {
    const file = handler(2500);
    await expect(bundleAppsyncCode(file)).rejects.toThrow(CodeTooLargeError);
    await expect(bundleAppsyncCode(file)).rejects.toThrow(new RegExp(`handler-2500\\.js bundles to \\d+ characters; AppSync accepts at most 32768\\.`));
  });
});
