import { describe, expect, it } from 'vitest';
import { csvCell, neutralizeCell, reportHeader, reportLine } from '../../../clients/ingest/report';

describe('neutralizeCell', () => {
  it('prefixes cells a spreadsheet would run as formulas with a quote (OWASP CSV injection)', () => {
    for (const v of ['=1+1', '+SUM(A1)', '-2+3', '@cmd', '\tx', '\rx']) expect(neutralizeCell(v)).toBe(`'${v}`);
  });

  it('neutralises every form the OWASP CSV-injection guidance covers', () => {
    const cases = [
      // leading whitespace spreadsheets skip before evaluating
      ' =1+1', '  +SUM(A1)', '\u00a0-2+3', '\u3000@cmd', ' \t=x',
      // tab, CR, LF, NUL as the first character (OWASP, ASVS V1.2.10)
      '\tx', '\rx', '\nx', '\u0000x', '\r\n=1',
      // full-width and small forms, the minus sign
      '＝1+1', '＋1', '－1', '＠SUM(A1)', '﹦1', '﹢1', '﹣1', '﹫x', '−1', ' ＝1',
      // zero-width characters hiding the formula character
      '\u200b=1', '\ufeff=1',
    ];
    for (const v of cases) expect(neutralizeCell(v), JSON.stringify(v)).toBe(`'${v}`);
  });

  it('leaves ordinary text alone', () => {
    expect(neutralizeCell('Ann Lee')).toBe('Ann Lee');
    expect(neutralizeCell('a=b')).toBe('a=b');
    expect(neutralizeCell('x - y')).toBe('x - y');
    expect(neutralizeCell('ann@x.example')).toBe('ann@x.example');
    expect(neutralizeCell('')).toBe('');
  });
});

describe('report lines', () => {
  it('quotes per RFC 4180 after neutralising', () => {
    expect(csvCell('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvCell('a,b')).toBe('"a,b"');
    // A semicolon, tab or pipe (what a spreadsheet may split on in other locales) keeps the cell whole.
    expect(csvCell('Ann;=cmd()')).toBe('"Ann;=cmd()"');
    expect(csvCell('Ann|@x')).toBe('"Ann|@x"');
    expect(csvCell('a\tb')).toBe('"a\tb"');
  });

  it('lists the row, status, reasons by column and the original cells', () => {
    const line = reportLine(
      { row: 4, status: 'INVALID', errors: [{ field: 'email', code: 'FORMAT', message: 'Email "=x" is not an email' }], cells: ['=x', 'Mallory'] },
      (f) => (f === 'email' ? 'E-mail' : f),
    );
    expect(reportHeader(['E-mail', 'Name'])).toBe('row,status,reasons,E-mail,Name\r\n');
    expect(line).toBe(`4,INVALID,"E-mail: Email ""=x"" is not an email [FORMAT]",'=x,Mallory\r\n`);
  });
});
