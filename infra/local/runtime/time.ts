/**
 * `util.time.*` (https://docs.aws.amazon.com/appsync/latest/devguide/time-helpers-in-util-time-js.html).
 *
 * Format strings follow Java's DateTimeFormatter (java.time.format.DateTimeFormatter, "Patterns for
 * Formatting and Parsing") with its whole letter set — G u y D M L d Q q Y w W E e c F a B h K k H
 * m s S A n N g V v z O X x Z, `p` padding, quoted literals, optional sections — texts in Locale.US
 * and week rules of the US (weeks start on Sunday; week 1 holds January 1st), as a JVM with the
 * default en-US locale prints them. Letter counts and error messages are Java's.
 *
 * Time zones are what Java's ZoneId.of accepts: IANA ids (Australia/Perth), `UTC`/`GMT`, `Z`,
 * offsets (+08:00, +08, -07:00:30) and prefixed offsets (UTC+05:30). With no zone, UTC.
 * Zone names (z, zzzz, v, vvvv) come from zone-names.json, generated with the JDK (ZoneNames.java).
 */
import zoneNameTable from './zone-names.json' with { type: 'json' };

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
/** Indexed by ISO day of week − 1 (Monday first). */
const DAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];
const QUARTER_NAMES = ['1st quarter', '2nd quarter', '3rd quarter', '4th quarter'];

export class TimeFormatError extends Error {
  override name = 'TimeFormatError';
}

type Token =
  | { kind: 'literal'; text: string }
  | { kind: 'field'; letter: string; count: number; pad: number }
  | { kind: 'optional'; start: boolean };

const tokenCache = new Map<string, Token[]>();

/** Java's DateTimeFormatterBuilder.appendPattern checks, with its messages. */
function checkCount(letter: string, count: number): void {
  const tooMany = () => new TimeFormatError(`Too many pattern letters: ${letter}`);
  switch (letter) {
    case 'G':
    case 'M':
    case 'L':
    case 'Q':
    case 'q':
    case 'E':
    case 'e':
    case 'X':
    case 'x':
    case 'Z':
      if (count > 5) throw tooMany();
      return;
    case 'c':
      if (count === 2) throw new TimeFormatError('Invalid pattern "cc"');
      if (count > 5) throw tooMany();
      return;
    case 'd':
    case 'h':
    case 'H':
    case 'k':
    case 'K':
    case 'm':
    case 's':
    case 'w':
      if (count > 2) throw tooMany();
      return;
    case 'D':
      if (count > 3) throw tooMany();
      return;
    case 'W':
    case 'F':
    case 'a':
      if (count > 1) throw tooMany();
      return;
    case 'B':
      if (count !== 1 && count !== 4 && count !== 5) throw new TimeFormatError(`Wrong number of pattern letters: ${letter}`);
      return;
    case 'S':
      if (count > 9) throw new TimeFormatError(`Minimum width must be from 0 to 9 inclusive but was ${count}`);
      return;
    case 'V':
      if (count !== 2) throw new TimeFormatError('Pattern letter count must be 2: V');
      return;
    case 'v':
      if (count !== 1 && count !== 4) throw new TimeFormatError('Wrong number of pattern letters: v');
      return;
    case 'z':
      if (count > 4) throw tooMany();
      return;
    case 'O':
      if (count !== 1 && count !== 4) throw new TimeFormatError('Pattern letter count must be 1 or 4: O');
      return;
    case 'y':
    case 'u':
    case 'Y':
    case 'A':
    case 'n':
    case 'N':
    case 'g':
      if (count > 19) throw new TimeFormatError(`Minimum width must be from 1 to 19 inclusive but was ${count}`);
      return;
    default:
      throw new TimeFormatError(`Unknown pattern letter: ${letter}`);
  }
}

