#!/usr/bin/env node
// The `foreman` command. It runs the compiled CLI (build/cli/, which `npm install` makes:
// clients/cli/build.js) when that build matches the TypeScript sources. When a source changed
// since, it compiles again first (under a second), so nobody runs stale code; when it cannot
// compile (esbuild missing, build/ not writable), it says why and runs the sources through tsx.
// FOREMAN_RUNTIME=tsx always runs the sources; FOREMAN_RUNTIME=compiled refuses the tsx fallback.
import { buildCli, compiledCli } from '../clients/cli/build.js';

// The lockfile pins AWS SDK versions that run on Node 20; their notice about future releases
// needing Node 22 would otherwise open every command's output.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const runtime = process.env.FOREMAN_RUNTIME ?? '';
if (!['', 'compiled', 'tsx'].includes(runtime)) {
  process.stderr.write(`foreman: FOREMAN_RUNTIME is "${runtime}"; use "compiled", "tsx" or leave it unset.\n`);
  process.exit(2);
}

/** The compiled entry's URL, compiling first if the sources changed; or why it cannot be used. */
async function compiledEntry() {
  const found = compiledCli();
  if ('entry' in found) return found;
  try {
    const built = await buildCli();
    if (process.stderr.isTTY) process.stderr.write(`foreman: ${found.reason}; compiled it again (${(built.ms / 1000).toFixed(1)} s).\n`);
    return compiledCli();
  } catch (error) {
    return { reason: `${found.reason}, and compiling failed (${error instanceof Error ? error.message.split('\n')[0] : String(error)}; npm run build:cli shows the whole error)` };
  }
}

const found = runtime === 'tsx' ? { reason: 'FOREMAN_RUNTIME=tsx' } : await compiledEntry();
if ('entry' in found) {
  await import(found.entry);
} else if (runtime === 'compiled') {
  process.stderr.write(`foreman: cannot run the compiled CLI: ${found.reason}.\n`);
  process.exit(1);
} else {
  if (runtime !== 'tsx') process.stderr.write(`foreman: running the TypeScript sources through tsx (slower start): ${found.reason}.\n`);
  const { register } = await import('tsx/esm/api');
  register();
  await import('../clients/cli/main.ts');
}
