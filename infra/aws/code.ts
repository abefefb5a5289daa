/**
 * Bundles every APPSYNC_JS file the wiring names, with the one bundler the local stack also uses
 * (infra/bundle.ts), so the cloud runs byte-for-byte the code that passed locally.
 */
import { bundleAppsyncCode } from '../bundle';
import { functionCode, resolverCodePath } from '../wiring';
import type { Wiring } from './checkWiring';

/** Repository-relative file → bundled code, for every resolver and function of `wiring`. */
export async function bundleWiring(wiring: Pick<Wiring, 'functions' | 'resolvers'>): Promise<Map<string, string>> {
  const files = [...new Set([...wiring.resolvers.map(resolverCodePath), ...wiring.functions.map(functionCode)])];
  const bundled = await Promise.all(files.map(async (file) => [file, await bundleAppsyncCode(file)] as const));
  return new Map(bundled);
}
