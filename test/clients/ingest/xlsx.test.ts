import { describe, expect, it } from 'vitest';
import { FileChangedError, FileProblemError } from '../../../clients/ingest/errors';
import { mapRow } from '../../../clients/ingest/engine';
import { mapColumns, modelByKey } from '../../../clients/ingest/models';
import { nodeSha256 } from '../../../clients/ingest/node';
import { plainNumber, serialDate } from '../../../clients/ingest/numbers';
import { readRecords, type CsvRecord, type FileFormat } from '../../../clients/ingest/reader';
import { columnIndex, columnName } from '../../../clients/ingest/xlsx';
import { bytesSource } from './fakeServer';
import { STYLE, csvRows, dateCell, writeCompoundFile, writeXlsx, type XCell, type XSheet } from '../../helpers/xlsx';

async function read(bytes: Uint8Array, options: { sheet?: string; chunk?: number; fileName?: string; maxRecordChars?: number } = {}) {
  let format: FileFormat | undefined;
  const records: CsvRecord[] = [];
  const hasher = nodeSha256();
  for await (const r of readRecords(bytesSource(bytes, options.chunk ?? 64 * 1024), {
    fileName: options.fileName ?? 'book.xlsx',
    sheet: options.sheet,
    hasher,
    createHasher: nodeSha256,
    maxRecordChars: options.maxRecordChars,
    onFormat: (f) => (format = f),
  })) {
    records.push(r);
  }
  return { records, format: format!, sha256: hasher.digest() };
}

async function problem(bytes: Uint8Array, options: Parameters<typeof read>[1] = {}): Promise<FileProblemError> {
  const error = await read(bytes, options).then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(FileProblemError);
  return error as FileProblemError;
}

const sample = csvRows('samples/customers_valid.csv');
/** The sample as a sheet: text cells, the signup dates as Excel date cells. */
const sampleSheet = (): XSheet => ({ name: 'Customers', rows: sample.map((row, i) => (i === 0 ? row : row.map((cell, c) => (c === 5 && cell ? dateCell(cell) : cell || null)))) });

