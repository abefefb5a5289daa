import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { repoRoot } from '../../infra/bundle';

describe('codegen', () => {
  it('committed generated files match what codegen produces from the schema now', () => {
    // Regenerate into a scratch folder with the same config and compare byte for byte.
    const out = mkdtempSync(path.join(tmpdir(), 'foreman-codegen-'));
    const config = readFileSync(path.join(repoRoot, 'codegen.yml'), 'utf8')
      .replace('schema/generated/types.ts:', `${out}/types.ts:`)
      .replace('clients/api/generated.ts:', `${out}/client.ts:`);
    const configFile = path.join(out, 'codegen.yml');
    writeFileSync(configFile, config);
    execFileSync(path.join(repoRoot, 'node_modules/.bin/graphql-codegen'), ['--config', configFile, '--silent'], { cwd: repoRoot });
    expect(readFileSync(path.join(out, 'types.ts'), 'utf8')).toBe(readFileSync(path.join(repoRoot, 'schema/generated/types.ts'), 'utf8'));
    expect(readFileSync(path.join(out, 'client.ts'), 'utf8')).toBe(readFileSync(path.join(repoRoot, 'clients/api/generated.ts'), 'utf8'));
  });
});
