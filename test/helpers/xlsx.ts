/**
 * Writes .xlsx workbooks for tests and benchmarks, part by part, so a test controls what Excel and
 * other writers vary: shared or inline strings, the order of the parts in the archive, cell
 * references present or not, styles (date formats), the 1904 date system, formulas with or without
 * saved values, merged ranges, hidden sheets. The XML is what Excel writes (ECMA-376 SpreadsheetML).
 */
import { readFileSync } from 'node:fs';
import { zipSync, type Zippable } from 'fflate';

/** A cell: text, a number, a boolean, empty (null), or a cell written as given. */
export type XCell = string | number | boolean | null | undefined | RawCell;

export interface RawCell {
  /** The `<v>` text (or the inline string for t=inlineStr). */
  v?: string | number;
  t?: 's' | 'n' | 'b' | 'e' | 'str' | 'inlineStr' | 'd';
  /** Style index (see STYLE). */
  s?: number;
  /** A formula (without `=`). */
  f?: string;
}

/** Cell styles the workbook's styles.xml defines (cellXfs indexes). */
export const STYLE = { general: 0, date: 1, dateTime: 2, isoDate: 3, time: 4, twoDecimals: 5 } as const;

export interface XSheet {
  name: string;
  rows: XCell[][];
  /** Row numbers of `rows` (default 1, 2, 3 …): gaps are empty rows. */
  rowNumbers?: number[];
  hidden?: boolean;
  /** Merged ranges, e.g. A1:C1. */
  merges?: string[];
  /** The sheet's whole XML instead of one built from `rows`. */
  xml?: string;
}

export interface XlsxOptions {
  /** Strings in the shared-string table (default) or inline. */
  sharedStrings?: boolean;
  /** Part order in the archive: `excel` (workbook, sheets, then shared strings) or `exceljs` (sheets first, workbook last). */
  order?: 'excel' | 'exceljs' | 'metadata-first';
  /** Leave out the `r` attributes of rows and cells. */
  omitRefs?: boolean;
  date1904?: boolean;
  /** Extra parts (path → content), e.g. a chart sheet. */
  extraParts?: Record<string, string>;
  /** Sheets listed in the workbook that are chart sheets (name → part). */
  chartSheets?: string[];
}

