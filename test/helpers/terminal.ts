/**
 * A minimal terminal screen for checking what a live display leaves for a person to read: it
 * applies what a terminal does with printable characters, CR, LF (as a tty with `onlcr` outputs
 * it: to the start of the next line), ESC[2K (erase line), ESC[nA (cursor up) and ignores other
 * CSI sequences (e.g. hiding the cursor). One column per code point.
 *
 * @example
 * screen('50%\r\x1b[2Kretrying\n100%') // ['retrying', '100%']
 */
export function screen(output: string): string[] {
  const lines: string[][] = [[]];
  let row = 0;
  let col = 0;
  const chars = [...output];
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i]!;
    if (ch === '\x1b' && chars[i + 1] === '[') {
      let j = i + 2;
      let params = '';
      while (j < chars.length && /[0-9;?]/.test(chars[j]!)) params += chars[j++];
      const command = chars[j];
      if (command === 'K' && params === '2') lines[row] = [];
      else if (command === 'A') row = Math.max(0, row - Number(params || '1'));
      i = j;
      continue;
    }
    if (ch === '\r') col = 0;
    else if (ch === '\n') {
      row++;
      col = 0;
      lines[row] ??= [];
    } else {
      const line = (lines[row] ??= []);
      while (line.length < col) line.push(' ');
      line[col++] = ch;
    }
  }
  return lines.map((l) => l.join('').trimEnd());
}
