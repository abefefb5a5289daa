/**
 * `npm run lint` is what proves resolver code fits APPSYNC_JS before AppSync (or the local runtime)
 * sees it: the @aws-appsync/eslint-plugin recommended rules, type-aware, over resolvers/**.
 * These tests run ESLint's API with the repository's own eslint.config.js.
 * Rules: https://docs.aws.amazon.com/appsync/latest/devguide/utility-resolvers.html (the plugin) and
 * https://docs.aws.amazon.com/appsync/latest/devguide/supported-features.html (what the runtime lacks).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import { ESLint } from 'eslint';
import { repoRoot } from '../../infra/bundle';

// A fixture linted as if it were a resolver file. It exists only in memory, so the type-aware
// parser is allowed to give it the default project; everything else comes from eslint.config.js.
const FIXTURE = 'resolvers/__lint_fixture__.ts';

let eslint: ESLint;

beforeAll(() => {
  eslint = new ESLint({
    cwd: repoRoot,
    overrideConfig: {
      files: ['resolvers/**/*.ts'],
      languageOptions: { parserOptions: { projectService: { allowDefaultProject: [FIXTURE] }, tsconfigRootDir: repoRoot } },
    },
  });
});

async function ruleIds(code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(repoRoot, FIXTURE) });
  return result!.messages.map((m) => m.ruleId ?? `fatal: ${m.message}`);
}

// Type-aware linting starts a TypeScript project service: slow on two shared cores, hence the generous timeouts.
describe('lint of resolver code', { timeout: 180_000 }, () => {
  it('fails on a resolver containing try/catch', async () => {
    const ids = await ruleIds(
      ['export function request(ctx: { args: { id: string } }) {', '  try {', '    return { id: ctx.args.id };', '  } catch (e) {', '    return { e };', '  }', '}', ''].join('\n'),
    );
    expect(ids).toContain('@aws-appsync/no-try');
  });

  it('fails on a comparator passed to sort, a while loop and ++, which APPSYNC_JS lacks', async () => {
    const ids = await ruleIds(
      [
        'export function response(ctx: { result: { items: number[] } }) {',
        '  const items = ctx.result.items;',
        '  items.sort((a, b) => a - b);',
        '  let n = 0;',
        '  while (n < items.length) {',
        '    n++;',
        '  }',
        '  return n;',
        '}',
        '',
      ].join('\n'),
    );
    expect(ids).toEqual(expect.arrayContaining(['@aws-appsync/no-function-passing', '@aws-appsync/no-while', '@aws-appsync/no-disallowed-unary-operators']));
  });

  it('accepts arrow callbacks to Array map/filter/some, which the runtime supports', async () => {
    const ids = await ruleIds(
      [
        'export function response(ctx: { result: { items: { id: string; n: number }[] } }) {',
        '  const items = ctx.result.items.filter((i) => i.n > 0).map((i) => i.id);',
        '  return { items, any: ctx.result.items.some((i) => i.n === 0) };',
        '}',
        '',
      ].join('\n'),
    );
    expect(ids).toEqual([]);
  });

  it('passes on every file under resolvers/', async () => {
    const results = await new ESLint({ cwd: repoRoot }).lintFiles(['resolvers/**/*.ts']);
    const problems = results.flatMap((r) => r.messages.map((m) => `${path.relative(repoRoot, r.filePath)}:${m.line}:${m.column} ${m.ruleId ?? ''} ${m.message}`));
    // Proves the glob really reached our resolvers (an empty run would pass vacuously).
    expect(results.map((r) => path.relative(repoRoot, r.filePath))).toContain('resolvers/functions/putCustomerWithEmailClaim.ts');
    expect(problems).toEqual([]);
  });
});
