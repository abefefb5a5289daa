/**
 * A small streaming XML tokenizer for the parts of an .xlsx workbook (SpreadsheetML): text goes in
 * chunk by chunk, start tags, end tags and text come out through a handler. It checks what a
 * workbook needs checked — tags balanced and closed, attributes quoted, entities known — and
 * refuses DTDs (an .xlsx has none; refusing them rules out entity expansion). Names lose their
 * namespace prefix (`x:row` → `row`), as SpreadsheetML is read by local name.
 *
 * Chosen over a general SAX parser (saxes) for speed on the hot path, a sheet's cells: see
 * docs/ingestion.md, "Excel and JSON files".
 */

export class XmlError extends Error {
  override name = 'XmlError';
}

export interface XmlHandler {
  /** A start tag; `attrs` by local name, values decoded. A self-closing tag gets its `close` right after. */
  open(name: string, attrs: Record<string, string>, selfClosing: boolean): void;
  close(name: string): void;
  /** Character data between tags, still encoded (call `decodeXml` when you need it); CDATA comes decoded with `cdata`. */
  text(raw: string, cdata: boolean): void;
}

const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/** Decodes the five XML entities and character references; throws XmlError for any other. */
export function decodeXml(raw: string): string {
  if (!raw.includes('&')) return raw;
  return raw.replace(/&([^;&\s]{1,10});/g, (all, name: string) => {
    if (name.charCodeAt(0) === 35 /* # */) {
      const code = name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
      if (!Number.isFinite(code) || code < 0 || code > 0x10ffff) throw new XmlError(`bad character reference ${all}`);
      return String.fromCodePoint(code);
    }
    const value = ENTITIES[name];
    if (value === undefined) throw new XmlError(`unknown entity ${all}`);
    return value;
  });
}

const localName = (name: string) => {
  const colon = name.indexOf(':');
  return colon < 0 ? name : name.slice(colon + 1);
};

function parseAttrs(text: string): Record<string, string> {
  const attrs: Record<string, string> = {};
  const n = text.length;
  let i = 0;
  for (;;) {
    while (i < n && text.charCodeAt(i) <= 32) i++;
    if (i >= n) return attrs;
    const eq = text.indexOf('=', i);
    if (eq < 0) throw new XmlError(`malformed attributes "${text.slice(0, 80)}"`);
    const name = text.slice(i, eq).trim();
    let q = eq + 1;
    while (q < n && text.charCodeAt(q) <= 32) q++;
    const quote = text.charCodeAt(q);
    if (!name || (quote !== 34 && quote !== 39)) throw new XmlError(`malformed attributes "${text.slice(0, 80)}"`);
    const close = text.indexOf(quote === 34 ? '"' : "'", q + 1);
    if (close < 0) throw new XmlError(`malformed attributes "${text.slice(0, 80)}"`);
    const value = text.slice(q + 1, close);
    attrs[localName(name)] = value.includes('&') ? decodeXml(value) : value;
    i = close + 1;
    if (i < n && text.charCodeAt(i) > 32) throw new XmlError(`malformed attributes "${text.slice(0, 80)}"`);
  }
}

/** Where the tag starting at `from` (after its `<`) ends (the index of its `>`), skipping `>` inside quoted values; -1 when not in `buf` yet. */
function tagEnd(buf: string, from: number): number {
  let quote = 0;
  for (let i = from; i < buf.length; i++) {
    const c = buf.charCodeAt(i);
    if (quote) {
      if (c === quote) quote = 0;
    } else if (c === 62) return i;
    else if (c === 34 || c === 39) quote = c;
  }
  return -1;
}

/** Push-style tokenizer: `write` text chunks, then `end`. Throws XmlError for what is not well-formed. */
export class XmlTokenizer {
  private buf = '';
  private stack: string[] = [];
  private seenRoot = false;
  /** Characters of markup one tag may take before the document is refused (a `<` never closed). */
  private readonly maxTag = 1024 * 1024;

