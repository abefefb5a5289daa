/**
 * The only way the page puts content on screen: elements built one by one, text always as text
 * nodes. Nothing from a file, the server or config.json is ever parsed as HTML (a CSV cell such as
 * `<img src=x onerror=…>` must show as those characters).
 */

export type Child = Node | string | number | null | undefined | false;

/** Creates `<tag>` with attributes and children; strings and numbers become text nodes. */
export function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, value);
  append(node, ...children);
  return node;
}

/** Appends children (text as text nodes, falsy values skipped). */
export function append(parent: Node, ...children: Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    parent.appendChild(typeof c === 'string' || typeof c === 'number' ? document.createTextNode(String(c)) : c);
  }
}

/** Replaces an element's content with `children`. */
export function fill(parent: Element, ...children: Child[]): void {
  parent.replaceChildren();
  append(parent, ...children);
}

/** The element with `id`, typed; throws if the page lacks it (a broken build, not a user error). */
export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const node = document.getElementById(id);
  if (!node) throw new Error(`The page has no #${id}`);
  return node as T;
}

/** A `<dt>`/`<dd>` pair for a definition list. */
export function fact(term: string, ...value: Child[]): DocumentFragment {
  const f = document.createDocumentFragment();
  append(f, el('dt', {}, term), el('dd', {}, ...value));
  return f;
}

/** Shortens long cells for display (the report keeps them whole). */
export function clip(text: string, max = 80): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** 1234567 → "1,234,567"; bytes → "12.3 KB". */
export const number = (n: number): string => n.toLocaleString('en-US');
export function bytes(n: number): string {
  if (n < 1024) return `${n} bytes`;
  const units = ['KB', 'MB', 'GB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i += 1;
  }
  return `${v.toFixed(1)} ${units[i]}`;
}
