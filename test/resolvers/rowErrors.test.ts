/** What the server stores of a rejected row (resolvers/lib/rowErrors), checked against ROW_ERROR_LIMITS. */
import { describe, expect, it } from 'vitest';
import { capErrors, capRaw, capRawInput, cutText, MORE_CELLS } from '../../resolvers/lib/rowErrors';
import { ROW_ERROR_LIMITS } from '../../resolvers/lib/rules';

describe('capping a rejected row', () => {
  it('cuts a long cell and says how much was cut', () => {
    expect(cutText('abcdef', 4)).toBe('abcd… [2 more characters]');
    expect(cutText('abcd', 4)).toBe('abcd');
  });

  it('keeps a narrow row as it is', () => {
    expect(JSON.parse(capRaw({ Email: '=cmd()', Name: 'A' }))).toEqual({ Email: '=cmd()', Name: 'A' });
  });

  it('stores about rawChars of a wide row and counts the cells left out', () => {
    const cells: Record<string, string> = {};
    for (let i = 0; i < 100_000; i++) cells[`column ${i}`] = `cell${i}`;
    const stored = capRaw(cells);
    expect(stored.length).toBeLessThanOrEqual(ROW_ERROR_LIMITS.rawChars);
    const parsed = JSON.parse(stored) as Record<string, string>;
    const kept = Object.keys(parsed).filter((k) => k !== MORE_CELLS);
    // The cells kept are the first ones, in order, unchanged.
    expect(kept).toEqual(Array.from({ length: kept.length }, (_, i) => `column ${i}`));
    expect(parsed[MORE_CELLS]).toBe(`${100_000 - kept.length} more cells not stored (the client's error report has the whole row)`);
    // Capped again (the server caps what the client capped): the same.
    expect(capRawInput(parsed)).toBe(stored);
  });

  it('wraps raw text that is not a JSON object and too long', () => {
    const text = 'x'.repeat(ROW_ERROR_LIMITS.rawChars + 10);
    expect(JSON.parse(capRawInput(text)!)).toEqual({ [MORE_CELLS]: `${'x'.repeat(ROW_ERROR_LIMITS.rawChars)}… [10 more characters]` });
    expect(capRawInput(null)).toBeNull();
  });

  it('keeps the first errors with cut messages and counts the rest', () => {
    const errors = Array.from({ length: 10 }, (_, i) => ({ field: 'f'.repeat(100), code: `C${i}`, message: 'm'.repeat(300) }));
    const kept = capErrors(errors);
    expect(kept).toHaveLength(ROW_ERROR_LIMITS.errors + 1);
    expect(kept[0]).toEqual({ field: `${'f'.repeat(64)}… [36 more characters]`, code: 'C0', message: `${'m'.repeat(200)}… [100 more characters]` });
    expect(kept.at(-1)).toEqual({ field: 'row', code: 'MORE_ERRORS', message: `${10 - ROW_ERROR_LIMITS.errors} more errors in this row were not stored.` });
  });
});

describe('capping twice', () => {
  it('leaves a cell the client already cut as it is', () => {
    const once = cutText('L'.repeat(5000), 1024);
    expect(once).toBe(`${'L'.repeat(1024)}… [3976 more characters]`);
    expect(cutText(once, 1024)).toBe(once);
  });
});