function tokenize(pattern: string): Token[] {
  const cached = tokenCache.get(pattern);
  if (cached) return cached;
  const tokens: Token[] = [];
  let depth = 0;
  let pad = 0;
  let i = 0;
  while (i < pattern.length) {
    const ch = pattern[i]!;
    if (/[A-Za-z]/.test(ch)) {
      let j = i;
      while (pattern[j] === ch) j += 1;
      const count = j - i;
      i = j;
      if (ch === 'p') {
        // `pp` pads the next field to two characters with spaces.
        pad = count;
        continue;
      }
      checkCount(ch, count);
      tokens.push({ kind: 'field', letter: ch, count, pad });
      pad = 0;
    } else if (ch === "'") {
      let j = i + 1;
      let text = '';
      for (;;) {
        if (j >= pattern.length) throw new TimeFormatError(`Pattern ends with an incomplete string literal: ${pattern}`);
        if (pattern[j] === "'") {
          if (pattern[j + 1] === "'") {
            text += "'";
            j += 2;
            continue;
          }
          break;
        }
        text += pattern[j];
        j += 1;
      }
      // '' on its own is a single quote.
      tokens.push({ kind: 'literal', text: j === i + 1 ? "'" : text });
      i = j + 1;
    } else if (ch === '[') {
      depth += 1;
      tokens.push({ kind: 'optional', start: true });
      i += 1;
    } else if (ch === ']') {
      if (depth === 0) throw new TimeFormatError('Pattern invalid as it contains ] without previous [');
      depth -= 1;
      tokens.push({ kind: 'optional', start: false });
      i += 1;
    } else if (ch === '{' || ch === '}' || ch === '#') {
      throw new TimeFormatError(`Pattern includes reserved character: '${ch}'`);
    } else {
      tokens.push({ kind: 'literal', text: ch });
      i += 1;
    }
  }
  tokenCache.set(pattern, tokens);
  return tokens;
}

/** A zone as Java's ZoneId.of reads it: an offset (`ZoneOffset`) or a region (named rules). */
interface Zone {
  /** What `VV` prints: the normalised id (`UTC`, `+08:00`, `Z`, `Australia/Perth`, `UTC+05:30`). */
  id: string;
  /** A ZoneOffset or a prefixed offset prints its id for z/zzzz/v/vvvv. */
  fixed: boolean;
  offsetAt(epochMs: number): number;
}

const zoneCache = new Map<string, Zone>();

function offsetId(seconds: number): string {
  if (seconds === 0) return 'Z';
  const abs = Math.abs(seconds);
  const ss = abs % 60;
  return `${seconds < 0 ? '-' : '+'}${pad(Math.floor(abs / 3600), 2)}:${pad(Math.floor((abs % 3600) / 60), 2)}${ss ? `:${pad(ss, 2)}` : ''}`;
}

function parseOffset(text: string): number | null {
  const m = /^([+-])(\d{1,2})(?::?(\d{2}))?(?::?(\d{2}))?$/.exec(text);
  if (!m) return null;
  const seconds = Number(m[2]) * 3600 + Number(m[3] ?? 0) * 60 + Number(m[4] ?? 0);
  if (seconds > 18 * 3600) throw new TimeFormatError(`Zone offset not in valid range: -18:00 to +18:00`);
  return (m[1] === '-' ? -1 : 1) * seconds;
}

function intlOffsetSeconds(zone: string, epochMs: number): number {
  let parts: Intl.DateTimeFormatPart[];
  try {
    parts = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    }).formatToParts(new Date(epochMs));
  } catch {
    throw new TimeFormatError(`Unknown time-zone ID: ${zone}`);
  }
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour') % 24, get('minute'), get('second'));
  return Math.round((asUtc - Math.floor(epochMs / 1000) * 1000) / 1000);
}

export function resolveZone(zone: string | undefined): Zone {
  const key = zone ?? 'UTC';
  const cached = zoneCache.get(key);
  if (cached) return cached;
  let resolved: Zone;
  const fixed = (id: string, seconds: number): Zone => ({ id, fixed: true, offsetAt: () => seconds });
  if (key === 'Z') resolved = fixed('Z', 0);
  else if (/^[+-]/.test(key)) {
    const seconds = parseOffset(key);
    if (seconds === null) throw new TimeFormatError(`Invalid ID for ZoneOffset, invalid format: ${key}`);
    resolved = fixed(offsetId(seconds), seconds);
  } else {
    const prefixed = /^(UTC|GMT|UT)([+-].*)$/.exec(key);
    if (prefixed) {
      const seconds = parseOffset(prefixed[2]!);
      if (seconds === null) throw new TimeFormatError(`Invalid ID for offset-based ZoneId: ${key}`);
      resolved = fixed(seconds === 0 ? prefixed[1]! : `${prefixed[1]}${offsetId(seconds)}`, seconds);
    } else {
      intlOffsetSeconds(key, 0); // throws for an unknown id
      resolved = { id: key, fixed: false, offsetAt: (ms) => (key === 'UTC' || key === 'GMT' || key === 'UT' ? 0 : intlOffsetSeconds(key, ms)) };
    }
  }
  zoneCache.set(key, resolved);
  return resolved;
}

