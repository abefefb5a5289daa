/**
 * `util.time.*` (https://docs.aws.amazon.com/appsync/latest/devguide/time-helpers-in-util-time-js.html).
 * Format strings follow Java's DateTimeFormatter; this covers the pattern letters resolvers use:
 * y u M L d D H h k K m s S a E Z X x z V, quoted literals ('T', '' for a quote).
 * Time zones are IANA ids (Australia/Perth), `UTC`/`Z`, or offsets (+08:00).
 */

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

export class TimeFormatError extends Error {
  override name = 'TimeFormatError';
}

type Token = { kind: 'literal'; text: string } | { kind: 'field'; letter: string; count: number } | { kind: 'optional'; start: boolean };

const tokenCache = new Map<string, Token[]>();

function tokenize(pattern: string): Token[] {
  const cached = tokenCache.get(pattern);
  if (cached) return cached;
  const tokens: Token[] = [];
  let i = 0;
  while (i < pattern.length) {
    const ch = pattern[i]!;
    if (ch === "'") {
      if (pattern[i + 1] === "'") {
        tokens.push({ kind: 'literal', text: "'" });
        i += 2;
        continue;
      }
      let j = i + 1;
      let text = '';
      while (j < pattern.length) {
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
      tokens.push({ kind: 'literal', text });
      i = j + 1;
    } else if (ch === '[' || ch === ']') {
      // Optional sections: printed when formatting, may be absent when parsing.
      tokens.push({ kind: 'optional', start: ch === '[' });
      i += 1;
    } else if (/[A-Za-z]/.test(ch)) {
      let j = i;
      while (pattern[j] === ch) j += 1;
      tokens.push({ kind: 'field', letter: ch, count: j - i });
      i = j;
    } else {
      tokens.push({ kind: 'literal', text: ch });
      i += 1;
    }
  }
  tokenCache.set(pattern, tokens);
  return tokens;
}

/** Offset of `zone` from UTC at `epochMs`, in seconds (east positive). */
export function zoneOffsetSeconds(zone: string | undefined, epochMs: number): number {
  if (!zone || zone === 'UTC' || zone === 'Z' || zone === 'GMT') return 0;
  const m = /^(?:UTC|GMT)?([+-])(\d{1,2})(?::?(\d{2}))?(?::?(\d{2}))?$/.exec(zone);
  if (m) return (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 3600 + Number(m[3] ?? 0) * 60 + Number(m[4] ?? 0));
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

function pad(value: number, width: number): string {
  const s = String(Math.abs(value)).padStart(width, '0');
  return value < 0 ? `-${s}` : s;
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
    if (count === 4) return totalSeconds === 0 ? 'GMT' : `GMT${sign}${hh}:${mm}${withSeconds(':')}`;
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

/** Formats `epochMs` with a Java DateTimeFormatter pattern in `zone` (default UTC). */
export function formatEpoch(epochMs: number, pattern: string, zone?: string): string {
  const offset = zoneOffsetSeconds(zone, epochMs);
  const d = new Date(epochMs + offset * 1000);
  const year = d.getUTCFullYear();
  const month = d.getUTCMonth();
  const day = d.getUTCDate();
  const hour = d.getUTCHours();
  const minute = d.getUTCMinutes();
  const second = d.getUTCSeconds();
  const ms = d.getUTCMilliseconds();
  const dow = d.getUTCDay();
  let out = '';
  for (const t of tokenize(pattern)) {
    if (t.kind === 'literal') {
      out += t.text;
      continue;
    }
    if (t.kind === 'optional') continue;
    const n = t.count;
    switch (t.letter) {
      case 'y':
      case 'u':
        out += n === 2 ? pad(year % 100, 2) : pad(year, n);
        break;
      case 'M':
      case 'L':
        out += n >= 4 ? MONTHS[month] : n === 3 ? MONTHS[month]!.slice(0, 3) : pad(month + 1, n);
        break;
      case 'd':
        out += pad(day, n);
        break;
      case 'D': {
        const start = Date.UTC(year, 0, 1);
        out += pad(Math.floor((Date.UTC(year, month, day) - start) / 86400000) + 1, n);
        break;
      }
      case 'H':
        out += pad(hour, n);
        break;
      case 'k':
        out += pad(hour === 0 ? 24 : hour, n);
        break;
      case 'h':
        out += pad(hour % 12 === 0 ? 12 : hour % 12, n);
        break;
      case 'K':
        out += pad(hour % 12, n);
        break;
      case 'm':
        out += pad(minute, n);
        break;
      case 's':
        out += pad(second, n);
        break;
      case 'S':
        out += pad(ms, 3).padEnd(n, '0').slice(0, n);
        break;
      case 'a':
        out += hour < 12 ? 'AM' : 'PM';
        break;
      case 'E':
        out += n >= 4 ? DAYS[dow] : DAYS[dow]!.slice(0, 3);
        break;
      case 'Z':
        out += formatOffset(offset, 'Z', n);
        break;
      case 'X':
        out += formatOffset(offset, 'X', n);
        break;
      case 'x':
        out += formatOffset(offset, 'x', n);
        break;
      case 'z':
      case 'V':
        out += zone ?? 'UTC';
        break;
      default:
        throw new TimeFormatError(`Unknown pattern letter: ${t.letter}`);
    }
  }
  return out;
}

/** Parses `text` with a Java DateTimeFormatter pattern; missing zone information means `zone` (default UTC). */
export function parseFormatted(text: string, pattern: string, zone?: string): number {
  let pos = 0;
  const f = { year: 1970, month: 1, day: 1, hour: 0, minute: 0, second: 0, ms: 0, pm: null as boolean | null, offset: null as number | null };
  const fail = (): never => {
    throw new TimeFormatError(`Text '${text}' could not be parsed at index ${pos}`);
  };
  const digits = (min: number, max: number): number => {
    const m = new RegExp(`^\\d{${min},${max}}`).exec(text.slice(pos));
    if (!m) fail();
    pos += m![0].length;
    return Number(m![0]);
  };
  const word = (options: string[]): number => {
    const rest = text.slice(pos).toLowerCase();
    const index = options.findIndex((o) => rest.startsWith(o.toLowerCase()));
    if (index < 0) fail();
    pos += options[index]!.length;
    return index;
  };
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
    const next = tokens[index + 1];
    const adjacentNumber = next?.kind === 'field' && /[yuMdHhkKmsS]/.test(next.letter);
    const max = adjacentNumber ? t.count : 9;
    switch (t.letter) {
      case 'y':
      case 'u':
        f.year = t.count === 2 ? 2000 + digits(2, 2) : digits(t.count, Math.max(max, 4));
        break;
      case 'M':
      case 'L':
        if (t.count >= 4) f.month = word(MONTHS) + 1;
        else if (t.count === 3) f.month = word(MONTHS.map((m) => m.slice(0, 3))) + 1;
        else f.month = digits(t.count, Math.max(2, t.count));
        break;
      case 'd':
        f.day = digits(t.count, 2);
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
        f.ms = Math.round(Number(`0.${text.slice(start, pos)}`) * 1000);
        break;
      }
      case 'a':
        f.pm = word(['AM', 'PM']) === 1;
        break;
      case 'E':
        word(t.count >= 4 ? DAYS : DAYS.map((d) => d.slice(0, 3)));
        break;
      case 'Z':
      case 'X':
      case 'x':
        f.offset = offsetAt();
        break;
      default:
        throw new TimeFormatError(`Unsupported pattern letter for parsing: ${t.letter}`);
    }
  });
  if (pos !== text.length) fail();
  if (f.pm !== null && f.pm) f.hour += 12;
  const local = Date.UTC(f.year, f.month - 1, f.day, f.hour, f.minute, f.second, f.ms);
  if (f.offset !== null) return local - f.offset * 1000;
  // Resolve a zone's offset at the local time (two passes settle DST edges).
  let offset = zoneOffsetSeconds(zone, local);
  offset = zoneOffsetSeconds(zone, local - offset * 1000);
  return local - offset * 1000;
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
