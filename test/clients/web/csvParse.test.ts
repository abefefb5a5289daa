/**
 * The csv-parse the web bundle uses (clients/web/src/csvParse.ts): csv-parse's browser build fed
 * the engine's plain Uint8Array chunks, as it is in a browser (no global Buffer there).
 */
import { Parser as BrowserParser } from 'csv-parse/browser/esm';
import { describe, expect, it } from 'vitest';
import { Parser } from '../../../clients/web/src/csvParse';

type Core = { parse(buf: Uint8Array | undefined, end: boolean, push: (r: string[]) => void, close: () => void): Error | undefined };

/** Feeds `chunks` to a parser core the way clients/ingest/reader.ts does. */
function feed(parser: object, chunks: string[]): { records: string[][]; error: Error | undefined } {
  const core = (parser as { api: Core }).api;
  const records: string[][] = [];
  const encoder = new TextEncoder();
  let error: Error | undefined;
  for (const [i, chunk] of chunks.entries()) {
    // A view into a larger buffer, as chunks of a stream often are.
    const bytes = encoder.encode(`xx${chunk}`).subarray(2);
    error ??= core.parse(bytes, false, (r) => records.push(r), () => undefined);
    if (i === chunks.length - 1) error ??= core.parse(undefined, true, (r) => records.push(r), () => undefined);
  }
  return { records, error };
}

describe('csv-parse for the browser bundle', () => {
  const chunks = ['email,name\nann@x.example,A', 'nn Lee\n"bob@x.example","Bob, ', 'Jr."\n'];

  it('parses records split across Uint8Array chunks', () => {
    expect(feed(new Parser({ relax_column_count: true }), chunks)).toEqual({
      records: [
        ['email', 'name'],
        ['ann@x.example', 'Ann Lee'],
        ['bob@x.example', 'Bob, Jr.'],
      ],
      error: undefined,
    });
  });

  it('is needed: csv-parse’s own browser build refuses the second chunk of a split record', () => {
    expect(() => feed(new BrowserParser({ relax_column_count: true }), chunks)).toThrow('"list" argument must be an Array of Buffers');
  });
});