/** Offset of `zone` from UTC at `epochMs`, in seconds (east positive). */
export function zoneOffsetSeconds(zone: string | undefined, epochMs: number): number {
  return resolveZone(zone).offsetAt(epochMs);
}

const ZONE_NAMES = zoneNameTable as Record<string, string[]>;

/** z (short/long specific) and v (short/long generic) names, as Java prints them in Locale.US. */
function zoneName(zone: Zone, epochMs: number, style: 'specific' | 'generic', long: boolean): string {
  if (zone.fixed) return zone.id;
  const names = ZONE_NAMES[zone.id];
  if (style === 'generic') {
    if (names) return long ? names[5]! : names[4]!;
  } else if (names) {
    const year = new Date(epochMs).getUTCFullYear();
    const standard = Math.min(zone.offsetAt(Date.UTC(year, 0, 1)), zone.offsetAt(Date.UTC(year, 6, 1)));
    const daylight = zone.offsetAt(epochMs) > standard;
    return names[(daylight ? 2 : 0) + (long ? 1 : 0)]!;
  }
  const part = new Intl.DateTimeFormat('en-US', { timeZone: zone.id, timeZoneName: long ? 'long' : 'short' })
    .formatToParts(new Date(epochMs))
    .find((p) => p.type === 'timeZoneName');
  return part?.value ?? zone.id;
}

function pad(value: number, width: number): string {
  const s = String(Math.abs(value)).padStart(width, '0');
  return value < 0 ? `-${s}` : s;
}

/** appendValue(field, count, 19, count < 4 ? NORMAL : EXCEEDS_PAD): a + sign once the width is exceeded. */
function yearText(value: number, count: number): string {
  if (count === 2) return pad(((value % 100) + 100) % 100, 2);
  const text = pad(value, count);
  return count >= 4 && value > 0 && String(value).length > count ? `+${text}` : text;
}

/** Java's offset letters: Z (+HHMM; ZZZZ GMT+HH:MM; ZZZZZ +HH:MM:ss), X/x (X…XXXXX, X printing Z for zero). */
function formatOffset(totalSeconds: number, style: 'Z' | 'X' | 'x', count: number): string {
  if (totalSeconds === 0 && (style === 'X' || (style === 'Z' && count === 5))) return 'Z';
  const sign = totalSeconds < 0 ? '-' : '+';
  const abs = Math.abs(totalSeconds);
  const hh = pad(Math.floor(abs / 3600), 2);
  const mm = pad(Math.floor((abs % 3600) / 60), 2);
  const ss = abs % 60;
  const withSeconds = (sep: string) => (ss !== 0 ? `${sep}${pad(ss, 2)}` : '');
  if (style === 'Z') {
    if (count <= 3) return `${sign}${hh}${mm}`;
    if (count === 4) return localizedOffset(totalSeconds, true);
    return `${sign}${hh}:${mm}${withSeconds(':')}`;
  }
  switch (count) {
    case 1:
      return mm === '00' ? `${sign}${hh}` : `${sign}${hh}${mm}`;
    case 2:
      return `${sign}${hh}${mm}`;
    case 3:
      return `${sign}${hh}:${mm}`;
    case 4:
      return `${sign}${hh}${mm}${withSeconds('')}`;
    default:
      return `${sign}${hh}:${mm}${withSeconds(':')}`;
  }
}

/** O / OOOO (and ZZZZ): `GMT`, `GMT+8`, `GMT+5:30` / `GMT+08:00`. */
function localizedOffset(totalSeconds: number, full: boolean): string {
  if (totalSeconds === 0) return 'GMT';
  const sign = totalSeconds < 0 ? '-' : '+';
  const abs = Math.abs(totalSeconds);
  const h = Math.floor(abs / 3600);
  const m = Math.floor((abs % 3600) / 60);
  const s = abs % 60;
  if (full) return `GMT${sign}${pad(h, 2)}:${pad(m, 2)}${s ? `:${pad(s, 2)}` : ''}`;
  return `GMT${sign}${h}${m || s ? `:${pad(m, 2)}` : ''}${s ? `:${pad(s, 2)}` : ''}`;
}

