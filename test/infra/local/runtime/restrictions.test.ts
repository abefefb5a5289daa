/**
 * Language restrictions refused at load time, each at its line
 * (https://docs.aws.amazon.com/appsync/latest/devguide/supported-features.html and the rules of
 * @aws-appsync/eslint-plugin), while code that passes AWS's lint — including what esbuild emits
 * around it — loads.
 */
import { build } from 'esbuild';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CodeRestrictionError } from '../../../../infra/local/contracts';
import { createRuntime } from '../../../../infra/local/runtime/index';

const runtime = createRuntime();

/** Wraps `body` (which starts on line 3) in a module with both handlers. */
function moduleWith(body: string): string {
  return `import { util } from '@aws-appsync/utils';\nexport function request(ctx) {\n${body}\n  return {};\n}\nexport function response(ctx) {\n  return ctx.result;\n}\n`;
}

function violationsOf(code: string) {
  try {
    runtime.load(code, 'code.js');
  } catch (error) {
    if (error instanceof CodeRestrictionError) return error.violations;
    throw error;
  }
  return [];
}

describe('load refuses what APPSYNC_JS does not support', () => {
  it.each([
    ['try/catch', '  try { util.autoId(); } catch (e) { util.error("x"); }', 'no-try'],
    ['try/finally', '  try { util.autoId(); } finally { util.autoId(); }', 'no-try'],
    ['throw', '  throw new Error("x");', 'no-throw'],
    ['while', '  let i = 0;\n  while (i < 3) { i = i + 1; }', 'no-while'],
    ['do-while', '  let i = 0;\n  do { i = i + 1; } while (i < 3);', 'no-while'],
    ['a C-style for', '  for (let i = 0; i < 3; i = i + 1) { util.autoId(); }', 'no-for'],
    ['continue', '  for (const x of [1, 2]) { if (x) continue; }', 'no-continue'],
    ['a label', '  outer: for (const x of [1]) { break outer; }', 'no-labels'],
    ['++', '  let i = 0;\n  i++;', 'no-disallowed-unary-operators'],
    ['--', '  let i = 0;\n  --i;', 'no-disallowed-unary-operators'],
    ['~', '  const x = ~1;', 'no-disallowed-unary-operators'],
    ['the in operator', "  const has = 'a' in ctx.args;", 'no-in-operator'],
    ['instanceof', '  const isArr = ctx.args instanceof Object;', 'no-disallowed-binary-operators'],
    ['a class', '  class A {}', 'no-classes'],
    ['a class expression', '  const A = class {};', 'no-classes'],
    ['this', '  const self = this;', 'no-this'],
    ['an async arrow', '  const f = async () => 1;', 'no-async'],
    ['a generator', '  function* g() { yield 1; }', 'no-generators'],
    ['a regex literal', '  const re = /a+/;', 'no-regex'],
    ['new Promise', '  const p = new Promise(() => 1);', 'no-promise'],
    ['Promise.resolve', '  const p = Promise.resolve(1);', 'no-promise'],
    ['the Function constructor', "  const f = new Function('return 1');", 'no-function-constructor'],
    ['Function.prototype.call', '  util.autoId.call(null);', 'no-disallowed-methods'],
    ['returning a function', '  const make = () => { return () => 1; };', 'no-function-return'],
    ['reassigning ctx', '  ctx = {};', 'no-disallowed-re-assignment'],
    ['replacing ctx.stash', '  ctx.stash = {};', 'no-disallowed-re-assignment'],
    ['deleting ctx.args', '  delete ctx.args;', 'no-disallowed-re-assignment'],
  ])('refuses %s at its line', (_name, body, rule) => {
    const violations = violationsOf(moduleWith(body));
    const hit = violations.find((v) => v.rule === rule);
    expect(hit, JSON.stringify(violations)).toBeDefined();
    // The body starts on line 3 (after the import and the function line).
    expect(hit!.line).toBeGreaterThanOrEqual(3);
    expect(hit!.line).toBeLessThanOrEqual(3 + body.split('\n').length - 1);
  });

  it('reports the exact line and column of the offending construct', () => {
    const violations = violationsOf(moduleWith('  const ok = 1;\n  let i = ok;\n  i++;'));
    expect(violations).toEqual([{ rule: 'no-disallowed-unary-operators', message: 'The operator ++ is not supported', line: 5, column: 3 }]);
  });

  it('refuses direct recursion', () => {
    const code = 'function count(n) {\n  return n > 0 ? count(n - 1) : 0;\n}\nexport function request(ctx) {\n  return { n: count(3) };\n}\n';
    expect(violationsOf(code)).toEqual([expect.objectContaining({ rule: 'no-recursion', line: 2 })]);
  });

  it('names the file and every violation in the error message', () => {
    expect(() => runtime.load(moduleWith('  let i = 0;\n  i++;\n  while (i) { i = 0; }'), 'Mutation.x.js')).toThrow(
      /^Mutation\.x\.js: 4:3 The operator \+\+ is not supported; 5:3 while statements are not supported$/,
    );
  });

  it('refuses code longer than the 32768 characters AppSync accepts', () => {
    const code = `${moduleWith('')}// ${'x'.repeat(32768)}`;
    expect(violationsOf(code)).toEqual([expect.objectContaining({ rule: 'code-size' })]);
  });

  it('refuses a syntax error with its position', () => {
    expect(violationsOf('export function request(ctx) {\n  return {\n}\n')).toEqual([expect.objectContaining({ rule: 'syntax', line: 4 })]);
  });
});

