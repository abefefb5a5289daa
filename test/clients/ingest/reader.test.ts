import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FileProblemError } from '../../../clients/ingest/errors';
import { firstInvalidUtf8, readRecords, type FileFormat } from '../../../clients/ingest/reader';
import { fileSource, nodeSha256 } from '../../../clients/ingest/node';
import { bytesSource } from './fakeServer';

async function all(source: () => AsyncIterable<Uint8Array>, fileName = 'f.csv') {
  let format: FileFormat | undefined;
  const hasher = nodeSha256();
  const records: { row: number; cells: string[] }[] = [];
  for await (const r of readRecords(source, { fileName, hasher, onFormat: (f) => (format = f) })) records.push(r);
  return { records, format: format!, sha256: hasher.digest() };
}

describe('readRecords', () => {
  it('reads a file mixing LF, CR and CRLF row for row, quoted line breaks kept, whatever the chunking', async () => {
    // Rows 2–7 end in LF, CR, CRLF, CR, LF, CRLF; row 5's quoted cell holds all three endings; row 8 is a blank CR line.
    const text = 'email,notes\na@x.example,one\rb@x.example,two\r\nc@x.example,"x\r\ny\nz\rw"\rd@x.example,four\ne@x.example,five\r\n\rf@x.example,six';
    const expected = [
      ['email', 'notes'],
      ['a@x.example', 'one'],
      ['b@x.example', 'two'],
      ['c@x.example', 'x\r\ny\nz\rw'],
      ['d@x.example', 'four'],
      ['e@x.example', 'five'],
      ['f@x.example', 'six'],
    ];
    // Chunks of 1 byte split every CRLF between two chunks.
    for (const size of [1, 2, 3, 1 << 20]) {
      const { records } = await all(bytesSource(text, size));
      expect(records.map((r) => r.cells), `chunks of ${size}`).toEqual(expected);
      // The empty line (row 7) is skipped, and counted: the next row is row 8.
      expect(records.map((r) => r.row)).toEqual([1, 2, 3, 4, 5, 6, 8]);
    }
  });

  it('gives the same records whatever the chunk size, quoted newlines and BOM included', async () => {
    const text = '\ufeffemail,notes\r\nann@x.example,"two\nlines"\r\nbob@x.example,"say ""hi"""\r\n';
    const one = await all(bytesSource(text, 1));
    const big = await all(bytesSource(text, 1 << 20));
    expect(one.records).toEqual(big.records);
    expect(one.records.map((r) => r.cells)).toEqual([
      ['email', 'notes'],
      ['ann@x.example', 'two\nlines'],
      ['bob@x.example', 'say "hi"'],
    ]);
    expect(one.format).toEqual({ encoding: 'utf-8', bom: true, delimiter: ',' });
  });

  it('decodes the Latin-1 sample with its accents', async () => {
    const { records, format } = await all(fileSource('samples/bad/latin1.csv'));
    expect(format.encoding).toBe('windows-1252');
    expect(records[1]!.cells[1]).toBe('José Müller');
  });

  it('decodes the UTF-16 LE sample', async () => {
    const { records, format } = await all(fileSource('samples/bad/utf16le.csv'));
    expect(format).toEqual({ encoding: 'utf-16le', bom: true, delimiter: ',' });
    expect(records[0]!.cells).toEqual(['email', 'name', 'phone', 'company']);
    expect(records[3]!.cells[1]).toBe('Jürgen Weiß');
  });

  it('decodes UTF-16 BE with its BOM', async () => {
    const text = 'email;name\r\nann@x.example;Ännchen\r\n';
    const bytes = new Uint8Array(2 + text.length * 2);
    bytes.set([0xfe, 0xff]);
    for (let i = 0; i < text.length; i++) {
      bytes[2 + i * 2] = text.charCodeAt(i) >> 8;
      bytes[3 + i * 2] = text.charCodeAt(i) & 0xff;
    }
    const { records, format } = await all(bytesSource(bytes, 3));
    expect(format).toEqual({ encoding: 'utf-16be', bom: true, delimiter: ';' });
    expect(records.map((r) => r.cells)).toEqual([
      ['email', 'name'],
      ['ann@x.example', 'Ännchen'],
    ]);
  });

  it('hashes exactly the file bytes (BOM included) while reading', async () => {
    const { sha256 } = await all(fileSource('samples/bad/bom_utf8.csv', 16));
    expect(sha256).toBe(createHash('sha256').update(readFileSync('samples/bad/bom_utf8.csv')).digest('hex'));
  });

  it('names the row where an unterminated quote opens', async () => {
    const error = await all(fileSource('samples/bad/unterminated_quote.csv')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FileProblemError);
    expect((error as FileProblemError).code).toBe('MALFORMED');
    expect((error as FileProblemError).where.row).toBe(3);
  });

  it('refuses binary data', async () => {
    const error = await all(fileSource('samples/bad/binary_garbage.csv')).catch((e: unknown) => e);
    expect((error as FileProblemError).code).toBe('BINARY');
  });

  it('refuses bytes that stop being UTF-8 after the sniffed start', async () => {
    const head = 'email,name\n' + 'a@x.example,Ann\n'.repeat(5000); // > 64 KiB of clean UTF-8 first
    const bytes = new Uint8Array([...new TextEncoder().encode(head), 0x62, 0x40, 0x78, 0x2c, 0xe9, 0x0a]);
    const error = await all(bytesSource(bytes, 4096)).catch((e: unknown) => e);
    expect((error as FileProblemError).code).toBe('ENCODING');
  });

  it('names the row that holds an invalid byte, empty lines counted, whatever the chunking', async () => {
    // Rows 2–5,000 are clean (row 100 an empty line); row 5,001 holds a Latin-1 é (0xE9) at byte `offset`.
    let head = 'email,name\n';
    for (let row = 2; row <= 5000; row++) head += row === 100 ? '\n' : `r${row}@x.example,Ann\n`;
    const prefix = new TextEncoder().encode(`${head}r5001@x.example,Ren`);
    const bytes = new Uint8Array([...prefix, 0xe9, 0x0a, ...new TextEncoder().encode('r5002@x.example,Ok\n')]);
    // (Chunks up to 64 KiB: the encoding is sniffed from the first 64 KiB, which are clean UTF-8 here.)
    for (const size of [1000, 4096, 65536]) {
      const error = (await all(bytesSource(bytes, size)).catch((e: unknown) => e)) as FileProblemError;
      expect(error.code, `chunks of ${size}`).toBe('ENCODING');
      expect(error.where.row).toBe(5001);
      expect(error.message).toBe(
        `f.csv: row 5,001 holds bytes that are not valid UTF-8 (at byte ${prefix.length.toLocaleString('en-US')} of the file) although the file starts as UTF-8 (mixed encodings?). Re-save the file as UTF-8 and try again.`,
      );
    }
  });

  it('tells where an invalid UTF-8 sequence starts', () => {
    const at = (bytes: number[]) => firstInvalidUtf8(new Uint8Array(bytes));
    expect(at([0x61, 0xc3, 0xa9, 0x62, 0xe9, 0x62])).toBe(4); // é then a lone 0xE9
    expect(at([0x61, 0xc0, 0x80])).toBe(1); // overlong NUL
    expect(at([0x61, 0xed, 0xa0, 0x80])).toBe(1); // a surrogate (U+D800)
    expect(at([0x61, 0xf4, 0x90, 0x80, 0x80])).toBe(1); // above U+10FFFF
    expect(at([0xa9, 0x61, 0xff])).toBe(2); // a leading continuation byte belongs to the chunk before
  });
});
