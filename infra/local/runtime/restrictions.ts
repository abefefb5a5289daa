/**
 * APPSYNC_JS language restrictions, enforced when a bundle is loaded (not only by lint), so code
 * that AppSync would refuse is refused locally too.
 *
 * Source: https://docs.aws.amazon.com/appsync/latest/devguide/supported-features.html
 * ("The following are not supported: catch, continue, do-while, finally, for(;;), throw, try,
 * while, labeled statements"; "unary operators (++, --, and ~)", "in operator") and the rules of
 * @aws-appsync/eslint-plugin (no-classes, no-this, no-async, no-await, no-generators, no-yield,
 * no-regex, no-promise, no-recursion, no-function-return, no-disallowed-re-assignment,
 * no-disallowed-binary-operators → instanceof). The type-aware rules of that plugin
 * (no-function-passing, no-disallowed-methods) are left to lint: they need TypeScript types.
 */
import { parse, type Program } from 'acorn';
import type { CodeViolation } from '../contracts';

/** A loosely typed ESTree node: enough to walk any node acorn produces. */
export interface EsNode {
  type: string;
  start: number;
  end: number;
  loc?: { start: { line: number; column: number } };
  [key: string]: unknown;
}

export class CodeSyntaxError extends Error {
  override name = 'CodeSyntaxError';
  constructor(
    message: string,
    readonly line: number,
    readonly column: number,
  ) {
    super(message);
  }
}

/** Parses an ES module the way the runtime sees it (ES2022, module, locations on). */
export function parseModule(code: string): Program {
  try {
    return parse(code, { ecmaVersion: 2022, sourceType: 'module', locations: true });
  } catch (error) {
    const e = error as { message: string; loc?: { line: number; column: number } };
    throw new CodeSyntaxError(e.message, e.loc?.line ?? 1, (e.loc?.column ?? 0) + 1);
  }
}

function isNode(value: unknown): value is EsNode {
  return typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string';
}

/** Calls `visit(node, parent)` for every node below `root`, depth first, in source order. */
export function walk(root: EsNode, visit: (node: EsNode, parent: EsNode | null) => void, parent: EsNode | null = null): void {
  visit(root, parent);
  for (const key of Object.keys(root)) {
    if (key === 'loc' || key === 'type') continue;
    const value = root[key];
    if (Array.isArray(value)) {
      for (const item of value) if (isNode(item)) walk(item, visit, root);
    } else if (isNode(value)) {
      walk(value, visit, root);
    }
  }
}

const FUNCTION_TYPES = new Set(['FunctionDeclaration', 'FunctionExpression', 'ArrowFunctionExpression']);

/**
 * @returns every violation in `program`, in source order (empty when the code is acceptable).
 * @example
 * findViolations(parseModule('export function request(ctx) { let i = 0; i++; return {}; }'))
 * // → [{ rule: 'no-disallowed-unary-operators', message: 'The operator ++ is not supported', line: 1, column: 44 }]
 */
