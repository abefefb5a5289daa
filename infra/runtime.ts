/**
 * Which form of Foreman is running: its TypeScript sources (through tsx, or vitest's transform) or
 * the compiled CLI (`build/cli/`, made by clients/cli/build.js, which defines
 * `__FOREMAN_COMPILED__`). The compiled CLI has no TypeScript loader until something asks for one:
 * only a TypeScript module chosen at run time needs it (the handler of an AWS_LAMBDA data source in
 * an API config), and then tsx's loader is registered once, on first use.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { repoRoot } from './root';

declare const __FOREMAN_COMPILED__: boolean | undefined;

/** True in the compiled CLI. */
export const compiled = typeof __FOREMAN_COMPILED__ !== 'undefined' && __FOREMAN_COMPILED__ === true;

const TYPESCRIPT = /\.[cm]?tsx?$/;
let loader: Promise<void> | null = null;

/**
 * Makes `import(file)` work for a TypeScript `file` in this process (a no-op for JavaScript, and
 * when running from source, where a loader is already there).
 */
export function loaderFor(file: string): Promise<void> {
  if (!compiled || !TYPESCRIPT.test(file)) return Promise.resolve();
  loader ??= import('tsx/esm/api').then(({ register }) => {
    register();
  });
  return loader;
}

/** tsx's loader for `node --import`, resolved from Foreman's own node_modules (not the caller's directory). */
export function tsxImportUrl(): string {
  return pathToFileURL(createRequire(path.join(repoRoot, 'package.json')).resolve('tsx')).href;
}