/** US week rules (WeekFields.of(Locale.US)): weeks start on Sunday, week 1 is the one holding Jan 1. */
const WEEK_START_ISO = 7;
const MINIMAL_DAYS = 1;

function localizedDayOfWeek(isoDow: number): number {
  return ((((isoDow - WEEK_START_ISO) % 7) + 7) % 7) + 1;
}
function startOfWeekOffset(day: number, dow: number): number {
  const weekStart = (((day - dow) % 7) + 7) % 7;
  return weekStart + 1 > MINIMAL_DAYS ? 7 - weekStart : -weekStart;
}
function computeWeek(offset: number, day: number): number {
  return Math.floor((7 + offset + (day - 1)) / 7);
}
function yearLength(year: number): number {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 366 : 365;
}

interface LocalFields {
  year: number;
  month: number; // 1-12
  day: number;
  hour: number;
  minute: number;
  second: number;
  ms: number;
  isoDow: number; // 1 = Monday … 7 = Sunday
  doy: number;
  epochDay: number;
}

function localFields(epochMs: number, offsetSeconds: number): LocalFields {
  const local = epochMs + offsetSeconds * 1000;
  const d = new Date(local);
  const year = d.getUTCFullYear();
  const epochDay = Math.floor(local / 86400000);
  return {
    year,
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    hour: d.getUTCHours(),
    minute: d.getUTCMinutes(),
    second: d.getUTCSeconds(),
    ms: d.getUTCMilliseconds(),
    isoDow: ((((epochDay + 3) % 7) + 7) % 7) + 1,
    doy: Math.floor((Date.UTC(year, d.getUTCMonth(), d.getUTCDate()) - Date.UTC(year, 0, 1)) / 86400000) + 1,
    epochDay,
  };
}

/** Week-based year (Y) and week of week-based year (w), per WeekFields' algorithm. */
function weekBased(f: LocalFields): { year: number; week: number } {
  const dow = localizedDayOfWeek(f.isoDow);
  const offset = startOfWeekOffset(f.doy, dow);
  const week = computeWeek(offset, f.doy);
  if (week === 0) {
    // In the last week of the previous year: recompute from the previous year's last day.
    const prev = localFields((f.epochDay - f.doy) * 86400000, 0);
    return weekBased(prev);
  }
  const newYearWeek = computeWeek(offset, yearLength(f.year) + MINIMAL_DAYS);
  if (week >= newYearWeek) return { year: f.year + 1, week: week - newYearWeek + 1 };
  return { year: f.year, week };
}

/** CLDR day periods for English (B): midnight, noon, morning 06–12, afternoon 12–18, evening 18–21, night 21–06. */
function dayPeriod(hour: number, minute: number, count: number): string {
  const minuteOfDay = hour * 60 + minute;
  if (minuteOfDay === 0) return count === 5 ? 'mi' : 'midnight';
  if (minuteOfDay === 720) return count === 5 ? 'n' : 'noon';
  if (hour >= 6 && hour < 12) return 'in the morning';
  if (hour >= 12 && hour < 18) return 'in the afternoon';
  if (hour >= 18 && hour < 21) return 'in the evening';
  return 'at night';
}

function text(full: string, count: number, short = full.slice(0, 3)): string {
  if (count === 4) return full;
  if (count === 5) return full[0]!;
  return short;
}

