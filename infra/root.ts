/**
 * Where Foreman's own files are (schema/, resolvers/, clients/web/src/, package.json): the nearest
 * directory at or above this module that holds Foreman's package.json. Found by walking up rather
 * than by counting `../` from this file, because this module runs from two places — its source
 * (`infra/root.ts`, through tsx or vitest) and the compiled CLI (a chunk under `build/cli/<hash>/`,
 * see clients/cli/build.js) — and both must name the same root.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * @param from a file or directory inside the package
 * @returns the directory of the first package.json named `foreman` at or above `from`
 * @example
 * findPackageRoot('/home/me/foreman/build/cli/3f2a/main.js'); // '/home/me/foreman'
 */
export function findPackageRoot(from: string): string {
  let dir = path.resolve(from);
  for (;;) {
    const manifest = path.join(dir, 'package.json');
    if (existsSync(manifest) && isForeman(manifest)) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`No Foreman package.json at or above ${from}: Foreman's files must stay next to its package.json.`);
    dir = parent;
  }
}

function isForeman(manifest: string): boolean {
  try {
    return (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: unknown }).name === 'foreman';
  } catch {
    return false;
  }
}

/** The repository (package) root. */
export const repoRoot = findPackageRoot(fileURLToPath(import.meta.url));
