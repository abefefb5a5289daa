import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { repoRoot } from '../../infra/bundle';

/** Every file codegen.yml generates (the test fails if one is added without being listed here). */
const OUTPUTS = ['schema/generated/appsync.graphql', 'schema/generated/models.ts', 'clients/api/imports.ts', 'schema/generated/types.ts', 'clients/api/generated.ts'];

describe('codegen', () => {
  it('committed generated files match what codegen produces from the schema now', () => {
    // Regenerate into a scratch folder with the same config (run as `npm run codegen` runs it) and compare byte for byte.
    const out = mkdtempSync(path.join(tmpdir(), 'foreman-codegen-'));
    let config = readFileSync(path.join(repoRoot, 'codegen.yml'), 'utf8');
    const generates = [...config.matchAll(/^ {2}([\w-]+\/[\w/.-]+):\n/gm)].map((m) => m[1]);
    expect(generates.sort()).toEqual([...OUTPUTS].sort());
    for (const file of OUTPUTS) config = config.replace(`\n  ${file}:\n`, `\n  ${out}/${file.replaceAll('/', '_')}:\n`);
    const configFile = path.join(out, 'codegen.yml');
    writeFileSync(configFile, config);
    execFileSync(process.execPath, [path.join(repoRoot, 'node_modules/tsx/dist/cli.mjs'), path.join(repoRoot, 'node_modules/@graphql-codegen/cli/esm/bin.js'), '--config', configFile, '--silent'], {
      cwd: repoRoot,
    });
    for (const file of OUTPUTS) {
      expect(readFileSync(path.join(out, file.replaceAll('/', '_')), 'utf8'), file).toBe(readFileSync(path.join(repoRoot, file), 'utf8'));
    }
  });
});