function formatField(letter: string, n: number, f: LocalFields, epochMs: number, offset: number, zone: Zone): string {
  switch (letter) {
    case 'G':
      return f.year > 0 ? text('Anno Domini', n, 'AD') : text('Before Christ', n, 'BC');
    case 'u':
      return yearText(f.year, n);
    case 'y':
      return yearText(f.year > 0 ? f.year : 1 - f.year, n);
    case 'Y':
      return yearText(weekBased(f).year, n);
    case 'D':
      return pad(f.doy, n);
    case 'M':
    case 'L':
      return n <= 2 ? pad(f.month, n) : text(MONTHS[f.month - 1]!, n);
    case 'd':
      return pad(f.day, n);
    case 'Q':
    case 'q': {
      const quarter = Math.floor((f.month - 1) / 3) + 1;
      if (n <= 2) return pad(quarter, n);
      if (n === 3) return `Q${quarter}`;
      if (n === 4) return QUARTER_NAMES[quarter - 1]!;
      return String(quarter);
    }
    case 'w':
      return pad(weekBased(f).week, n);
    case 'W': {
      const dow = localizedDayOfWeek(f.isoDow);
      return String(computeWeek(startOfWeekOffset(f.day, dow), f.day));
    }
    case 'E':
      return text(DAYS[f.isoDow - 1]!, n);
    case 'e':
    case 'c':
      return n <= 2 ? pad(localizedDayOfWeek(f.isoDow), n) : text(DAYS[f.isoDow - 1]!, n);
    case 'F':
      // Java 17 maps F to ALIGNED_DAY_OF_WEEK_IN_MONTH (JDK-8169833 changed it in Java 20).
      return String(((f.day - 1) % 7) + 1);
    case 'a':
      return f.hour < 12 ? 'AM' : 'PM';
    case 'B':
      return dayPeriod(f.hour, f.minute, n);
    case 'h':
      return pad(f.hour % 12 === 0 ? 12 : f.hour % 12, n);
    case 'K':
      return pad(f.hour % 12, n);
    case 'k':
      return pad(f.hour === 0 ? 24 : f.hour, n);
    case 'H':
      return pad(f.hour, n);
    case 'm':
      return pad(f.minute, n);
    case 's':
      return pad(f.second, n);
    case 'S':
      return pad(f.ms, 3).padEnd(n, '0').slice(0, n);
    case 'A':
      return pad(((f.hour * 60 + f.minute) * 60 + f.second) * 1000 + f.ms, n);
    case 'n':
      return pad(f.ms * 1_000_000, n);
    case 'N':
      return (BigInt(((f.hour * 60 + f.minute) * 60 + f.second) * 1000 + f.ms) * 1_000_000n).toString().padStart(n, '0');
    case 'g':
      return pad(f.epochDay + 40587, n);
    case 'V':
      return zone.id;
    case 'v':
      return zoneName(zone, epochMs, 'generic', n === 4);
    case 'z':
      return zoneName(zone, epochMs, 'specific', n === 4);
    case 'O':
      return localizedOffset(offset, n === 4);
    case 'Z':
    case 'X':
    case 'x':
      return formatOffset(offset, letter, n);
    default:
      throw new TimeFormatError(`Unknown pattern letter: ${letter}`);
  }
}

/** Formats `epochMs` with a Java DateTimeFormatter pattern in `zone` (default UTC). */
export function formatEpoch(epochMs: number, pattern: string, zoneId?: string): string {
  const tokens = tokenize(pattern);
  const zone = resolveZone(zoneId);
  const offset = zone.offsetAt(epochMs);
  const f = localFields(epochMs, offset);
  let out = '';
  for (const t of tokens) {
    if (t.kind === 'literal') out += t.text;
    else if (t.kind === 'field') {
      const value = formatField(t.letter, t.count, f, epochMs, offset, zone);
      if (t.pad > 0 && value.length > t.pad) throw new TimeFormatError(`Cannot print as output of ${value.length} characters exceeds pad width of ${t.pad}`);
      out += value.padStart(t.pad, ' ');
    }
  }
  return out;
}

