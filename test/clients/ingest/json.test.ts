import { describe, expect, it } from 'vitest';
import { FileProblemError } from '../../../clients/ingest/errors';
import { detectKind, readRecords, type CsvRecord, type FileFormat } from '../../../clients/ingest/reader';
import { bytesSource } from './fakeServer';

async function read(text: string | Uint8Array, options: { fileName?: string; chunk?: number; maxRecordChars?: number } = {}) {
  let format: FileFormat | undefined;
  let lastRow = -1;
  const records: CsvRecord[] = [];
  for await (const r of readRecords(bytesSource(text, options.chunk ?? 1 << 20), { fileName: options.fileName ?? 'rows.json', maxRecordChars: options.maxRecordChars, onFormat: (f) => (format = f), onEnd: (n) => (lastRow = n) })) {
    records.push(r);
  }
  return { records, format: format!, lastRow };
}

async function problem(text: string | Uint8Array, options: Parameters<typeof read>[1] = {}): Promise<FileProblemError> {
  const error = await read(text, options).then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(FileProblemError);
  return error as FileProblemError;
}

const ARRAY = `[
  {"email": "ann@x.example", "name": "Ann", "age": 41},
  {"email": "bob@x.example", "name": "Bob \\"B\\" [x] {y}", "vip": true, "notes": null},
  {"name": "Cy, Jr.", "email": "cy@x.example", "age": 1.5e-7}
]`;

describe('readRecords on JSON arrays', () => {
  it('reads an array of objects: the keys (in order of appearance) are the columns, rows count from 1', async () => {
    for (const chunk of [1, 2, 5, 1 << 20]) {
      const { records, format, lastRow } = await read(ARRAY, { chunk });
      expect(records, `chunks of ${chunk}`).toEqual([
        { row: 0, cells: ['email', 'name', 'age', 'vip', 'notes'] },
        { row: 1, cells: ['ann@x.example', 'Ann', '41', '', ''] },
        { row: 2, cells: ['bob@x.example', 'Bob "B" [x] {y}', '', 'true', ''] },
        { row: 3, cells: ['cy@x.example', 'Cy, Jr.', '0.00000015', '', ''] },
      ]);
      expect(format).toEqual({ kind: 'json', encoding: 'utf-8', bom: false, delimiter: ',' });
      expect(lastRow).toBe(3);
    }
  });

  it('skips a UTF-8 byte-order mark', async () => {
    const { records, format } = await read(`\ufeff[{"email":"a@x.example"}]`);
    expect(records[1]!.cells).toEqual(['a@x.example']);
    expect(format.bom).toBe(true);
  });

  it('makes nested values, keys outside the columns and numbers too long for JSON problems of their row', async () => {
    const objects = [{ email: 'a@x.example', address: 'ok' }, { email: 'b@x.example', address: { city: 'Paris' } }, { email: 'c@x.example', address: ['x'] }, { email: 'd@x.example', phone: '+1 555' }, { email: 'e@x.example', address: 12345678901234567890 }];
    const { records } = await read(JSON.stringify(objects));
    expect(records[0]!.cells).toEqual(['email', 'address', 'phone']);
    expect(records.slice(1).map((r) => r.problems ?? [])).toEqual([
      [],
      [{ column: 1, code: 'NESTED_VALUE', message: 'key "address" holds an object; Foreman reads flat values only (text, numbers, true/false, null). Flatten it (e.g. "address_…": …) or leave it out' }],
      [{ column: 1, code: 'NESTED_VALUE', message: 'key "address" holds an array; Foreman reads flat values only (text, numbers, true/false, null). Flatten it (e.g. "address_…": …) or leave it out' }],
      [],
      [{ column: 1, code: 'NUMBER_TOO_LONG', message: 'key "address" holds a number with more digits than a JSON number keeps exactly (12345678901234600000); write it as a string ("…")' }],
    ]);
  });

  it('takes the columns from the first 1,000 objects; a key first seen later is a problem of its row', async () => {
    const objects = Array.from({ length: 1001 }, (_, i) => (i === 1000 ? { email: `u${i}@x.example`, phone: '+1 555 000' } : { email: `u${i}@x.example` }));
    const { records } = await read(JSON.stringify(objects), { chunk: 4096 });
    expect(records[0]!.cells).toEqual(['email']);
    expect(records.at(-1)).toEqual({
      row: 1001,
      cells: ['u1000@x.example'],
      problems: [{ column: null, code: 'UNKNOWN_KEY', message: 'key "phone" is not one of the columns (the keys of the first 1,000 objects), so its value would be lost. Give the key to one of the first objects (null will do), or leave it out' }],
    });
  });

  it('makes an element that is not an object a problem of its row', async () => {
    const { records } = await read('[{"email":"a@x.example"}, "text", 5, null, [1]]');
    expect(records.slice(2).map((r) => [r.row, r.problems![0]!.message])).toEqual([
      [2, 'object 2 is a string, not an object ({"column": value, …})'],
      [3, 'object 3 is a number, not an object ({"column": value, …})'],
      [4, 'object 4 is null, not an object ({"column": value, …})'],
      [5, 'object 5 is an array, not an object ({"column": value, …})'],
    ]);
  });

  it('refuses a JSON object that is not an array, saying what Foreman reads', async () => {
    const error = await problem('{\n  "customers": [{"email": "a@x.example"}]\n}');
    expect(error.code).toBe('NOT_AN_ARRAY');
    expect(error.message).toBe(
      'rows.json: the file holds a JSON object, not an array of objects. Foreman reads [{"email": "…", "name": "…"}, …], or one object per line (NDJSON, .ndjson). If the rows sit under a key ({"customers": [ … ]}), save that array on its own and try again.',
    );
  });

  it('refuses broken arrays with the object and line where they break', async () => {
    const cases: [string, string][] = [
      ['[{"a":1},\n{"a":2},\n]', 'rows.json: this is not valid JSON: a comma before the closing "]" (line 3): remove it. A .json file must hold one array of objects: [{"email": "…", "name": "…"}, …].'],
      ['[{"a":1}] x', 'there is more after the array\'s closing "]" (line 1)'],
      ['[{"a":1},\n{"a":2', 'the file ends before the array is closed with "]" (is it cut short?)'],
      ['[{"a":"open', 'the file ends inside a string of object 1 of the array (line 1) (is it cut short?)'],
      ['[{"a":1}\n {"a":2}]', 'object 1 of the array (line 1): '],
      ['[{"a":1},\n\n {"a":tru}]', 'object 2 of the array (line 3): '],
      ['email,name\n', 'it starts with "e" where "[" should open the array'],
    ];
    for (const [text, expected] of cases) {
      const error = await problem(text);
      expect(error.code, text).toBe('MALFORMED');
      expect(error.message, text).toContain(expected);
    }
  });

  it('refuses an empty array, objects without keys, an empty file', async () => {
    expect((await problem('[]')).message).toBe('rows.json: the array is empty: there are no objects. Nothing to ingest.');
    expect((await problem('[{}, {}]')).message).toBe('rows.json: the objects have no keys. Nothing to ingest.');
    expect((await problem('')).code).toBe('EMPTY');
  });

  it('refuses an element longer than the limit, and JSON that is not UTF-8', async () => {
    const big = await problem(`[{"a":"x"},{"a":"${'y'.repeat(5000)}"}]`, { maxRecordChars: 4096, chunk: 1000 });
    expect(big.code).toBe('RECORD_TOO_LARGE');
    expect(big.message).toBe('rows.json: object 2 of the array (line 1) is longer than 4,096 bytes (0 MiB), the most one row may hold, so the file cannot be ingested. Shorten or split the long value, or look for a string that is never closed.');
    const utf16 = new Uint8Array([0xff, 0xfe, ...Array.from('[{"a":1}]').flatMap((c) => [c.charCodeAt(0), 0])]);
    expect((await problem(utf16)).code).toBe('UNSUPPORTED_FORMAT');
    const latin1 = await problem(new Uint8Array([...new TextEncoder().encode('[{"a":"caf'), 0xe9, ...new TextEncoder().encode('"}]')]));
    expect(latin1.code).toBe('UNSUPPORTED_FORMAT');
  });
});

