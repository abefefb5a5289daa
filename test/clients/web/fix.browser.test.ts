/**
 * "Fix rows" in the web page (clients/web/src/fixRows.ts), in Debian's Chromium against a real
 * in-memory local stack (as page.browser.test.ts): invalid cells edited with the keyboard,
 * revalidated as typed with the model's rules, and the fixed rows imported with the engine's
 * `corrections` option. Screenshots go to $FOREMAN_SCREENSHOTS or <tmp>/foreman-web-screenshots.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { parse } from 'csv-parse/sync';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from '../../helpers/localStack';

const CHROMIUM = process.env.FOREMAN_CHROMIUM ?? '/usr/bin/chromium';
const SHOTS = process.env.FOREMAN_SCREENSHOTS ?? path.join(os.tmpdir(), 'foreman-web-screenshots');
const PASSWORD = 'Fix-Rows-Passw0rd!';
const IMPORTER = { name: 'fiona', groups: ['importers'] };

describe('fixing rows in the web page (Chromium)', () => {
  let stack: TestStack;
  let context: BrowserContext;
  let userDataDir: string;
  let pageUrl: string;

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`Chromium is missing at ${CHROMIUM}: install it (apt-get install -y chromium) or point FOREMAN_CHROMIUM at one.`);
    mkdirSync(SHOTS, { recursive: true });
    stack = await startTestStack();
    pageUrl = stack.graphqlUrl.replace(/\/graphql$/, '/app/');
    await stack.userPool.addUser({ username: IMPORTER.name, groups: IMPORTER.groups, password: PASSWORD });
    userDataDir = mkdtempSync(path.join(os.tmpdir(), 'foreman-chromium-fix-'));
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      acceptDownloads: true,
      viewport: { width: 1100, height: 900 },
    });
  });

  afterAll(async () => {
    await context?.close();
    await stack?.stop();
    if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
  });

  async function openPage(): Promise<{ page: Page; problems: string[] }> {
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('dialog', (d) => {
      problems.push(`dialog: ${d.message()}`);
      void d.dismiss();
    });
    await page.goto(pageUrl);
    await page.waitForSelector('body[data-state="signed-out"]');
    await page.fill('#username', IMPORTER.name);
    await page.fill('#password', PASSWORD);
    await page.click('#signin-button');
    await page.waitForSelector('body[data-state="ready"]');
    return { page, problems };
  }

  async function dropFile(page: Page, name: string, text: string): Promise<void> {
    await page.evaluate(
      ([n, t]) => {
        const data = new DataTransfer();
        data.items.add(new File([t], n, { type: 'text/csv' }));
        document.getElementById('drop')!.dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true }));
      },
      [name, text] as const,
    );
    await page.waitForSelector('body[data-state="inspected"]');
  }

  async function customers(): Promise<Map<string, Record<string, unknown>>> {
    const items: Record<string, unknown>[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const out = await stack.ddb.send(new ScanCommand({ TableName: stack.tableNames.Customers, ConsistentRead: true, ExclusiveStartKey: start }));
      items.push(...(out.Items ?? []));
      start = out.LastEvaluatedKey;
    } while (start);
    return new Map(items.map((i) => [String(i.email), i]));
  }

  const input = (page: Page, row: number, column: string) => page.locator(`#fix-table input[aria-label="Row ${row}, ${column}"]`);
  /** The focused element's accessible label. */
  const focused = (page: Page) => page.evaluate(() => document.activeElement?.getAttribute('aria-label') ?? document.activeElement?.id ?? null);
  /** Replaces the focused input's text with the keyboard, as a user would. */
  async function retype(page: Page, text: string): Promise<void> {
    await page.keyboard.press('Control+A');
    await page.keyboard.press('Backspace');
    await page.keyboard.type(text);
  }
  /** The row's status cell and whether each of its inputs is marked invalid. */
  async function rowState(page: Page, row: number): Promise<{ status: string; invalid: string[] }> {
    return page.locator(`#fix-table tr[data-row="${row}"]`).evaluate((tr) => ({
      status: tr.querySelector('.fix-status')!.textContent ?? '',
      invalid: [...tr.querySelectorAll('input[aria-invalid="true"]')].map((i) => i.getAttribute('data-field')!),
    }));
  }

  it('fix three invalid cells in the page and import them', async () => {
    const { page, problems } = await openPage();
    const csv = [
      'Email,Full Name,Signup Date',
      'first@fix3.example,First Valid,2024-01-01',
      'not-an-email,Bad Email,2024-01-02',
      'nameless@fix3.example,,2024-01-03',
      'bad.date@fix3.example,Bad Date,2024-13-45',
      'unfixed@fix3.example,Left Alone,31/12/2024',
      'last@fix3.example,Last Valid,2024-01-06',
    ].join('\n');
    await dropFile(page, 'fix_three.csv', csv);
    await expect(page.locator('#issues-summary').textContent()).resolves.toMatch(/^4 rows will not be imported/);
    await expect(page.locator('#fix-area').isVisible()).resolves.toBe(true);
    await expect(page.locator('#fix-range').textContent()).resolves.toBe('Rows 1–4 of 4 with problems (page 1 of 1)');
    await expect(page.locator('#fix-table tbody tr').evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-row')))).resolves.toEqual(['3', '4', '5', '6']);
    // The invalid cell is marked, and its message is its description.
    const email3 = input(page, 3, 'Email');
    await expect(email3.getAttribute('aria-invalid')).resolves.toBe('true');
    const describedBy = await email3.getAttribute('aria-describedby');
    await expect(page.locator(`[id="${describedBy}"]`).textContent()).resolves.toBe('Email "not-an-email" is not an email address like name@example.com.');
    await expect(input(page, 3, 'Full Name').getAttribute('aria-invalid')).resolves.toBeNull();
    await page.screenshot({ path: path.join(SHOTS, 'fix-1-before.png'), fullPage: true });

    // Keyboard only: Tab from the file picker's area reaches the table's inputs; focus the first cell and go.
    await email3.focus();
    await retype(page, 'still-not-an-email');
    // Revalidated as typed: the message follows the value.
    await expect(page.locator(`[id="${describedBy}"]`).textContent()).resolves.toBe('Email "still-not-an-email" is not an email address like name@example.com.');
    await retype(page, 'bad.email@fix3.example');
    await expect(rowState(page, 3)).resolves.toEqual({ status: 'Fixed', invalid: [] });
    await expect(email3.getAttribute('aria-describedby')).resolves.toBeNull();
    // Tab moves to the next input (row 3's name), Enter to the next invalid cell (row 4's name).
    await page.keyboard.press('Tab');
    await expect(focused(page)).resolves.toBe('Row 3, Full Name');
    await page.keyboard.press('Enter');
    await expect(focused(page)).resolves.toBe('Row 4, Full Name');
    await page.keyboard.type('Named Now');
    await expect(rowState(page, 4)).resolves.toEqual({ status: 'Fixed', invalid: [] });
    await page.keyboard.press('Enter');
    await expect(focused(page)).resolves.toBe('Row 5, Signup Date');
    await retype(page, '2024-12-25');
    await expect(rowState(page, 5)).resolves.toEqual({ status: 'Fixed', invalid: [] });
    // The next invalid cell is row 6's date, left alone.
    await page.keyboard.press('Enter');
    await expect(focused(page)).resolves.toBe('Row 6, Signup Date');
    await expect(rowState(page, 6)).resolves.toEqual({ status: '1 problem', invalid: ['signupDate'] });
    await expect(page.locator('#fix-summary').textContent()).resolves.toBe('3 rows fixed: they will be imported with your corrections (the file itself is not changed). 1 row will not be imported.');
    await page.screenshot({ path: path.join(SHOTS, 'fix-2-three-fixed.png'), fullPage: true });

    await page.click('#import-button');
    await page.waitForSelector('body[data-state="finished"], body[data-state="failed"]', { timeout: 60_000 });
    await expect(page.locator('body').getAttribute('data-state')).resolves.toBe('finished');
    await expect(page.locator('#progress-text').textContent()).resolves.toBe('Finished: 6 of 6 rows processed — 5 created, 0 duplicates, 1 invalid.');
    await expect(page.locator('#outcome').textContent()).resolves.toBe(
      'Imported 5 of 6 rows; 1 was not imported (1 invalid). 5 created. The rows not imported are listed on this page and in the error report: fix them and import them as a new file. 3 rows corrected in the page: 3 imported.',
    );
    await expect(page.locator('#counts').textContent()).resolves.toContain('Corrected in the page3 (3 imported, 0 not)');
    // The table is frozen after the import: its corrections went with it.
    await expect(input(page, 6, 'Signup Date').isDisabled()).resolves.toBe(true);
    // The unfixed row is still reported: in the check's list and the report.
    await expect(page.locator('#issues tbody tr').evaluateAll((trs) => trs.map((tr) => tr.querySelector('td')!.textContent))).resolves.toContain('6');
    await expect(page.locator('#report-link').textContent()).resolves.toBe('Download the report (1 row not imported, 3 imported as corrected in the page, CSV)');
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#report-link')]);
    const lines = parse(readFileSync((await download.path())!, 'utf8')) as string[][];
    // The row not imported, then each corrected row with the values that were sent.
    expect(lines).toEqual([
      ['row', 'status', 'reasons', 'Email', 'Full Name', 'Signup Date'],
      ['6', 'INVALID', 'Signup Date: Signup date "31/12/2024" is not a date as YYYY-MM-DD. [FORMAT]', 'unfixed@fix3.example', 'Left Alone', '31/12/2024'],
      ['3', 'CORRECTED', '(row): imported with the values corrected in the page [CORRECTED]', 'bad.email@fix3.example', 'Bad Email', '2024-01-02'],
      ['4', 'CORRECTED', '(row): imported with the values corrected in the page [CORRECTED]', 'nameless@fix3.example', 'Named Now', '2024-01-03'],
      ['5', 'CORRECTED', '(row): imported with the values corrected in the page [CORRECTED]', 'bad.date@fix3.example', 'Bad Date', '2024-12-25'],
    ]);
    await page.screenshot({ path: path.join(SHOTS, 'fix-3-imported.png'), fullPage: true });

    const stored = await customers();
    expect(stored.get('bad.email@fix3.example')).toMatchObject({ name: 'Bad Email', rowNumber: 3 });
    expect(stored.get('nameless@fix3.example')).toMatchObject({ name: 'Named Now', rowNumber: 4 });
    expect(stored.get('bad.date@fix3.example')).toMatchObject({ signupDate: '2024-12-25', rowNumber: 5 });
    expect(stored.has('unfixed@fix3.example')).toBe(false);
    expect(stored.has('not-an-email')).toBe(false);
    // The ingestion records that three rows were corrected before sending.
    const ingestionId = (await page.locator('#counts code').textContent())!;
    const meta = await stack.ddb.send(new ScanCommand({ TableName: stack.tableNames.Ingestions, ConsistentRead: true }));
    expect(meta.Items?.find((i) => i.pk === ingestionId && i.sk === 'META')).toMatchObject({ correctedRows: 3, created: 5, invalid: 1 });
    expect(problems).toEqual([]);
    await page.close();
  });

  it('keeps a fix that breaks another cell invalid, and a fix into another row’s email a duplicate of it', async () => {
    const { page, problems } = await openPage();
    const csv = [
      'Email,Full Name,Signup Date',
      'owner@bad-fix.example,Owner,2024-01-01',
      'not-an-email,Breaks Date,2024-01-02',
      'also-not-an-email,Repeats Owner,2024-01-03',
      'never-fixed,Never Fixed,2024-01-04',
    ].join('\n');
    await dropFile(page, 'bad_fixes.csv', csv);
    // Row 3: the email is fixed but the date is broken in the same edit.
    await input(page, 3, 'Email').focus();
    await retype(page, 'breaks.date@bad-fix.example');
    await expect(rowState(page, 3)).resolves.toEqual({ status: 'Fixed', invalid: [] });
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    await expect(focused(page)).resolves.toBe('Row 3, Signup Date');
    await retype(page, '2024-02-30');
    await expect(rowState(page, 3)).resolves.toEqual({ status: '1 problem (edited)', invalid: ['signupDate'] });
    await expect(page.locator('#fix-3-signupDate').textContent()).resolves.toBe('Signup date "2024-02-30" is not a date as YYYY-MM-DD.');
    // Row 4: a valid email — the owner's (row 2), in other letters.
    await input(page, 4, 'Email').focus();
    await retype(page, 'OWNER@bad-fix.example');
    await expect(rowState(page, 4)).resolves.toEqual({ status: 'Fixed', invalid: [] });
    await expect(page.locator('#fix-summary').textContent()).resolves.toBe('1 row fixed: it will be imported with your corrections (the file itself is not changed). 1 corrected row still has problems. 2 rows will not be imported.');
    await page.screenshot({ path: path.join(SHOTS, 'fix-4-bad-fixes.png'), fullPage: true });

    await page.click('#import-button');
    await page.waitForSelector('body[data-state="finished"], body[data-state="failed"]', { timeout: 60_000 });
    await expect(page.locator('#progress-text').textContent()).resolves.toBe('Finished: 4 of 4 rows processed — 1 created, 1 duplicate, 2 invalid.');
    await expect(page.locator('#outcome').textContent()).resolves.toMatch(/ 2 rows corrected in the page: 0 imported, 2 still not \(listed below\)\.$/);
    // Both corrected rows are listed, as corrected; the unfixed one stays with the check's issues.
    const listed = await page.locator('#rejected tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent ?? '')));
    expect(listed.map((l) => [l[0], l[1]])).toEqual([
      ['3', 'invalid'],
      ['4', 'duplicate'],
    ]);
    expect(listed[0]![2]).toBe('Corrected in the page, still not imported; Signup Date: Signup date "2024-02-30" is not a date as YYYY-MM-DD.');
    expect(listed[1]![2]).toMatch(/^Corrected in the page, still not imported; Email owner@bad-fix\.example already belongs to .+ \(row 2 of ingestion /);
    await expect(page.locator('#report-link').textContent()).resolves.toBe('Download the error report (3 rows, CSV)');
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#report-link')]);
    const lines = parse(readFileSync((await download.path())!, 'utf8')) as string[][];
    // The report: every row not imported, the corrected ones with the cells that were sent.
    expect(lines.map((l) => [l[0], l[1], l[3]]).sort()).toEqual([
      ['3', 'INVALID', 'breaks.date@bad-fix.example'],
      ['4', 'DUPLICATE', 'OWNER@bad-fix.example'],
      ['5', 'INVALID', 'never-fixed'],
      ['row', 'status', 'Email'],
    ]);
    await page.screenshot({ path: path.join(SHOTS, 'fix-5-bad-fixes-imported.png'), fullPage: true });
    const stored = await customers();
    expect(stored.get('owner@bad-fix.example')).toMatchObject({ name: 'Owner' });
    expect(stored.has('breaks.date@bad-fix.example')).toBe(false);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('pages through 60 rows with problems 25 at a time, keeps edits across pages, and Enter crosses to the next page', async () => {
    const { page, problems } = await openPage();
    const csv = ['Email,Full Name'];
    for (let i = 1; i <= 60; i++) csv.push(`broken-${i},Person ${i}`);
    csv.push('valid@paging.example,Valid Person');
    await dropFile(page, 'paging.csv', csv.join('\n'));
    await expect(page.locator('#fix-range').textContent()).resolves.toBe('Rows 1–25 of 60 with problems (page 1 of 3)');
    await expect(page.locator('#fix-table tbody tr').count()).resolves.toBe(25);
    await expect(page.locator('#fix-prev').isDisabled()).resolves.toBe(true);
    // Row 2 (the first data row) fixed on page 1.
    await input(page, 2, 'Email').focus();
    await retype(page, 'p1@paging.example');
    await page.click('#fix-next');
    await expect(page.locator('#fix-range').textContent()).resolves.toBe('Rows 26–50 of 60 with problems (page 2 of 3)');
    await expect(page.locator('#fix-table tbody tr').first().getAttribute('data-row')).resolves.toBe('27');
    // Enter on the last row of page 2 goes to the first invalid cell of page 3.
    await input(page, 51, 'Email').focus();
    await page.keyboard.press('Enter');
    await expect(page.locator('#fix-range').textContent()).resolves.toBe('Rows 51–60 of 60 with problems (page 3 of 3)');
    await expect(focused(page)).resolves.toBe('Row 52, Email');
    await retype(page, 'p3@paging.example');
    await expect(page.locator('#fix-next').isDisabled()).resolves.toBe(true);
    // Back to page 1: the edit is still there, and the row still fixed.
    await page.click('#fix-prev');
    await page.click('#fix-prev');
    await expect(input(page, 2, 'Email').inputValue()).resolves.toBe('p1@paging.example');
    await expect(rowState(page, 2)).resolves.toEqual({ status: 'Fixed', invalid: [] });
    await expect(page.locator('#fix-summary').textContent()).resolves.toBe('2 rows fixed: they will be imported with your corrections (the file itself is not changed). 58 rows will not be imported.');
    await page.screenshot({ path: path.join(SHOTS, 'fix-6-paging.png'), fullPage: true });
    // On a phone (390 px) the table scrolls in its own box: the page is no wider than the screen.
    await page.setViewportSize({ width: 390, height: 844 });
    await expect(page.evaluate(() => document.documentElement.scrollWidth)).resolves.toBeLessThanOrEqual(390);
    await input(page, 2, 'Email').scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(SHOTS, 'fix-7-phone.png') });
    await page.setViewportSize({ width: 1100, height: 900 });

    await page.click('#import-button');
    await page.waitForSelector('body[data-state="finished"], body[data-state="failed"]', { timeout: 60_000 });
    await expect(page.locator('#progress-text').textContent()).resolves.toBe('Finished: 61 of 61 rows processed — 3 created, 0 duplicates, 58 invalid.');
    await expect(page.locator('#outcome').textContent()).resolves.toMatch(/ 2 rows corrected in the page: 2 imported\.$/);
    const stored = await customers();
    expect(stored.get('p1@paging.example')).toMatchObject({ name: 'Person 1', rowNumber: 2 });
    expect(stored.get('p3@paging.example')).toMatchObject({ name: 'Person 51', rowNumber: 52 });
    await expect(page.locator('#report-link').textContent()).resolves.toBe('Download the report (58 rows not imported, 2 imported as corrected in the page, CSV)');
    expect(problems).toEqual([]);
    await page.close();
  });
});