describe('load accepts what APPSYNC_JS supports', () => {
  it('loads for-of, for-in, arrow callbacks, spread, optional chaining and template literals', () => {
    const code = moduleWith(
      [
        '  const out = [];',
        '  for (const x of [1, 2]) { out.push(x); }',
        '  for (const k in { a: 1 }) { out.push(k); }',
        '  const doubled = out.map((x) => x * 2).filter((x) => x > 1);',
        '  const copy = { ...ctx.args, n: ctx.args?.missing ?? 0, s: `v${doubled.length}` };',
        '  if (Object.hasOwn(copy, "n")) { util.autoId(); }',
      ].join('\n'),
    );
    const loaded = runtime.load(code, 'code.js');
    expect(loaded).toEqual({ fileName: 'code.js', hasRequest: true, hasResponse: true });
  });

  it('loads an esbuild bundle whose local namespace import makes esbuild emit its __export helper', async () => {
    // Bundled with the options of infra/bundle.ts.
    const result = await build({
      entryPoints: [path.resolve(__dirname, '../../../fixtures/evaluate/getCustomer.ts')],
      bundle: true,
      write: false,
      format: 'esm',
      platform: 'neutral',
      target: 'es2020',
      external: ['@aws-appsync/*'],
      sourcemap: 'inline',
      sourcesContent: false,
      logLevel: 'silent',
    });
    const code = result.outputFiles[0]!.text;
    expect(code).toContain('__export');
    expect(runtime.load(code, 'getCustomer.js')).toEqual({ fileName: 'getCustomer.js', hasRequest: true, hasResponse: true });
  });

  it('loads handlers exported as arrow functions, under other names and from an export list', () => {
    const code = [
      "import { util as u } from '@aws-appsync/utils';",
      'const handle = (ctx) => ({ id: u.autoId() ? ctx.args.id : null });',
      'export const response = (ctx) => ctx.result;',
      'export { handle as request };',
    ].join('\n');
    const loaded = runtime.load(code, 'code.js');
    expect(loaded.hasRequest && loaded.hasResponse).toBe(true);
    const init = {
      arguments: { id: 'a' },
      source: null,
      identity: null,
      request: { headers: {}, domainName: null },
      info: { fieldName: 'f', parentTypeName: 'Query', variables: {}, selectionSetList: [], selectionSetGraphQL: '' },
      env: {},
      stash: {},
      prev: { result: null },
      authType: 'API Key Authorization',
    };
    expect(runtime.run(loaded, 'request', init).outcome).toEqual({ kind: 'value', value: { id: 'a' } });
  });

  it('reports a module without a response handler', () => {
    expect(runtime.load('export function request(ctx) { return {}; }', 'code.js')).toEqual({ fileName: 'code.js', hasRequest: true, hasResponse: false });
  });
});