export function parseFormatted(text: string, pattern: string, zone?: string): number {
  let pos = 0;
  const f = {
    year: 1970,
    month: 1,
    day: 1,
    dayOfYear: null as number | null,
    hour: 0,
    minute: 0,
    second: 0,
    ms: 0,
    milliOfDay: null as number | null,
    pm: null as boolean | null,
    bc: false,
    offset: null as number | null,
    zone: null as string | null,
  };
  const fail = (): never => {
    throw new TimeFormatError(`Text '${text}' could not be parsed at index ${pos}`);
  };
  const digits = (min: number, max: number): number => {
    const m = new RegExp(`^\\d{${min},${max}}`).exec(text.slice(pos));
    if (!m) fail();
    pos += m![0].length;
    return Number(m![0]);
  };
  /** The longest option that matches here, case-insensitively; its index. */
  const word = (options: string[]): number => {
    const rest = text.slice(pos).toLowerCase();
    let best = -1;
    options.forEach((o, i) => {
      if (rest.startsWith(o.toLowerCase()) && (best < 0 || o.length > options[best]!.length)) best = i;
    });
    if (best < 0) fail();
    pos += options[best]!.length;
    return best;
  };
  const textForms = (full: string[], count: number): string[] => full.map((w) => (count === 4 ? w : count === 5 ? w[0]! : w.slice(0, 3)));
  const offsetAt = (): number => {
    if (text[pos] === 'Z') {
      pos += 1;
      return 0;
    }
    const m = /^(?:GMT)?([+-])(\d{2}):?(\d{2})?(?::?(\d{2}))?/.exec(text.slice(pos));
    if (!m) fail();
    pos += m![0].length;
    return (m![1] === '-' ? -1 : 1) * (Number(m![2]) * 3600 + Number(m![3] ?? 0) * 60 + Number(m![4] ?? 0));
  };
  /** O / OOOO: `GMT`, `GMT+8`, `GMT+5:30`, `GMT+08:00`. */
  const localizedOffsetAt = (): number => {
    const m = /^GMT(?:([+-])(\d{1,2})(?::(\d{2}))?(?::(\d{2}))?)?/.exec(text.slice(pos));
    if (!m) fail();
    pos += m![0].length;
    if (!m![1]) return 0;
    return (m![1] === '-' ? -1 : 1) * (Number(m![2]) * 3600 + Number(m![3] ?? 0) * 60 + Number(m![4] ?? 0));
  };
  const tokens = tokenize(pattern);
  let skipping = false;
  tokens.forEach((t, index) => {
    if (t.kind === 'optional') {
      // An optional section that does not match at all is skipped.
      skipping = false;
      if (t.start && pos >= text.length) skipping = true;
      return;
    }
    if (skipping) return;
    if (t.kind === 'literal') {
      if (text.slice(pos, pos + t.text.length) !== t.text) fail();
      pos += t.text.length;
      return;
    }
    // A padded field (`ppd`) may start with spaces.
    if (t.pad > 0) while (text[pos] === ' ') pos += 1;
    const next = tokens[index + 1];
    const adjacentNumber = next?.kind === 'field' && /[yuMdHhkKmsSDn]/.test(next.letter);
    const max = adjacentNumber ? t.count : 9;
    switch (t.letter) {
      case 'G':
        f.bc = word(t.count === 4 ? ['Anno Domini', 'Before Christ'] : t.count === 5 ? ['A', 'B'] : ['AD', 'BC']) === 1;
        break;
      case 'y':
      case 'u':
        f.year = t.count === 2 ? 2000 + digits(2, 2) : digits(t.count, Math.max(max, 4));
        break;
      case 'M':
      case 'L':
        f.month = t.count >= 3 ? word(textForms(MONTHS, t.count)) + 1 : digits(t.count, Math.max(2, t.count));
        break;
      case 'd':
        f.day = digits(t.count, 2);
        break;
      case 'D':
        f.dayOfYear = digits(t.count, 3);
        break;
      case 'Q':
      case 'q':
        // Read and checked for form only; the month decides the date.
        if (t.count === 3) word(['Q1', 'Q2', 'Q3', 'Q4']);
        else if (t.count === 4) word(QUARTER_NAMES);
        else digits(t.count === 2 ? 2 : 1, t.count === 2 ? 2 : 1);
        break;
      case 'E':
        word(textForms(DAYS, t.count));
        break;
      case 'e':
      case 'c':
        if (t.count <= 2) digits(t.count, t.count === 2 ? 2 : 1);
        else word(textForms(DAYS, t.count));
        break;
      case 'F':
        digits(1, 1);
        break;
      case 'H':
      case 'k':
        f.hour = digits(t.count, 2) % 24;
        break;
      case 'h':
      case 'K':
        f.hour = digits(t.count, 2) % 12;
        break;
      case 'm':
        f.minute = digits(t.count, 2);
        break;
      case 's':
        f.second = digits(t.count, 2);
        break;
      case 'S': {
        const start = pos;
        digits(t.count, t.count);
        // Java keeps nanoseconds; epoch milliseconds drop what is below a millisecond.
        f.ms = Math.floor(Number(`0.${text.slice(start, pos)}`) * 1000 + 1e-9);
        break;
      }
      case 'n':
        f.ms = Math.floor(digits(t.count, Math.max(max, 9)) / 1_000_000);
        break;
      case 'A':
        f.milliOfDay = digits(t.count, Math.max(max, 8));
        break;
      case 'N':
        f.milliOfDay = Math.floor(digits(t.count, Math.max(max, 14)) / 1_000_000);
        break;
      case 'a':
        f.pm = word(['AM', 'PM']) === 1;
        break;
      case 'Z':
        f.offset = t.count === 4 ? localizedOffsetAt() : offsetAt();
        break;
      case 'X':
      case 'x':
        f.offset = offsetAt();
        break;
      case 'O':
        f.offset = localizedOffsetAt();
        break;
      case 'V': {
        const m = /^[A-Za-z][A-Za-z0-9_/+-]*|^[+-]\d{2}(?::?\d{2})?(?::?\d{2})?|^Z/.exec(text.slice(pos));
        if (!m) fail();
        pos += m![0].length;
        f.zone = resolveZone(m![0]).id;
        break;
      }
      default:
        throw new TimeFormatError(`Unsupported pattern letter for parsing: ${t.letter}`);
    }
  });
  if (pos !== text.length) throw new TimeFormatError(`Text '${text}' could not be parsed, unparsed text found at index ${pos}`);
  if (f.pm !== null && f.pm) f.hour += 12;
  const year = f.bc ? 1 - f.year : f.year;
  const date = f.dayOfYear !== null ? Date.UTC(year, 0, f.dayOfYear) : Date.UTC(year, f.month - 1, f.day);
  const time = f.milliOfDay !== null ? f.milliOfDay : ((f.hour * 60 + f.minute) * 60 + f.second) * 1000 + f.ms;
  const local = new Date(date).setUTCFullYear(year) + time;
  if (f.offset !== null) return local - f.offset * 1000;
  return localToEpoch(resolveZone(f.zone ?? zone), local);
}

