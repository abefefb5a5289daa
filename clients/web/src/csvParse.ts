/**
 * csv-parse for the browser bundle: build.ts resolves the engine's `import … from 'csv-parse'` here.
 *
 * csv-parse's browser build carries its own `Buffer` polyfill, whose `Buffer.concat` only accepts
 * its own Buffers. The engine (clients/ingest/reader.ts) hands the parser core plain `Uint8Array`s
 * where there is no global `Buffer`; the core keeps the tail of a chunk that ends inside a record
 * and concatenates it with the next chunk, so any file the browser streams in more than one piece
 * failed with `"list" argument must be an Array of Buffers`. This Parser converts each chunk into
 * the polyfill's Buffer first — a view on the same bytes, no copy.
 */
import { Parser as BrowserParser, type Options } from 'csv-parse/browser/esm';

export { CsvError, normalize_options, parse } from 'csv-parse/browser/esm';
export type { Options } from 'csv-parse/browser/esm';

type Push = (record: string[]) => void;

/** The part of the parser core (`Parser#api`) touched here. */
interface ParserCore {
  parse(buf: Uint8Array | undefined, end: boolean, push: Push, close: () => void): Error | undefined;
  state: { field: { buf: Uint8Array } };
}

/** The polyfill's Buffer class, as far as it is used here. */
interface PolyfillBuffer {
  from(arrayBuffer: ArrayBufferLike, byteOffset: number, length: number): Uint8Array;
  isBuffer(value: unknown): boolean;
}

/** csv-parse's Parser whose core accepts any `Uint8Array`. */
export class Parser extends BrowserParser {
  constructor(options: Options = {}) {
    super(options);
    const core = (this as unknown as { api?: ParserCore }).api;
    if (!core?.state?.field?.buf) throw new Error('csv-parse changed: Parser#api.state.field.buf is missing');
    // Every Buffer the core allocates is an instance of the polyfill's class: borrow it from one.
    const OwnBuffer = core.state.field.buf.constructor as unknown as PolyfillBuffer;
    const parse = core.parse.bind(core);
    core.parse = (buf, end, push, close) =>
      parse(buf === undefined || OwnBuffer.isBuffer(buf) ? buf : OwnBuffer.from(buf.buffer, buf.byteOffset, buf.byteLength), end, push, close);
  }
}
