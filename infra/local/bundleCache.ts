/**
 * Resolver bundles cached on disk by content hash, so a warm `foreman serve` skips esbuild: each
 * entry records the SHA-256 of every file its bundle was built from, and is used only while all of
 * them still hash the same (an edited resolver, or a helper it imports, rebuilds it).
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { bundleWithInputs } from '../bundle';

interface Entry {
  file: string;
  inputs: Record<string, string>;
  code: string;
}

const sha256 = (data: string | Buffer): string => createHash('sha256').update(data).digest('hex');

function fresh(entry: Entry): boolean {
  try {
    return Object.entries(entry.inputs).every(([file, hash]) => sha256(readFileSync(file)) === hash);
  } catch {
    return false;
  }
}

/** A bundler (absolute path → APPSYNC_JS bundle) that keeps its results in `cacheDir`. */
export function cachedBundler(cacheDir: string): (file: string) => Promise<string> {
  const memo = new Map<string, Promise<string>>();
  const build = async (file: string): Promise<string> => {
    const entryFile = path.join(cacheDir, `${sha256(file)}.json`);
    try {
      const entry = JSON.parse(readFileSync(entryFile, 'utf8')) as Entry;
      if (entry.file === file && fresh(entry)) return entry.code;
    } catch {
      // no entry, or unreadable: build it
    }
    const { code, inputs } = await bundleWithInputs(file);
    const entry: Entry = { file, inputs: Object.fromEntries(inputs.map((input) => [input, sha256(readFileSync(input))])), code };
    try {
      mkdirSync(cacheDir, { recursive: true });
      // Write then rename: a concurrent reader never sees half an entry.
      const temp = `${entryFile}.${process.pid}.tmp`;
      writeFileSync(temp, JSON.stringify(entry));
      renameSync(temp, entryFile);
    } catch {
      // A read-only data dir only costs the cache.
    }
    return code;
  };
  return (file) => {
    let pending = memo.get(file);
    if (!pending) {
      pending = build(file);
      memo.set(file, pending);
      pending.catch(() => memo.delete(file));
    }
    return pending;
  };
}
