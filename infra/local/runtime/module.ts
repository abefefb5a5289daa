/**
 * Turns an APPSYNC_JS ES module into a plain function body that `node:vm` can compile, without
 * moving any line: imports become `const … = __require('…')` on the same lines, `export` keywords
 * are blanked, and the exported bindings are returned at the end. Error positions reported by V8
 * therefore match the bundle AppSync receives (`code.js:L:C`).
 */
import type { Program } from 'acorn';
import type { EsNode } from './restrictions';

export class UnsupportedModuleSyntaxError extends Error {
  override name = 'UnsupportedModuleSyntaxError';
}

interface Edit {
  start: number;
  end: number;
  text: string;
}

/** Keeps the original span's line breaks so later lines do not move. */
function sameLines(original: string, text: string): string {
  const breaks = original.split('\n').length - 1;
  return text + '\n'.repeat(breaks);
}

function blank(original: string): string {
  return original.replace(/[^\n]/g, ' ');
}

function nameOf(node: unknown): string {
  const n = node as { type: string; name?: string; value?: unknown };
  return n.type === 'Identifier' ? String(n.name) : String(n.value);
}

export interface ScriptModule {
  /** `(function (__require) { … return { exported: local, … }; })` — evaluates to a factory. */
  source: string;
  exportedNames: string[];
}

/**
 * @param program the module's AST from `parseModule(code)`
 * @example toScript(code, parseModule(code)).source // "(function (__require) {\"use strict\";\n…"
 */
export function toScript(code: string, program: Program): ScriptModule {
  const edits: Edit[] = [];
  const exported = new Map<string, string>(); // exported name → local expression
  const body = program.body as unknown as EsNode[];

  for (const node of body) {
    const original = code.slice(node.start, node.end);
    if (node.type === 'ImportDeclaration') {
      const source = JSON.stringify((node.source as { value: string }).value);
      const parts: string[] = [];
      const named: string[] = [];
      for (const spec of node.specifiers as EsNode[]) {
        const local = nameOf(spec.local);
        if (spec.type === 'ImportNamespaceSpecifier') parts.push(`${local} = __require(${source})`);
        else if (spec.type === 'ImportDefaultSpecifier') parts.push(`${local} = __require(${source}).default`);
        else {
          const imported = nameOf(spec.imported);
          named.push(imported === local ? local : `${JSON.stringify(imported)}: ${local}`);
        }
      }
      if (named.length > 0) parts.push(`{ ${named.join(', ')} } = __require(${source})`);
      const text = parts.length > 0 ? `const ${parts.join(', ')};` : `__require(${source});`;
      edits.push({ start: node.start, end: node.end, text: sameLines(original, text) });
    } else if (node.type === 'ExportNamedDeclaration') {
      const declaration = node.declaration as EsNode | null;
      if (declaration) {
        edits.push({ start: node.start, end: declaration.start, text: blank(code.slice(node.start, declaration.start)) });
        if (declaration.type === 'VariableDeclaration') {
          for (const d of declaration.declarations as EsNode[]) {
            if ((d.id as EsNode).type !== 'Identifier') throw new UnsupportedModuleSyntaxError('exported destructuring declarations are not supported');
            const name = nameOf(d.id);
            exported.set(name, name);
          }
        } else {
          const name = nameOf(declaration.id);
          exported.set(name, name);
        }
      } else if (node.source) {
        const source = JSON.stringify((node.source as { value: string }).value);
        for (const spec of node.specifiers as EsNode[]) {
          exported.set(nameOf(spec.exported), `__require(${source})[${JSON.stringify(nameOf(spec.local))}]`);
        }
        edits.push({ start: node.start, end: node.end, text: sameLines(original, '') });
      } else {
        for (const spec of node.specifiers as EsNode[]) exported.set(nameOf(spec.exported), nameOf(spec.local));
        edits.push({ start: node.start, end: node.end, text: sameLines(original, '') });
      }
    } else if (node.type === 'ExportDefaultDeclaration') {
      const declaration = node.declaration as EsNode;
      const named = (declaration.type === 'FunctionDeclaration' || declaration.type === 'ClassDeclaration') && declaration.id;
      if (named) {
        edits.push({ start: node.start, end: declaration.start, text: blank(code.slice(node.start, declaration.start)) });
        exported.set('default', nameOf(declaration.id));
      } else {
        edits.push({ start: node.start, end: declaration.start, text: 'const __default = ' });
        exported.set('default', '__default');
      }
    } else if (node.type === 'ExportAllDeclaration') {
      throw new UnsupportedModuleSyntaxError('export * is not supported in APPSYNC_JS bundles');
    }
  }

  let out = '';
  let at = 0;
  for (const edit of edits.sort((a, b) => a.start - b.start)) {
    out += code.slice(at, edit.start) + edit.text;
    at = edit.end;
  }
  out += code.slice(at);
  const returned = [...exported].map(([name, local]) => `${JSON.stringify(name)}: ${local}`).join(', ');
  // The wrapper sits on its own first line; the script is compiled with lineOffset -1.
  const source = `(function (__require) {"use strict";\n${out}\n;return { ${returned} };\n})`;
  return { source, exportedNames: [...exported.keys()] };
}