/**
 * The instant of a local date-time in `zone`, resolved as java.time does (ZonedDateTime.ofLocal):
 * in an overlap the earlier offset wins; in a gap the time moves later by the gap's length.
 */
function localToEpoch(zone: Zone, local: number): number {
  const before = zone.offsetAt(local - 86400000);
  const after = zone.offsetAt(local + 86400000);
  for (const offset of [before, after]) {
    if (zone.offsetAt(local - offset * 1000) === offset) return local - offset * 1000;
  }
  return local - before * 1000;
}

/** ISO 8601 (`2018-02-01T17:21:05.180+08:00`, `…Z`, without seconds or fraction) → epoch ms. */
export function parseISO8601(text: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?(Z|[+-]\d{2}(?::?\d{2})?)?$/.exec(text);
  if (!m) throw new TimeFormatError(`Text '${text}' could not be parsed as ISO 8601`);
  const ms = m[7] ? Math.round(Number(`0.${m[7]}`) * 1000) : 0;
  const local = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0), ms);
  return local - zoneOffsetSeconds(m[8] === 'Z' ? undefined : m[8], local) * 1000;
}

/** The `util.time` object. `now` is injectable so tests need no clock. */
export function createTimeUtil(now: () => number = Date.now) {
  return {
    nowISO8601: () => new Date(now()).toISOString(),
    nowEpochSeconds: () => Math.floor(now() / 1000),
    nowEpochMilliSeconds: () => now(),
    nowFormatted: (format: string, timezone?: string) => formatEpoch(now(), format, timezone),
    parseFormattedToEpochMilliSeconds: (timestamp: string, format: string, timezone?: string) => parseFormatted(timestamp, format, timezone),
    parseISO8601ToEpochMilliSeconds: (timestamp: string) => parseISO8601(timestamp),
    epochMilliSecondsToSeconds: (ms: number) => Math.floor(ms / 1000),
    epochMilliSecondsToISO8601: (ms: number) => new Date(ms).toISOString(),
    epochMilliSecondsToFormatted: (ms: number, format: string, timezone?: string) => formatEpoch(ms, format, timezone),
  };
}