describe('readRecords on .xlsx workbooks', () => {
  it('reads the customers sample as its CSV reads, whatever the part order, string storage, cell references and chunking', async () => {
    for (const order of ['excel', 'exceljs', 'metadata-first'] as const) {
      for (const sharedStrings of [true, false]) {
        for (const omitRefs of [false, true]) {
          const bytes = writeXlsx([sampleSheet()], { order, sharedStrings, omitRefs });
          for (const chunk of [1 << 20, 1000, 7]) {
            const { records, format } = await read(bytes, { chunk });
            const label = `${order}, ${sharedStrings ? 'shared' : 'inline'} strings${omitRefs ? ', no refs' : ''}, chunks of ${chunk}`;
            // Cells the sample leaves empty are absent from the sheet; rows are padded to the header's width.
            expect(records.map((r) => r.cells), label).toEqual(sample);
            expect(records.map((r) => r.row)).toEqual(sample.map((_, i) => i + 1));
            expect(format).toEqual({ kind: 'xlsx', encoding: 'utf-8', bom: false, delimiter: ',', sheet: { name: 'Customers', number: 1, names: ['Customers'] } });
          }
        }
      }
    }
  });

  it('hashes every byte of the file, the same for any chunking', async () => {
    const bytes = writeXlsx([sampleSheet()]);
    const a = await read(bytes, { chunk: 13 });
    const b = await read(bytes, { chunk: 1 << 20 });
    const { createHash } = await import('node:crypto');
    expect(a.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
    expect(b.sha256).toBe(a.sha256);
  });

  it('turns numbers into plain decimals and dates into YYYY-MM-DD, as the cell formats show them', async () => {
    const row: XCell[] = [
      { v: '0.30000000000000004' },
      { v: '1E-3' },
      { v: '1.2345E+21' },
      { v: '-0' },
      { v: 45292, s: STYLE.date },
      { v: 45292.75, s: STYLE.dateTime },
      { v: 45292, s: STYLE.isoDate },
      { v: 0.5, s: STYLE.time },
      { v: 3.14159, s: STYLE.twoDecimals },
      true,
      false,
      { v: '2024-03-05T00:00:00Z', t: 'd' },
      { v: 60, s: STYLE.date },
    ];
    const { records } = await read(writeXlsx([{ name: 'S', rows: [row.map((_, i) => `c${i}`), row] }]));
    // A number format other than a date's keeps the full number (Excel's CSV would round 3.14159 to 3.14).
    expect(records[1]!.cells).toEqual(['0.3', '0.001', '1234500000000000000000', '0', '2024-01-01', '2024-01-01 18:00:00', '2024-01-01', '12:00:00', '3.14159', 'TRUE', 'FALSE', '2024-03-05', '1900-02-29']);
    expect(records[1]!.serials![4]).toBe(45292);
  });

  it('reads dates of the 1904 date system as the same calendar days', async () => {
    const { records } = await read(writeXlsx([{ name: 'S', rows: [['d'], [{ v: 45292 - 1462, s: STYLE.date }]] }], { date1904: true }));
    expect(records[1]!.cells).toEqual(['2024-01-01']);
    expect(records[1]!.serials![0]).toBe(45292);
  });

  it('gives a date column YYYY-MM-DD from a serial the sheet shows as a number, and keeps text dates as they are', async () => {
    const customer = modelByKey('customer')!;
    const headers = ['email', 'name', 'signup_date', 'notes'];
    const mapping = mapColumns(customer, headers);
    const { records } = await read(
      writeXlsx([
        {
          name: 'S',
          rows: [headers, ['a@x.example', 'Ann', 45292, 45292], ['b@x.example', 'Bob', '2023-02-01', 'x'], ['c@x.example', 'Cy', { v: 45292.99, s: STYLE.dateTime }, null], ['d@x.example', 'Di', 99999999, null]],
        },
      ]),
    );
    const mapped = records.slice(1).map((r) => mapRow(mapping, r.row, r.cells, r));
    // The date column gets the day; the notes column (text) keeps the number as the sheet shows it.
    expect(mapped[0]!.input).toMatchObject({ signupDate: '2024-01-01', notes: '45292' });
    expect(mapped[1]!.input).toMatchObject({ signupDate: '2023-02-01' });
    expect(mapped[2]!.input).toMatchObject({ signupDate: '2024-01-01' });
    // A number beyond Excel's last day (9999-12-31) is no date: the validator says so.
    expect(mapped[3]!.input).toMatchObject({ signupDate: '99999999' });
    expect(mapped[3]!.errors.map((e) => [e.field, e.code])).toEqual([['signupDate', 'FORMAT']]);
    expect(mapped.slice(0, 3).every((m) => m.errors.length === 0)).toBe(true);
  });

  it('reads rich text, phonetic guides, escapes and entities in shared strings', async () => {
    const sst = `<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>email</t></si><si><r><rPr><b/></rPr><t>Ann </t></r><r><t xml:space="preserve">&amp; Bob &lt;3</t></r><rPh sb="0" eb="1"><t>ignored</t></rPh></si><si><t>line_x000D_break &#x263A;</t></si></sst>`;
    const sheet = `<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>0</v></c></row><row r="2"><c r="A2" t="s"><v>1</v></c><c r="B2" t="s"><v>2</v></c></row></sheetData></worksheet>`;
    const bytes = writeXlsx([{ name: 'S', rows: [], xml: sheet }], { sharedStrings: false, extraParts: { 'xl/sharedStrings.xml': sst } });
    const { records } = await read(bytes);
    expect(records[1]!.cells).toEqual(['Ann & Bob <3', 'line\rbreak ☺']);
  });

  it('reads a sheet whose XML uses a namespace prefix and a byte-order mark', async () => {
    const sheet = `\ufeff<?xml version="1.0"?><x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><x:sheetData><x:row r="1"><x:c r="A1" t="inlineStr"><x:is><x:t>email</x:t></x:is></x:c></x:row><x:row r="3"><x:c r="A3" t="inlineStr"><x:is><x:t><![CDATA[a&b@x.example]]></x:t></x:is></x:c></x:row></x:sheetData></x:worksheet>`;
    const { records } = await read(writeXlsx([{ name: 'S', rows: [], xml: sheet }]));
    expect(records).toEqual([
      { row: 1, cells: ['email'] },
      { row: 3, cells: ['a&b@x.example'] },
    ]);
  });

  it('takes a formula’s saved value, and makes an error value or a formula saved without one a problem of its cell', async () => {
    const rows: XCell[][] = [
      ['a', 'b', 'c', 'd'],
      [{ v: 2, f: 'A1*2' }, { v: 'hi', t: 'str', f: 'LOWER("HI")' }, { v: '#DIV/0!', t: 'e', f: '1/0' }, { f: 'SUM(A1:A3)' }],
    ];
    const { records } = await read(writeXlsx([{ name: 'S', rows }]));
    expect(records[1]!.cells).toEqual(['2', 'hi', '#DIV/0!', '']);
    expect(records[1]!.problems).toEqual([
      { column: 2, code: 'CELL_ERROR', message: 'cell C2 holds the error value #DIV/0! (its formula =1/0 failed): fix or clear the cell' },
      {
        column: 3,
        code: 'NO_CACHED_VALUE',
        message: 'cell D2 holds the formula =SUM(A1:A3) without a saved value (the file was written by a program that does not calculate): open it in Excel and save it, so the values are calculated',
      },
    ]);
  });

  it('reads merged cells as Excel’s CSV export does: the value in the first cell, the others empty', async () => {
    const rows: XCell[][] = [
      ['email', 'name', 'company'],
      ['a@x.example', 'Ann', 'Contoso'],
      ['b@x.example', 'Bob', null],
    ];
    const { records } = await read(writeXlsx([{ name: 'S', rows, merges: ['C2:C3', 'A1:A1'] }]));
    expect(records.map((r) => r.cells)).toEqual([
      ['email', 'name', 'company'],
      ['a@x.example', 'Ann', 'Contoso'],
      ['b@x.example', 'Bob', ''],
    ]);
  });

  it('reads the first visible worksheet, or the one --sheet names by name (any case) or number', async () => {
    const book = writeXlsx(
      [
        { name: 'Lookup', rows: [['hidden']], hidden: true },
        { name: 'Customers', rows: [['email'], ['a@x.example']] },
        { name: 'Projects 2024', rows: [['name'], ['Apollo']] },
      ],
      { chartSheets: ['Chart'] },
    );
    expect((await read(book)).records[0]!.cells).toEqual(['email']);
    expect((await read(book, { sheet: 'projects 2024' })).format.sheet).toEqual({ name: 'Projects 2024', number: 3, names: ['Lookup', 'Customers', 'Projects 2024', 'Chart'] });
    expect((await read(book, { sheet: '1' })).records[0]!.cells).toEqual(['hidden']);
    const missing = await problem(book, { sheet: 'Invoices' });
    expect(missing.code).toBe('NO_SUCH_SHEET');
    expect(missing.message).toBe(
      'book.xlsx: the workbook has no sheet "Invoices". Its sheets are: 1 "Lookup" (hidden), 2 "Customers", 3 "Projects 2024", 4 "Chart" (a chart). Pass --sheet with one of these names or numbers.',
    );
    expect((await problem(book, { sheet: '9' })).code).toBe('NO_SUCH_SHEET');
    const chart = await problem(book, { sheet: 'chart' });
    expect(chart.message).toContain('sheet "Chart" is a chart, which holds no cells');
  });

  it('refuses a password-protected workbook and an Excel 97–2003 one, saying what to do', async () => {
    const fill = (n: number, b: number) => new Uint8Array(n).fill(b);
    const encrypted = await problem(writeCompoundFile({ EncryptionInfo: fill(4096, 4), EncryptedPackage: fill(8192, 7) }));
    expect(encrypted.code).toBe('ENCRYPTED');
    expect(encrypted.message).toMatch(/^book\.xlsx: the workbook is password-protected \(encrypted\).*remove the password/);
    // Under any name: the bytes decide.
    expect((await problem(writeCompoundFile({ EncryptionInfo: fill(4096, 4), EncryptedPackage: fill(8192, 7) }), { fileName: 'data.csv' })).code).toBe('ENCRYPTED');
    const xls = await problem(writeCompoundFile({ Workbook: fill(4096, 9) }), { fileName: 'old.xls' });
    expect(xls.code).toBe('UNSUPPORTED_FORMAT');
    expect(xls.message).toContain('an Excel 97–2003 workbook (.xls)');
  });

  it('refuses damaged workbooks: cut short, a flipped byte, not a ZIP, a ZIP of something else, bad XML', async () => {
    const good = writeXlsx([sampleSheet()]);
    const cut = await problem(good.subarray(0, good.byteLength - 40));
    expect(cut.code).toBe('MALFORMED');
    expect(cut.message).toContain('cut short or damaged');
    // A byte in the middle of the sheet's compressed data.
    const flipped = good.slice();
    const at = Buffer.from(good).indexOf('xl/worksheets/sheet1.xml') + 200;
    flipped[at] = flipped[at]! ^ 0x55;
    const damaged = await problem(flipped);
    expect(damaged.code).toBe('MALFORMED');
    expect(damaged.message).toMatch(/^book\.xlsx: the workbook is damaged: xl\/worksheets\/sheet1\.xml is damaged \(.*\)\. Open it in Excel/);
    const text = await problem(new TextEncoder().encode('email,name\na@x.example,Ann\n'));
    expect(text.message).toContain('this is not an Excel workbook');
    const { zipSync } = await import('fflate');
    const docx = await problem(zipSync({ 'word/document.xml': new TextEncoder().encode('<w/>') }), { fileName: 'notes.docx' });
    expect(docx.code).toBe('UNSUPPORTED_FORMAT');
    expect(docx.message).toContain('this is a Word document, not a workbook');
    const ods = await problem(zipSync({ mimetype: new TextEncoder().encode('application/vnd.oasis.opendocument.spreadsheet'), 'content.xml': new TextEncoder().encode('<x/>') }), { fileName: 'a.ods' });
    expect(ods.message).toContain('OpenDocument spreadsheet (.ods)');
    const badXml = await problem(writeXlsx([{ name: 'S', rows: [], xml: '<worksheet><sheetData><row r="1"><c r="A1"><v>1</v></row></sheetData></worksheet>' }]));
    expect(badXml.message).toBe('book.xlsx: the workbook is damaged: S is not well-formed XML (</row> where <c> should be closed). Open it in Excel, save it again and try again.');
    const dtd = await problem(writeXlsx([{ name: 'S', rows: [], xml: '<!DOCTYPE x [<!ENTITY a "b">]><worksheet/>' }]));
    expect(dtd.message).toContain('a document type declaration (DTD)');
  });

  it('refuses a workbook without sheets and says a sheet is empty', async () => {
    const none = await problem(writeXlsx([]));
    expect(none.code).toBe('EMPTY');
    expect(none.message).toBe('book.xlsx: the workbook has no sheets. Nothing to ingest.');
    // An empty sheet reads as no records; the engine says "sheet … is empty" (engine tests).
    expect((await read(writeXlsx([{ name: 'Empty', rows: [] }, { name: 'Data', rows: [['a']] }]))).records).toEqual([]);
  });

  it('pads rows to the header’s width and makes a value beyond it a problem of its row', async () => {
    const { records } = await read(writeXlsx([{ name: 'S', rows: [[null, 'email', 'name'], [null, 'a@x.example'], [null, 'b@x.example', 'Bob', null, 'stray'], [null, 'c@x.example', 'Cy', '']] }]));
    expect(records.map((r) => r.cells)).toEqual([
      ['', 'email', 'name'],
      ['', 'a@x.example', ''],
      ['', 'b@x.example', 'Bob'],
      ['', 'c@x.example', 'Cy'],
    ]);
    expect(records[2]!.problems).toEqual([{ column: null, code: 'COLUMN_COUNT', message: 'cell E3 holds a value, but the header row (row 1) has only 3 columns (A–C): give the column a header or clear the cell' }]);
    expect(records[3]!.problems).toBeUndefined();
  });

  it('refuses a row longer than the limit, however the cell is stored', async () => {
    const big = 'x'.repeat(3000);
    for (const sharedStrings of [true, false]) {
      const error = await problem(writeXlsx([{ name: 'S', rows: [['a', 'b'], ['ok', 'fine'], [big, 'x']] }], { sharedStrings }), { maxRecordChars: 2000 });
      expect(error.code).toBe('RECORD_TOO_LARGE');
      expect(error.message).toBe('book.xlsx: row 3 of sheet "S" holds more than 2,000 characters (2 KiB), the most one row may hold, so the file cannot be ingested. Shorten or split the long cell.');
    }
  });

  it('stops with FileChangedError when the bytes change between its passes', async () => {
    const a = writeXlsx([sampleSheet()]);
    const b = writeXlsx([{ ...sampleSheet(), name: 'Other' }]);
    let opened = 0;
    const source = () => bytesSource(opened++ === 0 ? a : b, 4096)();
    const error = await (async () => {
      for await (const _ of readRecords(source, { fileName: 'book.xlsx', createHasher: nodeSha256 })) void _;
    })().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FileChangedError);
  });
});

describe('numbers from spreadsheets', () => {
  it('prints plain decimals, 15 significant digits at most', () => {
    expect([0.1 + 0.2, 1e21, 1.5e-7, -2.5, 123456789012345678, 9007199254740991, -0, 100, 1 / 3].map(plainNumber)).toEqual([
      '0.3',
      '1000000000000000000000',
      '0.00000015',
      '-2.5',
      '123456789012346000',
      '9007199254740991',
      '0',
      '100',
      '0.333333333333333',
    ]);
  });

  it('counts serial dates as Excel does, its 1900-02-29 included', () => {
    expect([1, 59, 60, 61, 45292, 45292.9999, 2958465, 0, 2958466].map(serialDate)).toEqual(['1900-01-01', '1900-02-28', '1900-02-29', '1900-03-01', '2024-01-01', '2024-01-01', '9999-12-31', null, null]);
  });

  it('names columns as Excel does', () => {
    expect(['A1', 'Z9', 'AA10', 'XFD1', 'a1'].map(columnIndex)).toEqual([0, 25, 26, 16383, 0]);
    expect([0, 25, 26, 16383].map(columnName)).toEqual(['A', 'Z', 'AA', 'XFD']);
  });
});
