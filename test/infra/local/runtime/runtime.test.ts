/**
 * Running handlers: the ctx a handler sees, the outcomes (value, earlyReturn, util.error,
 * unauthorized, runtime errors), per-run isolation of errors/logs/effects, and the cut-down globals
 * (https://docs.aws.amazon.com/appsync/latest/devguide/resolver-context-reference-js.html,
 * runtime-utils-js.html, built-in-util-js.html, supported-features.html).
 */
import { describe, expect, it } from 'vitest';
import type { ContextInit } from '../../../../infra/local/contracts';
import { createRuntime, runtimeErrorDetail } from '../../../../infra/local/runtime/index';

const runtime = createRuntime();

function init(overrides: Partial<ContextInit> = {}): ContextInit {
  return {
    arguments: { id: '1' },
    source: null,
    identity: null,
    request: { headers: { 'x-custom': 'a' }, domainName: null },
    info: { fieldName: 'getCustomer', parentTypeName: 'Query', variables: { v: 1 }, selectionSetList: ['id', 'owner/name'], selectionSetGraphQL: '{ id owner { name } }' },
    env: { TABLE: 'customers' },
    stash: {},
    prev: { result: { from: 'before' } },
    authType: 'API Key Authorization',
    ...overrides,
  };
}

function load(body: string, response = 'return ctx.result;') {
  return runtime.load(
    `import { util, runtime, extensions } from '@aws-appsync/utils';\nexport function request(ctx) {\n${body}\n}\nexport function response(ctx) {\n${response}\n}\n`,
    'code.js',
  );
}

describe('the ctx a handler sees', () => {
  it('exposes arguments as both args and arguments, with identity, source, prev, request, info and env', () => {
    const code = load(
      'return { args: ctx.args, same: ctx.args === ctx.arguments, identity: ctx.identity, source: ctx.source, prev: ctx.prev.result, headers: ctx.request.headers, info: ctx.info, list: ctx.info.selectionSetList, env: ctx.env.TABLE, authType: util.authType() };',
    );
    const run = runtime.run(code, 'request', init());
    expect(run.outcome).toEqual({
      kind: 'value',
      value: {
        args: { id: '1' },
        same: true,
        identity: null,
        source: null,
        prev: { from: 'before' },
        headers: { 'x-custom': 'a' },
        // selectionSetList/selectionSetGraphQL are left out of the object's own enumerable keys
        info: { fieldName: 'getCustomer', parentTypeName: 'Query', variables: { v: 1 } },
        list: ['id', 'owner/name'],
        env: 'customers',
        authType: 'API Key Authorization',
      },
    });
  });

  it('shares the caller’s stash object, so a pipeline sees what earlier handlers put there', () => {
    const stash: Record<string, unknown> = {};
    const code = load('ctx.stash.seen = (ctx.stash.seen ?? 0) + 1;\nreturn ctx.stash.seen;');
    runtime.run(code, 'request', init({ stash }));
    const second = runtime.run(code, 'request', init({ stash }));
    expect(second.outcome).toEqual({ kind: 'value', value: 2 });
    expect(stash).toEqual({ seen: 2 });
  });

  it('refuses at run time to replace ctx.stash through an alias', () => {
    // `ctx.stash = …` is refused at load; an alias slips past the check but not past the object.
    const code = load('const c = ctx;\nc.stash = {};\nreturn 1;');
    const run = runtime.run(code, 'request', init());
    expect(run.outcome.kind).toBe('error');
    expect(run.outcome.kind === 'error' && runtimeErrorDetail(run.outcome.error)).toMatch(/stash/);
  });

  it('gives the response handler the data source result and error', () => {
    const code = load('return {};', 'return { result: ctx.result, error: ctx.error };');
    const run = runtime.run(code, 'response', init({ result: { id: '1' }, error: { message: 'm', type: 't' } }));
    expect(run.outcome).toEqual({ kind: 'value', value: { result: { id: '1' }, error: { message: 'm', type: 't' } } });
  });
});