describe('readRecords on NDJSON', () => {
  const NDJSON = '{"email":"a@x.example","name":"Ann"}\r\n\n{"email":"b@x.example","name":"Bob"}\n{"email":"c@x.example",\n{"email":"d@x.example","name":"Di"}\n';

  it('reads one object per line: rows are line numbers, blank lines skipped, a broken line is a problem of its row', async () => {
    for (const chunk of [1, 3, 1 << 20]) {
      const { records, format, lastRow } = await read(NDJSON, { fileName: 'rows.ndjson', chunk });
      expect(format.kind).toBe('ndjson');
      expect(records.map((r) => [r.row, r.cells])).toEqual([
        [0, ['email', 'name']],
        [1, ['a@x.example', 'Ann']],
        [3, ['b@x.example', 'Bob']],
        [4, ['', '']],
        [5, ['d@x.example', 'Di']],
      ]);
      expect(records[3]!.problems).toHaveLength(1);
      expect(records[3]!.problems![0]!.code).toBe('MALFORMED_JSON');
      expect(records[3]!.problems![0]!.message).toMatch(/^line 4 is not valid JSON \(.+\): \{"email":"c@x\.example",$/);
      expect(lastRow).toBe(5);
    }
  });

  it('is recognised by content under .json or no extension, and .jsonl by name', async () => {
    const enc = (s: string) => new TextEncoder().encode(s);
    expect(detectKind('rows.json', enc('{"a":1}\n{"a":2}\n'))).toBe('ndjson');
    expect(detectKind('rows.json', enc('{\n "a": 1\n}'))).toBe('json');
    expect(detectKind('upload', enc('  [{"a":1}]'))).toBe('json');
    expect(detectKind('upload', enc('{"a":1}\n'))).toBe('ndjson');
    expect(detectKind('rows.jsonl', enc('{"a":1}'))).toBe('ndjson');
    expect(detectKind('rows.csv', enc('[not json],b\n'))).toBe('csv');
    expect(detectKind('Book.XLSX', enc('PK\x03\x04'))).toBe('xlsx');
    expect(detectKind('rows.csv', enc('PK\x03\x04'))).toBe('xlsx');
    expect(detectKind('uploads/a/b.tsv', enc('a\tb'))).toBe('csv');
  });
});
