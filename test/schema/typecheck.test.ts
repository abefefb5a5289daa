import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { repoRoot } from '../../infra/bundle';

describe('types flow from the schema', () => {
  // vitest and tsx strip types without checking them; this is where a schema change that leaves
  // code behind (e.g. a new row field without its rule in resolvers/lib/rules.ts) fails CI.
  it('type-checks the whole project strictly against the generated types', () => {
    const tsc = spawnSync(process.execPath, [path.join(repoRoot, 'node_modules/typescript/bin/tsc'), '--noEmit', '-p', repoRoot], {
      cwd: repoRoot,
      encoding: 'utf8',
    });
    expect(tsc.stdout + tsc.stderr).toBe('');
    expect(tsc.status).toBe(0);
  }, 300_000);
});