const escapeXml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** `0` → `A`. */
export function colName(index: number): string {
  let s = '';
  for (let n = index + 1; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s;
  return s;
}

/** The Excel serial (1900 system) of a `YYYY-MM-DD` date. */
export function excelSerial(date: string): number {
  const days = (Date.parse(`${date}T00:00:00Z`) - Date.UTC(1899, 11, 30)) / 86_400_000;
  return days < 61 ? days - 1 : days;
}

/** A date cell as Excel stores one: its serial, with a date format. */
export const dateCell = (date: string, s: number = STYLE.date): RawCell => ({ v: excelSerial(date), s });

const STYLES = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><numFmts count="2"><numFmt numFmtId="164" formatCode="yyyy\\-mm\\-dd;@"/><numFmt numFmtId="165" formatCode="0.00"/></numFmts><fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts><fills count="1"><fill><patternFill patternType="none"/></fill></fills><borders count="1"><border/></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="6"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/><xf numFmtId="14" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/><xf numFmtId="22" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/><xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/><xf numFmtId="21" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/><xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs></styleSheet>`;

/** The sheet XML of `sheet`, adding its strings to `strings` when they are shared. */
export function sheetXml(sheet: XSheet, strings: Map<string, number> | null, omitRefs = false): string {
  const out: string[] = ['<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheetData>'];
  sheet.rows.forEach((cells, i) => {
    const r = sheet.rowNumbers?.[i] ?? i + 1;
    out.push(omitRefs ? '<row>' : `<row r="${r}">`);
    cells.forEach((cell, c) => {
      if (cell === null || cell === undefined) return;
      const ref = omitRefs ? '' : ` r="${colName(c)}${r}"`;
      if (typeof cell === 'string') {
        if (strings) {
          let idx = strings.get(cell);
          if (idx === undefined) strings.set(cell, (idx = strings.size));
          out.push(`<c${ref} t="s"><v>${idx}</v></c>`);
        } else out.push(`<c${ref} t="inlineStr"><is><t xml:space="preserve">${escapeXml(cell)}</t></is></c>`);
      } else if (typeof cell === 'number') out.push(`<c${ref}><v>${cell}</v></c>`);
      else if (typeof cell === 'boolean') out.push(`<c${ref} t="b"><v>${cell ? 1 : 0}</v></c>`);
      else {
        const t = cell.t && cell.t !== 'n' ? ` t="${cell.t}"` : '';
        const s = cell.s ? ` s="${cell.s}"` : '';
        const f = cell.f !== undefined ? `<f>${escapeXml(cell.f)}</f>` : '';
        const v = cell.v === undefined ? '' : cell.t === 'inlineStr' ? `<is><t>${escapeXml(String(cell.v))}</t></is>` : `<v>${escapeXml(String(cell.v))}</v>`;
        out.push(`<c${ref}${t}${s}>${f}${v}</c>`);
      }
    });
    out.push('</row>');
  });
  out.push('</sheetData>');
  if (sheet.merges?.length) out.push(`<mergeCells count="${sheet.merges.length}">${sheet.merges.map((m) => `<mergeCell ref="${m}"/>`).join('')}</mergeCells>`);
  out.push('</worksheet>');
  return out.join('');
}

/** An .xlsx workbook of `sheets` (bytes). */
export function writeXlsx(sheets: XSheet[], options: XlsxOptions = {}): Uint8Array {
  const strings = options.sharedStrings === false ? null : new Map<string, number>();
  const sheetParts: [string, string][] = sheets.map((s, i) => [`xl/worksheets/sheet${i + 1}.xml`, s.xml ?? sheetXml(s, strings, options.omitRefs)]);
  const charts = options.chartSheets ?? [];
  const allSheets = [...sheets.map((s, i) => ({ name: s.name, hidden: s.hidden, rel: `rId${i + 1}`, type: 'worksheet', target: `worksheets/sheet${i + 1}.xml` })), ...charts.map((name, i) => ({ name, hidden: false, rel: `rIdC${i + 1}`, type: 'chartsheet', target: `chartsheets/sheet${i + 1}.xml` }))];
  const workbook = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><workbookPr${options.date1904 ? ' date1904="1"' : ''}/><sheets>${allSheets
    .map((s, i) => `<sheet name="${escapeXml(s.name)}" sheetId="${i + 1}"${s.hidden ? ' state="hidden"' : ''} r:id="${s.rel}"/>`)
    .join('')}</sheets></workbook>`;
  const rels = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">${allSheets
    .map((s) => `<Relationship Id="${s.rel}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/${s.type}" Target="${s.target}"/>`)
    .join('')}<Relationship Id="rIdS" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>${
    strings ? '<Relationship Id="rIdT" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>' : ''
  }</Relationships>`;
  const contentTypes = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>`;
  const rootRels = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`;
  const shared = strings
    ? `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="${strings.size}" uniqueCount="${strings.size}">${[...strings.keys()].map((s) => `<si><t xml:space="preserve">${escapeXml(s)}</t></si>`).join('')}</sst>`
    : null;
  const meta: [string, string][] = [
    ['[Content_Types].xml', contentTypes],
    ['_rels/.rels', rootRels],
    ['xl/workbook.xml', workbook],
    ['xl/_rels/workbook.xml.rels', rels],
  ];
  const tail: [string, string][] = [['xl/styles.xml', STYLES], ...(shared ? ([['xl/sharedStrings.xml', shared]] as [string, string][]) : []), ...Object.entries(options.extraParts ?? {})];
  const order = options.order ?? 'excel';
  const parts = order === 'exceljs' ? [...sheetParts, ...tail, ...meta] : order === 'metadata-first' ? [...meta, ...tail, ...sheetParts] : [...meta, ...sheetParts, ...tail];
  const zippable: Zippable = {};
  for (const [path, text] of parts) zippable[path] = new TextEncoder().encode(text);
  return zipSync(zippable, { level: 6 });
}

/** The rows of a CSV file with simple cells (no quotes), header first. */
export function csvRows(path: string): string[][] {
  return readFileSync(path, 'utf8')
    .split(/\r?\n/)
    .filter((l) => l !== '')
    .map((l) => l.split(','));
}

/**
 * An OLE2 compound file (what Office wraps an encrypted workbook in, and what an .xls is) holding
 * `streams` (name → bytes, each ≥ 4,096 bytes so no mini stream is needed), version 3, 512-byte
 * sectors (MS-CFB). An encrypted workbook's streams are `EncryptionInfo` and `EncryptedPackage`.
 */
export function writeCompoundFile(streams: Record<string, Uint8Array>): Uint8Array {
  const SECTOR = 512;
  const entries = Object.entries(streams);
  const sectorsOf = (n: number) => Math.ceil(n / SECTOR);
  const dataSectors = entries.reduce((n, [, b]) => n + sectorsOf(b.byteLength), 0);
  const dirSectors = sectorsOf((entries.length + 1) * 128);
  const fatSectors = Math.ceil((1 + dirSectors + dataSectors + 1) / (SECTOR / 4));
  const total = fatSectors + dirSectors + dataSectors;
  const out = new Uint8Array(SECTOR * (1 + total));
  const view = new DataView(out.buffer);
  // Header.
  out.set([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);
  view.setUint16(0x18, 0x003e, true);
  view.setUint16(0x1a, 3, true);
  view.setUint16(0x1c, 0xfffe, true);
  view.setUint16(0x1e, 9, true);
  view.setUint16(0x20, 6, true);
  view.setUint32(0x2c, fatSectors, true);
  view.setUint32(0x30, fatSectors, true); // first directory sector
  view.setUint32(0x38, 4096, true);
  view.setUint32(0x3c, 0xfffffffe, true); // no mini FAT
  view.setUint32(0x44, 0xfffffffe, true); // no DIFAT sectors
  for (let i = 0; i < 109; i++) view.setUint32(0x4c + i * 4, i < fatSectors ? i : 0xffffffff, true);
  const sectorAt = (n: number) => SECTOR * (1 + n);
  // FAT: FAT sectors, the directory chain, each stream's chain.
  const fat = (n: number, next: number) => view.setUint32(sectorAt(Math.floor(n / 128)) + (n % 128) * 4, next, true);
  for (let i = 0; i < fatSectors * 128; i++) fat(i, 0xffffffff);
  for (let i = 0; i < fatSectors; i++) fat(i, 0xfffffffd);
  let next = fatSectors;
  const chain = (count: number) => {
    const first = next;
    for (let i = 0; i < count; i++) fat(next + i, i === count - 1 ? 0xfffffffe : next + i + 1);
    next += count;
    return first;
  };
  const dirStart = chain(dirSectors);
  const entry = (index: number, name: string, type: number, start: number, size: number, child = 0xffffffff, right = 0xffffffff) => {
    const at = sectorAt(dirStart) + index * 128;
    for (let i = 0; i < name.length; i++) view.setUint16(at + i * 2, name.charCodeAt(i), true);
    view.setUint16(at + 0x40, (name.length + 1) * 2, true);
    out[at + 0x42] = type;
    out[at + 0x43] = 1; // black
    view.setUint32(at + 0x44, 0xffffffff, true);
    view.setUint32(at + 0x48, right, true);
    view.setUint32(at + 0x4c, child, true);
    view.setUint32(at + 0x74, start, true);
    view.setUint32(at + 0x78, size, true);
  };
  entry(0, 'Root Entry', 5, 0xfffffffe, 0, entries.length ? 1 : 0xffffffff);
  entries.forEach(([name, bytes], i) => {
    const start = chain(sectorsOf(bytes.byteLength));
    out.set(bytes, sectorAt(start));
    entry(i + 1, name, 2, start, bytes.byteLength, 0xffffffff, i + 1 < entries.length ? i + 2 : 0xffffffff);
  });
  return out;
}
