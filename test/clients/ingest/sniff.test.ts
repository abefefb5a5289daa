import { describe, expect, it } from 'vitest';
import { looksBinary, sniffDelimiter, sniffEncoding } from '../../../clients/ingest/sniff';

const bytes = (...b: number[]) => new Uint8Array(b);

describe('sniffEncoding', () => {
  it('recognises a UTF-8 byte-order mark', () => {
    expect(sniffEncoding(bytes(0xef, 0xbb, 0xbf, 0x61, 0x2c))).toEqual({ encoding: 'utf-8', bomLength: 3 });
  });

  it('recognises UTF-16 LE and BE byte-order marks', () => {
    expect(sniffEncoding(bytes(0xff, 0xfe, 0x61, 0x00))).toEqual({ encoding: 'utf-16le', bomLength: 2 });
    expect(sniffEncoding(bytes(0xfe, 0xff, 0x00, 0x61))).toEqual({ encoding: 'utf-16be', bomLength: 2 });
  });

  it('recognises UTF-16 LE without a BOM by its zero high bytes', () => {
    const text = 'email,name\nann@x.example,Ann\n';
    const le = new Uint8Array(text.length * 2);
    for (let i = 0; i < text.length; i++) le[i * 2] = text.charCodeAt(i);
    expect(sniffEncoding(le)).toEqual({ encoding: 'utf-16le', bomLength: 0 });
  });

  it('keeps UTF-8 when a multi-byte character is cut at the end of the sample', () => {
    // "é" is C3 A9 in UTF-8; the sample ends after C3.
    expect(sniffEncoding(bytes(0x4a, 0x6f, 0x73, 0xc3)).encoding).toBe('utf-8');
  });

  it('falls back to Windows-1252 when the bytes are not valid UTF-8', () => {
    // "José" in Latin-1: é is the single byte E9, which cannot stand alone in UTF-8.
    expect(sniffEncoding(bytes(0x4a, 0x6f, 0x73, 0xe9, 0x2c, 0x61))).toEqual({ encoding: 'windows-1252', bomLength: 0 });
  });
});

describe('sniffDelimiter', () => {
  it('picks the semicolon when commas only appear inside quoted cells or decimals', () => {
    expect(sniffDelimiter('email;name;company\na@x.example;Ann;"Contoso, GmbH"\nb@x.example;Bob;Litware\n')).toBe(';');
  });

  it('picks tab and pipe', () => {
    expect(sniffDelimiter('email\tname\na@x\tAnn\n')).toBe('\t');
    expect(sniffDelimiter('email|name|phone\na@x|Ann|1\n')).toBe('|');
  });

  it('prefers the delimiter whose count is consistent over one that is merely frequent', () => {
    // Commas appear more often in row 2, but only the semicolon splits every line the same way.
    expect(sniffDelimiter('a;b\n1,2,3,4;5\n6;7\n')).toBe(';');
  });

  it('defaults to comma for a single-column file', () => {
    expect(sniffDelimiter('email\na@x.example\n')).toBe(',');
  });
});

describe('looksBinary', () => {
  it('flags NUL characters and heavy control characters, not ordinary text', () => {
    expect(looksBinary('abc\u0000def')).toBe(true);
    expect(looksBinary('\u0001\u0002\u0003abc')).toBe(true);
    expect(looksBinary('email,name\r\nann@x.example,"Ann\tLee"\n')).toBe(false);
  });
});
