import { describe, expect, it } from 'vitest';
import { csvCell, neutralizeCell, reportHeader, reportLine } from '../../../clients/ingest/report';

describe('neutralizeCell', () => {
  it('prefixes cells a spreadsheet would run as formulas with a quote (OWASP CSV injection)', () => {
    for (const v of ['=1+1', '+SUM(A1)', '-2+3', '@cmd', '\tx', '\rx']) expect(neutralizeCell(v)).toBe(`'${v}`);
  });

  it('leaves ordinary text alone', () => {
    expect(neutralizeCell('Ann Lee')).toBe('Ann Lee');
    expect(neutralizeCell('a=b')).toBe('a=b');
  });
});

describe('report lines', () => {
  it('quotes per RFC 4180 after neutralising', () => {
    expect(csvCell('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvCell('a,b')).toBe('"a,b"');
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