export function findViolations(program: Program): CodeViolation[] {
  const violations: CodeViolation[] = [];
  const report = (node: EsNode, rule: string, message: string): void => {
    const start = node.loc?.start ?? { line: 1, column: 0 };
    violations.push({ rule, message, line: start.line, column: start.column + 1 });
  };

  walk(program as unknown as EsNode, (node) => {
    switch (node.type) {
      case 'TryStatement':
        report(node, 'no-try', 'try/catch/finally statements are not supported');
        break;
      case 'ThrowStatement':
        report(node, 'no-throw', 'throw statements are not supported');
        break;
      case 'WhileStatement':
        report(node, 'no-while', 'while statements are not supported');
        break;
      case 'DoWhileStatement':
        report(node, 'no-while', 'do-while statements are not supported');
        break;
      case 'ForStatement':
        report(node, 'no-for', 'For statements are not supported.');
        break;
      case 'ContinueStatement':
        report(node, 'no-continue', 'continue statements are not supported');
        break;
      case 'LabeledStatement':
        report(node, 'no-labels', 'labeled statements are not supported');
        break;
      case 'UpdateExpression':
        report(node, 'no-disallowed-unary-operators', `The operator ${String(node.operator)} is not supported`);
        break;
      case 'UnaryExpression':
        if (node.operator === '~') report(node, 'no-disallowed-unary-operators', 'The operator ~ is not supported');
        break;
      case 'BinaryExpression':
        if (node.operator === 'in') report(node, 'no-in-operator', 'The in operator is not supported; use Object.hasOwn');
        if (node.operator === 'instanceof') report(node, 'no-disallowed-binary-operators', 'The operator instanceof is not supported');
        break;
      case 'ClassDeclaration':
      case 'ClassExpression':
        report(node, 'no-classes', 'classes are not supported');
        break;
      case 'ThisExpression':
        report(node, 'no-this', 'this is not supported');
        break;
      case 'AwaitExpression':
        report(node, 'no-await', 'await is not supported');
        break;
      case 'YieldExpression':
        report(node, 'no-yield', 'yield is not supported');
        break;
      case 'Literal':
        if (node.regex) report(node, 'no-regex', 'regex literals are not supported');
        break;
      case 'NewExpression':
      case 'CallExpression':
        checkCall(node, report);
        break;
      case 'MemberExpression':
        if (isIdentifier(node.object, 'Promise')) report(node, 'no-promise', 'Promise is not supported');
        break;
      case 'ReturnStatement':
        if (isNode(node.argument) && FUNCTION_TYPES.has(node.argument.type)) {
          report(node, 'no-function-return', 'returning a function is not allowed');
        }
        break;
      default:
        break;
    }
    if (FUNCTION_TYPES.has(node.type)) {
      if (node.async) report(node, 'no-async', 'async functions are not supported');
      if (node.generator) report(node, 'no-generators', 'generators are not supported');
      if (node.type === 'ArrowFunctionExpression' && node.expression && isNode(node.body) && FUNCTION_TYPES.has(node.body.type)) {
        report(node, 'no-function-return', 'returning a function is not allowed');
      }
    }
    if (node.type === 'FunctionDeclaration') checkRecursion(node, report);
  });

  checkContextReassignment(program, report);
  violations.sort((a, b) => a.line - b.line || a.column - b.column);
  return violations;
}

type Report = (node: EsNode, rule: string, message: string) => void;

function isIdentifier(value: unknown, name?: string): value is EsNode & { name: string } {
  return isNode(value) && value.type === 'Identifier' && (name === undefined || value.name === name);
}

function checkCall(node: EsNode, report: Report): void {
  const callee = node.callee;
  if (isIdentifier(callee, 'Promise')) report(node, 'no-promise', 'Promise is not supported');
  if (isIdentifier(callee, 'Function')) report(node, 'no-function-constructor', 'the Function constructor is not supported');
  if (node.type === 'CallExpression' && isNode(callee) && callee.type === 'MemberExpression' && !callee.computed) {
    const property = callee.property;
    if (isIdentifier(property) && ['apply', 'bind', 'call'].includes(property.name)) {
      report(node, 'no-disallowed-methods', `Function.prototype.${property.name} is not supported`);
    }
  }
}

/** Direct recursion: a function declaration that calls itself by name. */
function checkRecursion(fn: EsNode, report: Report): void {
  const id = fn.id;
  if (!isIdentifier(id)) return;
  walk(fn.body as EsNode, (node) => {
    if (node.type === 'CallExpression' && isIdentifier(node.callee, id.name)) {
      report(node, 'no-recursion', `recursion is not supported (${id.name} calls itself)`);
    }
  });
}

/**
 * `ctx = …`, `ctx.stash = …`, `delete ctx.args` inside `request`/`response`: the base properties
 * of the context are read-only (eslint rule no-disallowed-re-assignment; resolver-context-reference-js.html).
 */
function checkContextReassignment(program: Program, report: Report): void {
  walk(program as unknown as EsNode, (node) => {
    if (node.type !== 'FunctionDeclaration' || !isIdentifier(node.id)) return;
    if (node.id.name !== 'request' && node.id.name !== 'response') return;
    const params = node.params as EsNode[];
    const first = params[0];
    if (!isIdentifier(first)) return;
    const ctxName = first.name;
    walk(node.body as EsNode, (inner) => {
      let target: unknown;
      if (inner.type === 'AssignmentExpression') target = inner.left;
      else if (inner.type === 'UnaryExpression' && inner.operator === 'delete') target = inner.argument;
      else return;
      if (isIdentifier(target, ctxName)) {
        report(inner, 'no-disallowed-re-assignment', `${ctxName} is readonly and re-assignment is not supported.`);
      } else if (isNode(target) && target.type === 'MemberExpression' && isIdentifier(target.object, ctxName)) {
        const prop = target.property;
        const name = !target.computed && isIdentifier(prop) ? prop.name : null;
        report(
          inner,
          'no-disallowed-re-assignment',
          name ? `${ctxName} is readonly. Adding/Updating ${name} is not supported.` : `${ctxName} is readonly adding/modifying properties is not supported.`,
        );
      }
    });
  });
}