  constructor(private readonly handler: XmlHandler) {}

  write(chunk: string): void {
    this.buf = this.buf ? this.buf + chunk : chunk;
    this.run();
    if (this.buf.length > this.maxTag && this.buf.indexOf('<') === 0) throw new XmlError('a tag longer than 1 MiB, or a "<" that is never closed');
  }

  end(): void {
    this.run();
    const rest = this.buf;
    this.buf = '';
    if (rest.trim() !== '') {
      if (rest.includes('<')) throw new XmlError('the document ends inside a tag (is it cut short?)');
      if (this.stack.length) this.handler.text(rest, false);
    }
    if (this.stack.length) throw new XmlError(`the document ends before <${this.stack.at(-1)}> is closed (is it cut short?)`);
    if (!this.seenRoot) throw new XmlError('the document has no root element');
  }

  private run(): void {
    const buf = this.buf;
    const h = this.handler;
    let i = 0;
    for (;;) {
      const lt = buf.indexOf('<', i);
      if (lt < 0) {
        // Text up to the end; keep it whole when it may end inside an entity.
        const amp = buf.lastIndexOf('&');
        const cut = amp >= i && buf.indexOf(';', amp) < 0 ? amp : buf.length;
        if (cut > i) this.textOut(buf.slice(i, cut));
        i = cut;
        break;
      }
      if (lt > i) this.textOut(buf.slice(i, lt));
      i = lt;
      const next = buf.charCodeAt(lt + 1);
      if (next === 33 /* ! */) {
        if (buf.startsWith('<!--', lt)) {
          const close = buf.indexOf('-->', lt + 4);
          if (close < 0) break;
          i = close + 3;
        } else if (buf.startsWith('<![CDATA[', lt)) {
          const close = buf.indexOf(']]>', lt + 9);
          if (close < 0) break;
          if (!this.stack.length) throw new XmlError('character data outside the root element');
          h.text(buf.slice(lt + 9, close), true);
          i = close + 3;
        } else if (buf.length - lt < 9) {
          break;
        } else {
          throw new XmlError('a document type declaration (DTD), which a workbook never has');
        }
        continue;
      }
      if (next === 63 /* ? */) {
        const close = buf.indexOf('?>', lt + 2);
        if (close < 0) break;
        i = close + 2;
        continue;
      }
      if (Number.isNaN(next)) break;
      const gt = tagEnd(buf, lt + 1);
      if (gt < 0) break;
      i = gt + 1;
      if (next === 47 /* / */) {
        const name = localName(buf.slice(lt + 2, gt).trim());
        const open = this.stack.pop();
        if (open !== name) throw new XmlError(open ? `</${name}> where <${open}> should be closed` : `</${name}> closes nothing`);
        h.close(name);
        continue;
      }
      const selfClosing = buf.charCodeAt(gt - 1) === 47;
      const inner = buf.slice(lt + 1, selfClosing ? gt - 1 : gt);
      let space = 0;
      while (space < inner.length) {
        const c = inner.charCodeAt(space);
        if (c === 32 || c === 9 || c === 10 || c === 13) break;
        space++;
      }
      const name = localName(inner.slice(0, space));
      if (!name) throw new XmlError('a tag without a name');
      if (!this.stack.length) {
        if (this.seenRoot) throw new XmlError('content after the root element');
        this.seenRoot = true;
      }
      h.open(name, parseAttrs(inner.slice(space).trim()), selfClosing);
      if (selfClosing) h.close(name);
      else this.stack.push(name);
    }
    this.buf = i < buf.length ? buf.slice(i) : '';
  }

  private textOut(raw: string): void {
    if (!this.stack.length) {
      if (raw.trim() !== '') throw new XmlError(this.seenRoot ? 'text after the root element' : 'text before the root element');
      return;
    }
    this.handler.text(raw, false);
  }
}