describe('handler outcomes', () => {
  it('returns earlyReturn with skipTo END when asked, NEXT by default', () => {
    const end = runtime.run(load("runtime.earlyReturn({ a: 1 }, { skipTo: 'END' });\nreturn 'no';"), 'request', init());
    const next = runtime.run(load("runtime.earlyReturn({ b: 2 });\nreturn 'no';"), 'request', init());
    expect(end.outcome).toEqual({ kind: 'earlyReturn', value: { a: 1 }, skipTo: 'END' });
    expect(next.outcome).toEqual({ kind: 'earlyReturn', value: { b: 2 }, skipTo: 'NEXT' });
  });

  it('turns util.error into an error entry with its type, data and errorInfo', () => {
    const run = runtime.run(load("util.error('Duplicate email', 'DuplicateEmail', { email: 'a@b.c' }, { row: 3 });\nreturn 'no';"), 'request', init());
    expect(run.outcome).toEqual({ kind: 'error', error: { message: 'Duplicate email', errorType: 'DuplicateEmail', data: { email: 'a@b.c' }, errorInfo: { row: 3 } } });
  });

  it('gives util.error without a type a null errorType, data and errorInfo', () => {
    const run = runtime.run(load("util.error('plain');"), 'request', init());
    expect(run.outcome).toEqual({ kind: 'error', error: { message: 'plain', errorType: null, data: null, errorInfo: null } });
  });

  it('answers util.unauthorized with the message AWS gives it, "Unauthorized"', () => {
    // built-in-util-js.html: "Throws Unauthorized for the field being resolved". The field-denial text
    // of AppSync's own auth checks ("Not Authorized to access … on type …") is not what this call
    // answers (issue 11 records AWS's answer as "Unauthorized").
    const run = runtime.run(load('util.unauthorized();'), 'request', init());
    expect(run.outcome).toEqual({ kind: 'error', error: { message: 'Unauthorized', errorType: 'Unauthorized', data: null, errorInfo: null } });
  });

  it('answers an uncaught TypeError as AppSync does, keeping its position for the developer', () => {
    // aws/aws-appsync-community#355: {"errorType":"Code","message":"Runtime Error"}
    const run = runtime.run(load('const x = ctx.args.nothing;\nreturn x.deeper;'), 'request', init());
    expect(run.outcome.kind).toBe('error');
    if (run.outcome.kind !== 'error') return;
    expect(run.outcome.error).toEqual({ message: 'Runtime Error', errorType: 'Code', data: null, errorInfo: null });
    expect(runtimeErrorDetail(run.outcome.error)).toMatch(/^code\.js:4:\d+: TypeError: Cannot read properties of undefined/);
  });

  it('keeps appended errors, logs and effects to the run that made them', () => {
    const code = load(
      "util.appendError('first', 'Soft');\nconsole.log('hi', ctx.args.id);\nextensions.invalidateSubscriptions({ subscriptionField: 'onX', payload: { id: ctx.args.id } });\nextensions.evictFromApiCache('Query', 'getCustomer', { 'context.arguments.id': ctx.args.id });\nreturn 1;",
    );
    const first = runtime.run(code, 'request', init());
    const second = runtime.run(code, 'request', init({ arguments: { id: '2' } }));
    expect(first.appendedErrors).toEqual([{ message: 'first', errorType: 'Soft', data: null, errorInfo: null }]);
    expect(second.appendedErrors).toHaveLength(1);
    expect(second.logs).toEqual(['INFO - code.js:4:1: "hi" "2"']);
    expect(second.effects).toEqual({
      invalidateSubscriptions: [{ subscriptionField: 'onX', payload: { id: '2' } }],
      evictFromApiCache: [{ typeName: 'Query', fieldName: 'getCustomer', keys: { 'context.arguments.id': '2' } }],
    });
  });

  it('records the subscription filter a response handler sets', () => {
    const code = load('return {};', "extensions.setSubscriptionFilter(util.transform.toSubscriptionFilter({ id: { eq: ctx.args.id } }));\nreturn null;");
    const run = runtime.run(code, 'response', init());
    expect(run.outcome).toEqual({ kind: 'value', value: null });
    expect(run.effects.subscriptionFilter).toEqual({ filterGroup: [{ filters: [{ fieldName: 'id', operator: 'eq', value: '1' }] }] });
  });

  it('reports a handler the module does not export as an error, not a crash', () => {
    const code = runtime.load('export function request(ctx) { return 1; }', 'only-request.js');
    expect(runtime.run(code, 'response', init()).outcome.kind).toBe('error');
  });
});

describe('globals as AWS documents them', () => {
  it('offers only random/min/max/round/floor/ceil on Math and only isFinite/isNaN on Number', () => {
    const code = load('return [typeof Math.abs, typeof Math.pow, Math.max(1, 3), Math.floor(2.5), typeof Number.parseInt, Number.isNaN(NaN)];');
    expect(runtime.run(code, 'request', init()).outcome).toEqual({ kind: 'value', value: ['undefined', 'undefined', 3, 2, 'undefined', true] });
  });

  it('answers JSON.parse of invalid JSON with an empty string', () => {
    const code = load("return [JSON.parse('not json'), JSON.parse('{\"a\":1}')];");
    expect(runtime.run(code, 'request', init()).outcome).toEqual({ kind: 'value', value: ['', { a: 1 }] });
  });

  it('has no timers, process, require or eval', () => {
    const code = load('return [typeof setTimeout, typeof process, typeof require, typeof eval, typeof globalThis.fetch];');
    expect(runtime.run(code, 'request', init()).outcome).toEqual({ kind: 'value', value: ['undefined', 'undefined', 'undefined', 'undefined', 'undefined'] });
  });

  it('refuses imports other than the two AppSync modules when the bundle is loaded', () => {
    expect(() => runtime.load("import fs from 'node:fs';\nexport function request(ctx) { return fs; }", 'code.js')).toThrow(/Cannot find module 'node:fs'/);
  });

  it('does not let one bundle redefine util for the others', () => {
    const tamper = runtime.load("import { util } from '@aws-appsync/utils';\nexport function request(ctx) { const u = util; u.autoId = () => 'fixed'; return 1; }", 'tamper.js');
    expect(runtime.run(tamper, 'request', init()).outcome.kind).toBe('error');
    expect(runtime.run(load('return util.autoId();'), 'request', init()).outcome).not.toEqual({ kind: 'value', value: 'fixed' });
  });

  it('keeps module-level state of one bundle away from another', () => {
    const a = runtime.load('export const seen = [];\nexport function request(ctx) { seen.push(1); return seen.length; }', 'a.js');
    const b = runtime.load('export const seen = [];\nexport function request(ctx) { return seen.length; }', 'b.js');
    runtime.run(a, 'request', init());
    expect(runtime.run(b, 'request', init()).outcome).toEqual({ kind: 'value', value: 0 });
  });
});
