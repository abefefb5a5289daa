/**
 * Numbers and dates from spreadsheets and JSON as the models' text formats: plain decimals without
 * exponent or binary floating-point noise, and Excel serial dates as `YYYY-MM-DD`.
 */

/**
 * A number as plain decimal text: a safe integer exactly, anything else rounded to 15 significant
 * digits (the precision Excel keeps and shows), never with an exponent.
 * @example plainNumber(0.1 + 0.2) // '0.3'
 * @example plainNumber(1e21) // '1000000000000000000000'
 * @example plainNumber(1.5e-7) // '0.00000015'
 */
export function plainNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (Number.isSafeInteger(value)) return String(value === 0 ? 0 : value);
  // Short forms are already plain (at most 15 digits, no exponent): 0.3, -12.75.
  const shortest = String(value);
  if (shortest.length <= 16 && !shortest.includes('e')) return shortest;
  const text = value.toPrecision(15);
  const [mantissa, exponent] = text.split('e') as [string, string | undefined];
  const negative = mantissa.startsWith('-');
  const [int, frac = ''] = (negative ? mantissa.slice(1) : mantissa).split('.') as [string, string | undefined];
  let digits = (int + frac).replace(/0+$/, '');
  let point = int.length + (exponent ? Number(exponent) : 0);
  while (digits.length > 1 && digits[0] === '0') {
    digits = digits.slice(1);
    point--;
  }
  if (digits === '' || digits === '0') return '0';
  const body = point <= 0 ? `0.${'0'.repeat(-point)}${digits}` : point >= digits.length ? digits + '0'.repeat(point - digits.length) : `${digits.slice(0, point)}.${digits.slice(point)}`;
  return negative ? `-${body}` : body;
}

/** Excel's largest date, 9999-12-31, as a serial. */
export const MAX_SERIAL = 2_958_465;
/** Days from the 1904 date system's day 0 (1904-01-01) to the 1900 system's. */
export const DATE1904_OFFSET = 1462;

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/**
 * The calendar day of an Excel serial (1900 date system, as Excel counts it: day 1 is 1900-01-01
 * and day 60 the 1900-02-29 that never was, kept for Lotus 1-2-3 compatibility), `YYYY-MM-DD`.
 * The time of day (the fraction) is dropped. Null outside 1900-01-01 … 9999-12-31.
 * @example serialDate(45292) // '2024-01-01'
 */
export function serialDate(serial: number): string | null {
  const day = Math.floor(serial + 1e-9);
  if (!(day >= 1 && day <= MAX_SERIAL)) return null;
  if (day === 60) return '1900-02-29';
  // Before the phantom day, day 1 is 1900-01-01; from day 61 on, day 0 is 1899-12-30.
  const ms = Date.UTC(1899, 11, day < 60 ? 31 : 30) + day * 86_400_000;
  const d = new Date(ms);
  return `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
}

/** The time of day of a serial's fraction, `HH:MM:SS` (rounded to the second; 24:00:00 never appears). */
export function serialTime(serial: number): string {
  let seconds = Math.round((serial - Math.floor(serial)) * 86_400);
  if (seconds >= 86_400) seconds = 86_399;
  return `${pad(Math.floor(seconds / 3600))}:${pad(Math.floor(seconds / 60) % 60)}:${pad(seconds % 60)}`;
}

/** Date and time of a serial: `YYYY-MM-DD HH:MM:SS`, or just the date at midnight. */
export function serialDateTime(serial: number): string | null {
  // A time that rounds up to the next second at 23:59:59.5 stays on its day.
  const date = serialDate(serial);
  if (date === null) return null;
  const time = serialTime(serial);
  return time === '00:00:00' ? date : `${date} ${time}`;
}

/** The serial (1900 system) of an ISO 8601 date or date-time (`t="d"` cells), or null. */
export function isoSerial(text: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?(?:Z|[+-]\d{2}:?\d{2})?$/.exec(text.trim());
  if (!m) return null;
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0));
  const days = (ms - Date.UTC(1899, 11, 30)) / 86_400_000;
  // Before 1900-03-01 Excel's count is one lower (no phantom day yet).
  return days < 61 ? days - 1 : days;
}

/**
 * How a cell with number format `id` (and custom `code`) shows its number: as a date, a date and
 * time, a time of day, or (null) as a number. Built-in ids per ECMA-376 Part 1, 18.8.30; custom
 * codes by their tokens outside quotes and brackets (`[Red]`, `"text"`, `\x` are not tokens).
 */
export function numberFormatKind(id: number, code: string | undefined): 'date' | 'datetime' | 'time' | null {
  if (code === undefined) {
    if (id === 14 || id === 15 || id === 16 || id === 17 || (id >= 27 && id <= 31) || (id >= 34 && id <= 36) || (id >= 50 && id <= 58)) return 'date';
    if (id === 22) return 'datetime';
    if ((id >= 18 && id <= 21) || (id >= 32 && id <= 33) || (id >= 45 && id <= 47)) return 'time';
    return null;
  }
  const section = code.split(';')[0]!;
  const tokens = section
    .replace(/"[^"]*"/g, '')
    .replace(/\\./g, '')
    .replace(/\[(?!h+\]|m+\]|s+\])[^\]]*\]/gi, '')
    .replace(/_.|\*./g, '')
    .toLowerCase();
  if (/general/.test(tokens)) return null;
  const date = /[yd]/.test(tokens) || (/m/.test(tokens) && !/[hs]/.test(tokens));
  const time = /[hs]/.test(tokens);
  if (date && time) return 'datetime';
  if (date) return 'date';
  if (time) return 'time';
  return null;
}
