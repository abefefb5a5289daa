/**
 * The progress panel's arithmetic: stages never go back, speed and time left from rows and time,
 * durations as a clock.
 */
import { describe, expect, it } from 'vitest';
import { clock, laterStage, pace, speed } from '../../../clients/web/src/progress';

describe('laterStage', () => {
  it('moves forward and never back (a late batch event after "finishing" keeps "finishing")', () => {
    expect(laterStage(null, 'checked')).toBe('checked');
    expect(laterStage('started', 'writing')).toBe('writing');
    expect(laterStage('finishing', 'writing')).toBe('finishing');
    expect(laterStage('done', 'checked')).toBe('done');
    // A stage may be skipped (a file whose single batch answers before its event arrives).
    expect(laterStage('started', 'finishing')).toBe('finishing');
  });
});

describe('pace', () => {
  it('knows neither speed nor time left before the first row', () => {
    expect(pace(0, 100, 5_000)).toEqual({ rowsPerSecond: null, remainingMs: null });
    expect(pace(10, 100, 0)).toEqual({ rowsPerSecond: null, remainingMs: null });
  });

  it('projects the rest at the speed so far: 25 of 100 rows in 5 s is 5 rows/s, 75 rows left take 15 s', () => {
    expect(pace(25, 100, 5_000)).toEqual({ rowsPerSecond: 5, remainingMs: 15_000 });
  });

  it('has nothing left once every row is accounted for', () => {
    expect(pace(100, 100, 4_000)).toEqual({ rowsPerSecond: 25, remainingMs: 0 });
  });
});

describe('clock', () => {
  it('shows minutes:seconds, and hours when there are any', () => {
    expect(clock(0)).toBe('0:00');
    expect(clock(7_900)).toBe('0:07');
    expect(clock(62_000)).toBe('1:02');
    expect(clock(3_723_000)).toBe('1:02:03');
  });

  it('rounds time left up, so "0:00" is never shown while rows remain', () => {
    expect(clock(300, true)).toBe('0:01');
    expect(clock(59_001, true)).toBe('1:00');
    expect(clock(-5)).toBe('0:00');
  });
});

describe('speed', () => {
  it('says rows per second, with a decimal only below 10', () => {
    expect(speed(null)).toBe('—');
    expect(speed(2.46)).toBe('2.5 rows/s');
    expect(speed(1234.5)).toBe('1,235 rows/s');
  });
});
