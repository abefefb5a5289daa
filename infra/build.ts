/**
 * `npm run build`: bundles every wired resolver and function exactly as the CDK app and the local
 * stack do (infra/bundle.ts) into `build/appsync/`, so the code AppSync receives can be read, and
 * prints each bundle's size against AppSync's limit. Neither the local stack nor the CDK app needs
 * this step: both bundle in memory.
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { APPSYNC_CODE_LIMIT, bundleAppsyncCode, repoRoot } from './bundle';
import { functionCode, functions, resolverCodePath, resolvers } from './wiring';

const outDir = path.join(repoRoot, 'build', 'appsync');
await rm(outDir, { recursive: true, force: true });
await mkdir(outDir, { recursive: true });

const files = [...resolvers.map((r) => resolverCodePath(r)), ...functions.map(functionCode)];
let largest = 0;
for (const file of files) {
  const code = await bundleAppsyncCode(file);
  largest = Math.max(largest, code.length);
  await writeFile(path.join(outDir, path.basename(file).replace(/\.ts$/, '.js')), code);
}
process.stdout.write(
  `${files.length} APPSYNC_JS bundles in ${path.relative(process.cwd(), outDir) || '.'}/ (largest ${largest} of ${APPSYNC_CODE_LIMIT} characters allowed)\n`,
);
