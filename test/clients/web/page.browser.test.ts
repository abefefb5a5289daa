/**
 * The web page in a real browser (Debian's Chromium driven by playwright-core) against a real
 * in-memory local stack: the page is served by the stack at /app/ with its /config.json, the
 * engine runs in the browser, writes through the GraphQL mutations and the progress bar follows
 * the onIngestionProgress subscription over the browser's own WebSocket.
 *
 * Chromium must be installed (.ci/run installs it); without it this file fails, it does not skip.
 * Screenshots go to $FOREMAN_SCREENSHOTS or <tmp>/foreman-web-screenshots (never committed).
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { crc32 } from 'node:zlib';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { parse } from 'csv-parse/sync';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../../../infra/bundle';
import { startTestStack, type TestStack } from '../../helpers/localStack';
import { csvRows, dateCell, writeCompoundFile, writeXlsx, type XCell } from '../../helpers/xlsx';
import { mappingFingerprint, modelByKey } from '../../../clients/ingest';
import { nodeDigest } from '../../../clients/ingest/node';

const CHROMIUM = process.env.FOREMAN_CHROMIUM ?? '/usr/bin/chromium';
const SHOTS = process.env.FOREMAN_SCREENSHOTS ?? path.join(os.tmpdir(), 'foreman-web-screenshots');
const sample = (name: string) => path.join(repoRoot, 'samples', name);

/** The data rows of a sample, as objects keyed by header (csv-parse, independent of the engine). */
function rowsOf(file: string): Record<string, string>[] {
  return parse(readFileSync(file), { columns: true, skip_empty_lines: true }) as Record<string, string>[];
}

/**
 * A ZIP archive with `entries` stored uncompressed (PKWARE APPNOTE 4.3: local headers, central
 * directory, end record) — enough to make the workbooks and archives users pick by mistake.
 */
function storedZip(entries: Record<string, string>): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, text] of Object.entries(entries)) {
    const nameBytes = Buffer.from(name);
    const data = Buffer.from(text);
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(nameBytes.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, nameBytes, data);
    centrals.push(central, nameBytes);
    offset += 30 + nameBytes.length + data.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(Object.keys(entries).length, 8);
  end.writeUInt16LE(Object.keys(entries).length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

interface DataFrame {
  type: string;
  payload?: { data?: { onIngestionProgress?: { stage: string; processed: number; created: number; rowCount: number | null } } };
}

/** Users of the local pool the tests sign in as (password policy: 12+ characters, four classes). */
const PASSWORD = 'Web-Page-Passw0rd!';
const IMPORTER = { name: 'ines', groups: ['importers'] };
const OTHER_IMPORTER = { name: 'omar', groups: ['importers'] };
const VIEWER = { name: 'vera', groups: ['viewers'] };

describe('the web page in Chromium', () => {
  let stack: TestStack;
  let context: BrowserContext;
  let userDataDir: string;
  let pageUrl: string;

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(`Chromium is missing at ${CHROMIUM}: the web page tests need a real browser. Install it (apt-get install -y chromium; npm test does it through test/preflight.sh) or point FOREMAN_CHROMIUM at one.`);
    }
    mkdirSync(SHOTS, { recursive: true });
    // TLS too: one test loads the page over HTTPS, as `foreman serve` also offers it.
    stack = await startTestStack({ tls: true });
    pageUrl = stack.graphqlUrl.replace(/\/graphql$/, '/app/');
    for (const user of [IMPORTER, OTHER_IMPORTER, VIEWER]) await stack.userPool.addUser({ username: user.name, groups: user.groups, password: PASSWORD });
    userDataDir = mkdtempSync(path.join(os.tmpdir(), 'foreman-chromium-'));
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      acceptDownloads: true,
      // The stack's certificate is self-signed (generated per stack); HTTP tests are unaffected.
      ignoreHTTPSErrors: true,
      viewport: { width: 1100, height: 900 },
    });
  });

  afterAll(async () => {
    await context?.close();
    await stack?.stop();
    if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
  });

  /** A fresh tab on the page, failing the test on any script error or alert(). */
  /**
   * A fresh tab on the page (its own sessionStorage: signed out), signed in through the form as
   * `user` (default the importer); fails the test on any script error or alert().
   */
  async function openPage(url = pageUrl, user = IMPORTER, expectState = 'ready'): Promise<{ page: Page; problems: string[] }> {
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('dialog', (d) => {
      problems.push(`dialog: ${d.message()}`);
      void d.dismiss();
    });
    await page.goto(url);
    await page.waitForSelector('body[data-state="signed-out"]');
    await signIn(page, user.name, PASSWORD);
    await page.waitForSelector(`body[data-state="${expectState}"]`);
    return { page, problems };
  }

  async function signIn(page: Page, name: string, password: string): Promise<void> {
    await page.fill('#username', name);
    await page.fill('#password', password);
    await page.click('#signin-button');
  }

  async function pickFile(page: Page, file: string): Promise<void> {
    await page.setInputFiles('#file', file);
    await page.waitForSelector('body[data-state="inspected"], body[data-state="file-problem"]');
  }

  /** Every item of every table, for "the check wrote nothing". */
  async function everything(): Promise<string> {
    const all: Record<string, string[]> = {};
    for (const table of ['Customers', 'Projects', 'Invoices', 'Ingestions', 'Uniques'] as const) all[table] = (await scanAll(table)).map((i) => JSON.stringify(i)).sort();
    return JSON.stringify(all);
  }

  /** A drop, as a user dragging a file onto the box: a File built in the page, in a DataTransfer. */
  async function dropFile(page: Page, name: string, text: string, state = 'inspected'): Promise<void> {
    await page.evaluate(
      ([n, t]) => {
        const data = new DataTransfer();
        data.items.add(new File([t], n, { type: 'text/csv' }));
        document.getElementById('drop')!.dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true }));
      },
      [name, text] as const,
    );
    await page.waitForSelector(`body[data-state="${state}"]`);
  }

  async function scanAll(table: 'Customers' | 'Projects' | 'Invoices' | 'Ingestions' | 'Uniques' | 'Mappings'): Promise<Record<string, unknown>[]> {
    const items: Record<string, unknown>[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await stack.ddb.send(new ScanCommand({ TableName: stack.tableNames[table], ConsistentRead: true, ExclusiveStartKey: start }));
      items.push(...(page.Items ?? []));
      start = page.LastEvaluatedKey;
    } while (start);
    return items;
  }

  it('serves config.json with the shape the CDK app writes, pointing at this stack', async () => {
    const response = await fetch(stack.graphqlUrl.replace(/\/graphql$/, '/config.json'));
    expect(response.status).toBe(200);
    // Keys as infra/aws/stack.ts writes them (WebConfig), plus the local pool's endpoint; no API key.
    expect(await response.json()).toEqual({
      graphqlUrl: stack.graphqlUrl,
      realtimeUrl: stack.realtimeUrl,
      region: stack.iam.region,
      authMode: 'AMAZON_COGNITO_USER_POOLS',
      userPoolId: stack.userPool.userPoolId,
      userPoolClientId: stack.userPool.webClientId,
      cognitoEndpoint: `${new URL(stack.graphqlUrl).origin}/cognito/`,
    });
  });

  it('asks who you are first: Cognito’s message for a wrong password, then the user and group in the header; tokens in sessionStorage only', async () => {
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    const cognitoCalls: string[] = [];
    page.on('request', (r) => {
      if (new URL(r.url()).pathname === '/cognito/') cognitoCalls.push(`${r.headers()['x-amz-target']} ${(JSON.parse(r.postData() ?? '{}') as { AuthFlow?: string }).AuthFlow}`);
    });
    await page.goto(pageUrl);
    await page.waitForSelector('body[data-state="signed-out"]');
    await expect(page.locator('#signin').isVisible()).resolves.toBe(true);
    await expect(page.locator('#app').isVisible()).resolves.toBe(false);
    await expect(page.locator('#who').isVisible()).resolves.toBe(false);

    await signIn(page, IMPORTER.name, 'Not-The-Passw0rd!');
    await page.waitForSelector('#signin-error:not([hidden])');
    await expect(page.locator('#signin-error').textContent()).resolves.toBe('Not signed in. Incorrect username or password.');
    await expect(page.locator('body').getAttribute('data-state')).resolves.toBe('signed-out');
    await page.screenshot({ path: path.join(SHOTS, '0-signin-refused.png') });

    await signIn(page, IMPORTER.name, PASSWORD);
    await page.waitForSelector('body[data-state="ready"]');
    await expect(page.locator('#who-name').textContent()).resolves.toBe('ines · importers');
    await expect(page.locator('#signin').isVisible()).resolves.toBe(false);
    await expect(page.locator('#file').isDisabled()).resolves.toBe(false);
    await expect(page.locator('#password').inputValue()).resolves.toBe('');
    // Cognito's protocol, as AWS's endpoint speaks it.
    expect(cognitoCalls).toEqual(['AWSCognitoIdentityProviderService.InitiateAuth USER_PASSWORD_AUTH', 'AWSCognitoIdentityProviderService.InitiateAuth USER_PASSWORD_AUTH']);
    const storage = await page.evaluate(() => ({ session: Object.keys(sessionStorage), local: localStorage.length }));
    expect(storage).toEqual({ session: [`foreman.session.${stack.userPool.webClientId}`], local: 0 });
    await page.screenshot({ path: path.join(SHOTS, '0-signed-in.png') });

    // A reload in the same tab keeps the session; Sign out forgets it, and a reload stays signed out.
    await page.reload();
    await page.waitForSelector('body[data-state="ready"]');
    await expect(page.locator('#who-name').textContent()).resolves.toBe('ines · importers');
    await page.click('#signout-button');
    await page.waitForSelector('body[data-state="signed-out"]');
    await expect(page.evaluate(() => sessionStorage.length)).resolves.toBe(0);
    await expect(page.locator('#app').isVisible()).resolves.toBe(false);
    await page.reload();
    await page.waitForSelector('body[data-state="signed-out"]');
    expect(problems).toEqual([]);
    await page.close();
  });

  it('lands on the sign-in form, saying why, when the tab’s session can no longer be refreshed', async () => {
    const { page, problems } = await openPage();
    // The ID token has expired and Cognito refuses the refresh token (expired or revoked).
    await page.evaluate(() => {
      const key = Object.keys(sessionStorage)[0]!;
      const stored = JSON.parse(sessionStorage.getItem(key)!) as Record<string, unknown>;
      sessionStorage.setItem(key, JSON.stringify({ ...stored, expiresAt: 0, refreshToken: 'revoked-refresh-token' }));
    });
    const refreshes: number[] = [];
    page.on('response', (r) => {
      if (new URL(r.url()).pathname === '/cognito/' && (r.request().postData() ?? '').includes('REFRESH_TOKEN_AUTH')) refreshes.push(r.status());
    });
    await page.reload();
    await page.waitForSelector('body[data-state="signed-out"]');
    // Cognito's answer to a bad refresh token is NotAuthorizedException with HTTP 400.
    expect(refreshes).toEqual([400]);
    await expect(page.locator('#signin-error').textContent()).resolves.toBe('Your session has ended. Sign in again.');
    await expect(page.evaluate(() => sessionStorage.length)).resolves.toBe(0);
    await expect(page.locator('#app').isVisible()).resolves.toBe(false);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('tells a viewer that importing is not allowed and offers no file picking', async () => {
    const { page, problems } = await openPage(pageUrl, VIEWER, 'not-allowed');
    await expect(page.locator('#who-name').textContent()).resolves.toBe('vera · viewers');
    await expect(page.locator('#not-allowed').textContent()).resolves.toBe(
      'Importing is not allowed for this account. vera is in viewers; importing files needs the importers (or admins) group. Ask an administrator to add you, then sign out and in again.',
    );
    await expect(page.locator('#file').isDisabled()).resolves.toBe(true);
    await page.screenshot({ path: path.join(SHOTS, '0-viewer.png') });
    expect(problems).toEqual([]);
    await page.close();
  });

  it('shows the detected model, the column mapping, a five-row preview and no issues for a valid file', async () => {
    const { page, problems } = await openPage();
    await pickFile(page, sample('customers_valid.csv'));
    const rows = rowsOf(sample('customers_valid.csv'));

    await expect(page.locator('#facts').textContent()).resolves.toContain('Customer (CUSTOMER)');
    const mapping = await page.locator('#mapping tbody tr').evaluateAll((trs) => trs.map((tr) => [tr.querySelector('td')!.textContent, tr.querySelector('select')!.value]));
    // Header "Full Name" is an alias of the customer's name field, "Signup Date" of signupDate.
    expect(mapping).toContainEqual(['Email', 'email']);
    expect(mapping.find((m) => m[0] === 'Full Name')?.[1]).toBe('name');
    expect(mapping.find((m) => m[0] === 'Signup Date')?.[1]).toBe('signupDate');
    await expect(page.locator('#model-select').inputValue()).resolves.toBe('customer');
    expect(mapping).toHaveLength(Object.keys(rows[0]!).length);

    const preview = page.locator('#preview tbody tr');
    await expect(preview.count()).resolves.toBe(5);
    // Data rows count from 2 (row 1 is the header), as a spreadsheet numbers them.
    await expect(preview.nth(0).locator('th').textContent()).resolves.toBe('2');
    await expect(preview.nth(4).textContent()).resolves.toContain(rows[4]!.Email);
    await expect(page.locator('#issues-summary').textContent()).resolves.toBe('No problems found: every row is valid.');
    await expect(page.locator('#issues').isHidden()).resolves.toBe(true);
    await page.screenshot({ path: path.join(SHOTS, '1-inspected.png'), fullPage: true });
    expect(problems).toEqual([]);
    await page.close();
  });

  let firstIngestionId = '';

  it('imports a valid file with the bar following onIngestionProgress to the final counts, and the customers exist', async () => {
    const { page, problems } = await openPage();
    const frames: DataFrame[] = [];
    page.on('websocket', (ws) => {
      ws.on('framereceived', ({ payload }) => {
        const frame = JSON.parse(String(payload)) as DataFrame;
        if (frame.type === 'data') frames.push(frame);
      });
    });
    const rows = rowsOf(sample('customers_valid.csv'));
    await pickFile(page, sample('customers_valid.csv'));
    await page.click('#import-button');
    await page.waitForSelector('body[data-state="finished"], body[data-state="failed"]', { timeout: 60_000 });
    await page.screenshot({ path: path.join(SHOTS, '2-imported.png'), fullPage: true });

    await expect(page.locator('body').getAttribute('data-state')).resolves.toBe('finished');
    const bar = await page.locator('#progress').evaluate((p: HTMLProgressElement) => ({ value: p.value, max: p.max }));
    expect(bar).toEqual({ value: rows.length, max: rows.length });
    await expect(page.locator('#progress-text').textContent()).resolves.toBe(`Finished: ${rows.length} of ${rows.length} rows processed — ${rows.length} created, 0 duplicates, 0 invalid.`);
    await expect(page.locator('#progress-text').getAttribute('aria-live')).resolves.toBe('polite');
    const counts = await page.locator('#counts').textContent();
    expect(counts).toContain(`Created${rows.length}`);
    expect(counts).toContain('Invalid0');

    // What the bar shows came over the page's own WebSocket: the last data frame is the finish event.
    expect(frames.length).toBeGreaterThan(0);
    const last = frames.at(-1)!.payload!.data!.onIngestionProgress!;
    expect(last).toMatchObject({ stage: 'FINISHED', processed: rows.length, created: rows.length, rowCount: rows.length });

    // Every row of the file is a customer in DynamoDB, with its name.
    const customers = await scanAll('Customers');
    const byEmail = new Map(customers.map((c) => [String(c.email).toLowerCase(), c]));
    for (const r of rows) expect(byEmail.get(r.Email!.toLowerCase())?.name, r.Email).toBe(r['Full Name']);
    // The ingestion is recorded as coming from the web page.
    const ingestions = (await scanAll('Ingestions')).filter((i) => i.sk === 'META' && i.fileName === 'customers_valid.csv');
    expect(ingestions).toHaveLength(1);
    expect(ingestions[0]).toMatchObject({ source: 'WEB', status: 'COMPLETED', created: rows.length });
    firstIngestionId = String(ingestions[0]!.id);
    await expect(page.locator('#counts').textContent()).resolves.toContain(firstIngestionId);
    // Every row went in: the one case that is green.
    await expect(page.locator('#outcome .notice').getAttribute('class')).resolves.toBe('notice ok');
    await expect(page.locator('#outcome').textContent()).resolves.toBe(`Import finished. All ${rows.length} rows imported: ${rows.length} created.`);
    await expect(page.locator('body').getAttribute('data-outcome')).resolves.toBe('complete');

    // The next file picked in the same tab shows nothing of this import: no counts, no outcome.
    await pickFile(page, sample('customers_invalid.csv'));
    await expect(page.locator('#counts').isVisible()).resolves.toBe(false);
    await expect(page.locator('#progress-area').isVisible()).resolves.toBe(false);
    await expect(page.locator('#outcome').textContent()).resolves.toBe('');
    await expect(page.locator('body').getAttribute('data-outcome')).resolves.toBeNull();
    // Hidden means not laid out at all (a CSS rule once kept the counts on screen despite `hidden`).
    await expect(page.locator('#counts').evaluate((e) => getComputedStyle(e).display)).resolves.toBe('none');
    expect(problems).toEqual([]);
    await page.close();
  });

  it('moves the bar batch by batch, never backwards, as the subscription reports each batch', async () => {
    const { page, problems } = await openPage();
    const rows = rowsOf(sample('customers_large.csv'));
    await pickFile(page, sample('customers_large.csv'));
    // Every value the bar takes, recorded by the page itself as it changes.
    await page.evaluate(() => {
      const seen: number[] = [];
      (window as unknown as { seen: number[] }).seen = seen;
      const bar = document.getElementById('progress') as HTMLProgressElement;
      new MutationObserver(() => seen.push(bar.value)).observe(bar, { attributes: true, attributeFilter: ['value'] });
      // …and every stage the panel shows.
      const stages: string[] = [];
      (window as unknown as { stages: string[] }).stages = stages;
      const list = document.getElementById('stages')!;
      new MutationObserver(() => stages.push(list.dataset.current ?? '')).observe(list, { attributes: true, attributeFilter: ['data-current'] });
    });
    await page.click('#import-button');
    await page.waitForSelector('body[data-state="finished"], body[data-state="failed"]', { timeout: 60_000 });
    const seen = await page.evaluate(() => (window as unknown as { seen: number[] }).seen);
    const moves = seen.filter((v, i) => v !== seen[i - 1] && v > 0);
    // 160 rows go in batches of at most 49 (docs/architecture.md: 2 items a row + 2 in a 100-item transaction), so
    // at least 4 batch events reach the bar before the finish event; whatever order they arrive in,
    // the bar only moves forward and ends at the file's row count.
    expect(moves.length).toBeGreaterThanOrEqual(2);
    expect(moves).toEqual([...moves].sort((a, b) => a - b));
    expect(moves.at(-1)).toBe(rows.length);
    await expect(page.locator('#progress-text').textContent()).resolves.toBe(`Finished: ${rows.length} of ${rows.length} rows processed — ${rows.length} created, 0 duplicates, 0 invalid.`);
    // Every stage in order, each once; the last is reached (ticked), nothing is current any more.
    await expect(page.evaluate(() => (window as unknown as { stages: string[] }).stages)).resolves.toEqual(['checked', 'started', 'writing', 'finishing', 'done']);
    await expect(page.locator('#stages li.reached').allTextContents()).resolves.toEqual(['Checked', 'Started', 'Writing', 'Finishing', 'Done']);
    await expect(page.locator('#stages [aria-current="step"]').textContent()).resolves.toBe('Done');
    // The live counters end at the file's numbers; speed, elapsed and time left read as such.
    await expect(page.locator('#live-processed').textContent()).resolves.toBe(`${rows.length} of ${rows.length}`);
    await expect(page.locator('#live-created').textContent()).resolves.toBe(String(rows.length));
    await expect(page.locator('#live-rate').textContent()).resolves.toMatch(/^\d[\d,.]* rows\/s$/);
    await expect(page.locator('#live-elapsed').textContent()).resolves.toMatch(/^\d+:\d\d$/);
    await expect(page.locator('#live-eta').textContent()).resolves.toBe('0:00');
    await expect(page.locator('#cancel-button').isVisible()).resolves.toBe(false);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('cancels cleanly: nothing is sent after Cancel, the batches in flight finish, the ingestion stays open and the same file resumes', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'foreman-web-cancel-'));
    const file = path.join(dir, 'cancel.csv');
    const lines = ['Email,Full Name'];
    for (let i = 0; i < 600; i += 1) lines.push(`person${i}@cancel.example,Person ${i}`);
    writeFileSync(file, `${lines.join('\n')}\n`);
    const { page, problems } = await openPage();
    await pickFile(page, file);

    // Batch 1 goes through; the next ones are held until Cancel is pressed. With 4 batches in
    // flight (2–5, 49 rows each) the engine waits for a free slot with batch 6 in hand.
    let imports = 0;
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    let fourHeld!: () => void;
    const held = new Promise<void>((r) => (fourHeld = r));
    await page.route('**/graphql', async (route) => {
      if ((route.request().postData() ?? '').includes('importCustomers')) {
        imports += 1;
        if (imports > 1) {
          if (imports === 5) fourHeld();
          await released;
        }
      }
      await route.continue();
    });
    await page.click('#import-button');
    await held;
    await page.waitForSelector('#stages[data-current="writing"]');
    await expect(page.locator('#live-processed').textContent()).resolves.toBe('49 of 600');
    await expect(page.locator('#live-eta').textContent()).resolves.toMatch(/^\d+:\d\d$/);
    await page.screenshot({ path: path.join(SHOTS, '12-importing.png'), fullPage: true });

    await page.click('#cancel-button');
    await expect(page.locator('#cancel-button').textContent()).resolves.toBe('Cancelling…');
    await expect(page.locator('#cancel-button').isDisabled()).resolves.toBe(true);
    const sentAtCancel = imports;
    release();
    await page.waitForSelector('body[data-state="cancelled"], body[data-state="finished"], body[data-state="failed"]', { timeout: 60_000 });
    await page.screenshot({ path: path.join(SHOTS, '13-cancelled.png'), fullPage: true });
    await expect(page.locator('body').getAttribute('data-state')).resolves.toBe('cancelled');
    // No batch left the page after Cancel; the five sent (5 × 49 rows) were written.
    expect(sentAtCancel).toBe(5);
    expect(imports).toBe(5);
    await expect(page.locator('#outcome').textContent()).resolves.toBe(
      'Import cancelled. 245 of 600 rows were processed before it stopped (245 created); 355 were not sent. The ingestion is left open: continue now, or import the same file again later, to go on where it stopped.Continue the import',
    );
    // The panel ends on the page's final tally, not on whichever event arrived last.
    await expect(page.locator('#progress-text').textContent()).resolves.toBe('Cancelled: 245 of 600 rows processed — 245 created, 0 duplicates, 0 invalid.');
    await expect(page.locator('#live-processed').textContent()).resolves.toBe('245 of 600');
    await expect(page.locator('#stages').getAttribute('data-stopped')).resolves.toBe('true');
    await expect(page.locator('#stages').getAttribute('data-current')).resolves.toBe('writing');
    const open = (await scanAll('Ingestions')).find((i) => i.sk === 'META' && i.fileName === 'cancel.csv');
    expect(open).toMatchObject({ status: 'RUNNING', created: 245, processed: 245 });
    const customers = (await scanAll('Customers')).filter((c) => String(c.email).endsWith('@cancel.example'));
    expect(customers).toHaveLength(245);

    // Continue: the same file again continues the open ingestion; the 245 rows are not sent again.
    await page.unroute('**/graphql');
    const resent: number[] = [];
    await page.route('**/graphql', async (route) => {
      const body = route.request().postData() ?? '';
      if (body.includes('importCustomers')) {
        const { variables } = JSON.parse(body) as { variables: { input: { rows: { rowNumber: number }[] } } };
        resent.push(...variables.input.rows.map((r) => r.rowNumber));
      }
      await route.continue();
    });
    await page.click('#resume-button');
    await page.waitForSelector('body[data-state="finished"], body[data-state="failed"], body[data-state="cancelled"]', { timeout: 60_000 });
    await expect(page.locator('#outcome').textContent()).resolves.toBe(
      // The ingestion's counts cover both runs; the 245 rows of the first are named as such.
      'Import finished. All 600 rows imported: 600 created. It continued an earlier import of the same file that had not finished (the 245 rows it had recorded were not sent again).',
    );
    await page.screenshot({ path: path.join(SHOTS, '14-resumed.png'), fullPage: true });
    // Exactly the other 355 rows went (rows 247–601: the header is row 1), each once.
    expect([...resent].sort((a, b) => a - b)).toEqual(Array.from({ length: 355 }, (_, i) => 247 + i));
    const closed = (await scanAll('Ingestions')).filter((i) => i.sk === 'META' && i.fileName === 'cancel.csv');
    expect(closed).toHaveLength(1);
    expect(closed[0]).toMatchObject({ id: open!.id, status: 'COMPLETED' });
    expect((await scanAll('Customers')).filter((c) => String(c.email).endsWith('@cancel.example'))).toHaveLength(600);
    expect(problems).toEqual([]);
    await page.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('flags a file imported before at the check, before any write, and offers no import; by another user without saying whose', async () => {
    expect(firstIngestionId).not.toBe('');
    const before = await everything();
    const { page, problems } = await openPage();
    await pickFile(page, sample('customers_valid_copy.csv'));
    await page.screenshot({ path: path.join(SHOTS, '3-duplicate-checked.png'), fullPage: true });
    const note = page.locator('#check-note');
    await expect(note.getAttribute('data-file')).resolves.toBe('DUPLICATE');
    await expect(note.getAttribute('class')).resolves.toBe('notice duplicate');
    const text = await note.textContent();
    expect(text).toMatch(/^Already imported — importing it again would do nothing\. These exact bytes \(SHA-256 [0-9a-f]{12}…\) were imported as “customers_valid\.csv” on .+ UTC \(status COMPLETED\)\. First ingestion: /);
    expect(text).toContain(firstIngestionId);
    await expect(page.locator('#import-button').isDisabled()).resolves.toBe(true);
    await expect(page.locator('#import-note').textContent()).resolves.toBe('Nothing to import: this file was imported before (see above).');
    expect(await everything()).toBe(before);
    expect(problems).toEqual([]);
    await page.close();

    // Another importer is told only that the bytes were imported before.
    const other = await openPage(pageUrl, OTHER_IMPORTER);
    await pickFile(other.page, sample('customers_valid_copy.csv'));
    const theirs = await other.page.locator('#check-note').textContent();
    expect(theirs).toMatch(/^Already imported — importing it again would do nothing\. These exact bytes \(SHA-256 [0-9a-f]{12}…\) were imported before, by another user\. /);
    expect(theirs).not.toContain(firstIngestionId);
    await expect(other.page.locator('#import-button').isDisabled()).resolves.toBe(true);
    await other.page.screenshot({ path: path.join(SHOTS, '3-duplicate-checked-other-user.png'), fullPage: true });
    expect(await everything()).toBe(before);
    expect(other.problems).toEqual([]);
    await other.page.close();
  });

  it('checks locally and says so when the API cannot be asked; importing then gives the duplicate-file answer and writes nothing', async () => {
    expect(firstIngestionId).not.toBe('');
    const before = (await scanAll('Customers')).length;
    const { page, problems } = await openPage();
    // The check's first question fails (HTTP 503, three tries): the page checks the rows itself.
    await page.route('**/graphql', async (route) => {
      if ((route.request().postData() ?? '').includes('checkFile')) await route.fulfill({ status: 503, contentType: 'application/json', body: JSON.stringify({ errors: [{ errorType: 'ServiceUnavailable', message: 'Service Unavailable' }] }) });
      else await route.continue();
    });
    await pickFile(page, sample('customers_valid_copy.csv'));
    await expect(page.locator('#check-note').textContent()).resolves.toMatch(/^The API could not be asked \(.*503.*\)\. Only the rows themselves were checked/);
    await expect(page.locator('#issues-summary').textContent()).resolves.toBe('No problems found: every row is valid.');
    await page.click('#import-button');
    await page.waitForSelector('body[data-state="duplicate"], body[data-state="failed"], body[data-state="finished"]', { timeout: 60_000 });
    await page.screenshot({ path: path.join(SHOTS, '3-duplicate.png'), fullPage: true });

    await expect(page.locator('body').getAttribute('data-state')).resolves.toBe('duplicate');
    const answer = await page.locator('#duplicate-answer').textContent();
    expect(answer).toContain('Already imported — nothing was written.');
    expect(answer).toContain('“customers_valid.csv”');
    expect(answer).toContain(firstIngestionId);
    await expect(page.locator('#outcome').getAttribute('aria-live')).resolves.toBe('polite');
    await expect(page.locator('#progress-area').isHidden()).resolves.toBe(true);
    expect((await scanAll('Customers')).length).toBe(before);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('detects a projects file and shows the server’s verdict on rows whose customer does not exist', async () => {
    // Needs the northwind customers of customers_valid.csv, imported above.
    expect(firstIngestionId).not.toBe('');
    const { page, problems } = await openPage();
    const before = await everything();
    await pickFile(page, sample('projects.csv'));
    await expect(page.locator('#facts').textContent()).resolves.toContain('Project (PROJECT)');
    // The browser sees rows 10 (budget "lots") and 11 (due before start); the API's check adds rows
    // 7 and 9, whose customers nobody imported — before anything is written.
    const issues = await page.locator('#issues tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.children].map((td) => td.textContent)));
    expect(issues).toEqual([
      ['7', 'Customer Email', 'No customer with email nobody@unknown.example.', 'nobody@unknown.example'],
      ['9', 'Customer Email', 'No customer with email ghost@unknown.example.', 'ghost@unknown.example'],
      ['10', 'Budget', 'Budget "lots" is not a number like 1234.56 (a dot for decimals, no thousands separators).', 'lots'],
      ['11', 'Due Date', 'Due date 2024-01-01 is before start date 2024-06-01.', '2024-01-01'],
    ]);
    const facts = await page.locator('#facts').textContent();
    expect(facts).toContain('Would be created6');
    expect(facts).toContain('Rows with problems4');
    expect(await everything()).toBe(before);
    await page.click('#import-button');
    await page.waitForSelector('body[data-state="finished"], body[data-state="failed"]', { timeout: 60_000 });
    await expect(page.locator('#progress-text').textContent()).resolves.toBe('Finished: 10 of 10 rows processed — 6 created, 0 duplicates, 4 invalid.');
    // The four rows are listed once, under the check's issues: the import added no other verdict.
    await expect(page.locator('#rejected-area').isVisible()).resolves.toBe(false);
    await expect(page.locator('#outcome').textContent()).resolves.toMatch(/^Imported 6 of 10 rows; 4 were not imported \(4 invalid\)\. /);
    // The error report still has all four.
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#report-link')]);
    const report = parse(readFileSync((await download.path())!, 'utf8'), { relax_column_count: true }) as string[][];
    expect(report.slice(1).map((l) => l[0]).sort()).toEqual(['10', '11', '7', '9']);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('detects an invoices file (a model declared only in the schema), offers every model and its columns, and imports it', async () => {
    // Needs the northwind customers of customers_valid.csv, imported above: every invoice names one.
    expect(firstIngestionId).not.toBe('');
    const { page, problems } = await openPage();
    await expect(page.locator('#model-names').textContent()).resolves.toBe('customers, projects or invoices');
    await pickFile(page, sample('invoices_valid.csv'));
    await expect(page.locator('#facts').textContent()).resolves.toContain('Invoice (INVOICE)');
    // The model selector lists every model; each column's dropdown lists every invoice column.
    const models = await page.locator('#model-select option').evaluateAll((os) => os.map((o) => [(o as HTMLOptionElement).value, o.textContent]));
    expect(models).toEqual([
      ['customer', 'Customer (CUSTOMER)'],
      ['project', 'Project (PROJECT)'],
      ['invoice', 'Invoice (INVOICE)'],
    ]);
    await expect(page.locator('#model-select').inputValue()).resolves.toBe('invoice');
    const options = await page.locator('#mapping select[data-column="Amount"] option').evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value));
    expect(options).toEqual(['', 'invoiceNumber', 'customerEmail', 'customerId', 'projectId', 'amount', 'currency', 'issueDate', 'dueDate', 'description']);
    // A column of the required customer reference says which other column would do.
    const emailOption = await page.locator('#mapping select[data-column="Customer email"] option[value="customerEmail"]').textContent();
    expect(emailOption).toBe('Customer email (customerEmail) — required, or Customer id');
    const mapping = await page.locator('#mapping tbody tr').evaluateAll((trs) => trs.map((tr) => [tr.querySelector('td')!.textContent, tr.querySelector('select')!.value]));
    expect(mapping).toEqual([
      ['Invoice number', 'invoiceNumber'],
      ['Customer email', 'customerEmail'],
      ['Project id', 'projectId'],
      ['Amount', 'amount'],
      ['Currency', 'currency'],
      ['Issue date', 'issueDate'],
      ['Due date', 'dueDate'],
      ['Description', 'description'],
    ]);
    await expect(page.locator('#issues-summary').textContent()).resolves.toBe('No problems found: every row is valid.');
    // Switching the model checks the file again as projects: the dropdowns then list the project's
    // columns (the file lacks a project name, so it is refused until mapped); switching back restores it.
    const switchTo = async (key: string) => {
      const before = Number(await page.locator('body').getAttribute('data-checks'));
      await page.selectOption('#model-select', key);
      await page.waitForFunction((n) => Number(document.body.dataset.checks) > n, before);
    };
    await switchTo('project');
    const projectOptions = await page.locator('#mapping select').first().locator('option').evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value));
    expect(projectOptions).toEqual(['', 'customerEmail', 'customerId', 'name', 'status', 'budget', 'startDate', 'dueDate', 'description']);
    await switchTo('invoice');
    await expect(page.locator('body').getAttribute('data-state')).resolves.toBe('inspected');
    // samples/README.md: invoices_valid.csv after customers_valid.csv → 20 created.
    await page.click('#import-button');
    await page.waitForSelector('body[data-state="finished"], body[data-state="failed"]', { timeout: 60_000 });
    await expect(page.locator('#progress-text').textContent()).resolves.toBe('Finished: 20 of 20 rows processed — 20 created, 0 duplicates, 0 invalid.');
    const invoices = await scanAll('Invoices');
    expect(invoices.filter((i) => String(i.invoiceNumber).startsWith('INV-2024-00'))).toHaveLength(20);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('works over HTTPS and WSS and shows every duplicate email with the reason', async () => {
    // Needs the northwind customers of customers_valid.csv, imported above.
    expect(firstIngestionId).not.toBe('');
    const httpsPage = stack.graphqlTlsUrl!.replace(/\/graphql$/, '/app/').replace('127.0.0.1', 'localhost');
    const { page, problems } = await openPage(httpsPage);
    const sockets: string[] = [];
    page.on('websocket', (ws) => sockets.push(ws.url()));
    await expect(page.locator('#endpoint').textContent()).resolves.toBe(`API: ${httpsPage.replace('/app/', '/graphql')}`);
    const before = await everything();
    await pickFile(page, sample('customers_with_duplicates.csv'));
    // The check flags every duplicate before any write. Emails compare trimmed and lower-cased: rows
    // 5, 8 and 15 repeat rows 2, 4 and 9 of the file; rows 12–14 are northwind customers imported
    // earlier. The other 8 rows would be created.
    await page.screenshot({ path: path.join(SHOTS, '8-https-duplicates-checked.png'), fullPage: true });
    expect(await everything()).toBe(before);
    await expect(page.locator('#issues-summary').textContent()).resolves.toBe('6 rows will not be imported because of the problems below. The other rows can be imported.');
    const flagged = await page.locator('#issues tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.children].map((td) => td.textContent ?? '')));
    expect(flagged.map((r) => r[0])).toEqual(['5', '8', '12', '13', '14', '15']);
    expect(flagged.every((r) => r[1] === 'Email')).toBe(true);
    expect(flagged.find((r) => r[0] === '5')?.[2]).toBe('Email alice.petrov@dupes.example already belongs to row 2 of this file.');
    expect(flagged.find((r) => r[0] === '12')?.[2]).toMatch(new RegExp(`^Email alice\\.petrov@northwind\\.example already belongs to customer ${firstIngestionId}-r00000002\\.$`));
    const facts = await page.locator('#facts').textContent();
    expect(facts).toContain('Would be created8');
    expect(facts).toContain('Would be duplicates6');
    await page.click('#import-button');
    await page.waitForSelector('body[data-state="finished"], body[data-state="failed"]', { timeout: 60_000 });
    await page.screenshot({ path: path.join(SHOTS, '8-https-duplicates.png'), fullPage: true });
    expect(sockets).toHaveLength(1);
    expect(sockets[0]).toMatch(new RegExp(`^wss://localhost:${new URL(httpsPage).port}/graphql/realtime\\?`));
    // The import does what the check said.
    await expect(page.locator('#progress-text').textContent()).resolves.toBe('Finished: 14 of 14 rows processed — 8 created, 6 duplicates, 0 invalid.');
    await expect(page.locator('#rejected-area').isVisible()).resolves.toBe(false);
    await expect(page.locator('#outcome').textContent()).resolves.toMatch(/^Imported 8 of 14 rows; 6 were not imported \(6 duplicates\)\. 8 created\./);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('lists row and column errors of an invalid file before importing, and imports only the valid rows', async () => {
    const { page, problems } = await openPage();
    await pickFile(page, sample('customers_invalid.csv'));
    await page.screenshot({ path: path.join(SHOTS, '4-invalid.png'), fullPage: true });
    const issues = await page.locator('#issues tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent ?? '')));
    const at = (row: number, column: string) => issues.filter((i) => i[0] === String(row) && i[1] === column);
    // Row numbers as a spreadsheet shows them: header row 1, so "not-an-email" is row 3.
    expect(at(3, 'Email')[0]?.[2]).toBe('Email "not-an-email" is not an email address like name@example.com.');
    expect(at(3, 'Email')[0]?.[3]).toBe('not-an-email');
    expect(at(4, 'Full Name')[0]?.[2]).toMatch(/required/);
    expect(at(5, 'Signup Date')[0]?.[3]).toBe('2024-13-45');
    expect(at(6, 'Signup Date')[0]?.[3]).toBe('03/04/2024');
    expect(at(10, 'Email')[0]?.[2]).toMatch(/required/);
    // Rows 2 (Grace Hopper) and 11 (Ada Lovelace) are valid: 11 data rows, 9 with problems.
    await expect(page.locator('#issues-summary').textContent()).resolves.toMatch(/^9 rows will not be imported/);

    await page.click('#import-button');
    await page.waitForSelector('body[data-state="finished"], body[data-state="failed"]', { timeout: 60_000 });
    await expect(page.locator('#progress-text').textContent()).resolves.toBe('Finished: 11 of 11 rows processed — 2 created, 0 duplicates, 9 invalid.');
    // 9 of 11 rows failed: not green. The nine rows are listed once (under the check's issues).
    await expect(page.locator('#outcome .notice').getAttribute('class')).resolves.toBe('notice partial');
    await expect(page.locator('#outcome').textContent()).resolves.toMatch(/^Imported 2 of 11 rows; 9 were not imported \(9 invalid\)\. 2 created\./);
    await expect(page.locator('body').getAttribute('data-outcome')).resolves.toBe('partial');
    await expect(page.locator('#rejected-area').isVisible()).resolves.toBe(false);
    await expect(page.locator('#issues tbody tr').count()).resolves.toBe(9);
    await expect(page.locator('#report-link').textContent()).resolves.toBe('Download the error report (9 rows, CSV)');
    const customers = await scanAll('Customers');
    const emails = new Set(customers.map((c) => c.email));
    expect(emails.has('grace.hopper@invalid.example')).toBe(true);
    expect(emails.has('ada.lovelace@invalid.example')).toBe(true);
    expect(emails.has('bad.date@invalid.example')).toBe(false);
    await page.screenshot({ path: path.join(SHOTS, '5-invalid-imported.png'), fullPage: true });
    expect(problems).toEqual([]);
    await page.close();
  });

  it('downloads an error report with formula-looking cells neutralised', async () => {
    const { page, problems } = await openPage();
    await pickFile(page, sample('bad/formula_cells.csv'));
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#report-link')]);
    expect(download.suggestedFilename()).toBe('formula_cells.errors.csv');
    const report = readFileSync((await download.path())!, 'utf8');
    const lines = parse(report, { relax_column_count: true }) as string[][];
    expect(lines[0]).toEqual(['row', 'status', 'reasons', 'email', 'name', 'company', 'notes']);
    // Row 4's email "=cmd|' /C calc'!A0" is invalid; in the report it must not start with "=".
    const row4 = lines.find((l) => l[0] === '4');
    expect(row4?.[1]).toBe('INVALID');
    expect(row4?.[3]).toBe("'=cmd|' /C calc'!A0");
    expect(row4?.[5]).toBe('Evil Corp');
    expect(row4?.[6]).toBe("'@danger");
    expect(problems).toEqual([]);
    await page.close();
  });

  it('shows a dropped file whose cells hold HTML as text, never as markup', async () => {
    const { page, problems } = await openPage();
    const payload = '<img src=x onerror=alert(1)>';
    await dropFile(page, 'xss.csv', `Email,Full Name,Company\nxss@web.example,"${payload}",<b>Bold Ltd</b>\nbad-email,"${payload}",x\n`);
    await expect(page.locator('#preview tbody tr').nth(0).locator('td').nth(1).textContent()).resolves.toBe(payload);
    await expect(page.locator('#preview tbody tr').nth(0).locator('td').nth(2).textContent()).resolves.toBe('<b>Bold Ltd</b>');
    await expect(page.locator('#issues tbody tr td').nth(3).textContent()).resolves.toBe('bad-email');
    await page.click('#import-button');
    await page.waitForSelector('body[data-state="finished"], body[data-state="failed"]', { timeout: 60_000 });
    await page.screenshot({ path: path.join(SHOTS, '6-xss-as-text.png'), fullPage: true });
    // No element was made from the cells: the page has no <img> and no <b>, and no alert() ran.
    await expect(page.locator('img, b').count()).resolves.toBe(0);
    const customers = await scanAll('Customers');
    expect(customers.find((c) => c.email === 'xss@web.example')?.name).toBe(payload);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('lists the first 200 issues of a file with more, and puts every one in the report', async () => {
    const { page, problems } = await openPage();
    const csv = ['Email,Full Name'];
    for (let i = 1; i <= 250; i += 1) csv.push(`not-an-email-${i},Person ${i}`);
    await dropFile(page, 'many_errors.csv', csv.join('\n'));
    await expect(page.locator('#issues tbody tr').count()).resolves.toBe(200);
    await expect(page.locator('#issues-summary').textContent()).resolves.toMatch(/^250 rows will not be imported because of the problems below \(the first 200 are listed; the error report has them all\)/);
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#report-link')]);
    const lines = parse(readFileSync((await download.path())!, 'utf8')) as string[][];
    // The header, then rows 2 … 251.
    expect(lines).toHaveLength(251);
    expect(lines.at(-1)?.slice(0, 2)).toEqual(['251', 'INVALID']);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('reads Latin-1, UTF-16, a BOM and semicolons in the browser as the engine does in Node', async () => {
    const { page, problems } = await openPage();
    // [file, what the Format line says, a name from row 2 decoded right]
    const cases: [string, RegExp, string][] = [
      ['bad/latin1.csv', /^WINDOWS-1252, comma-separated$/, 'José Müller'],
      ['bad/utf16le.csv', /^UTF-16LE( with BOM)?, comma-separated$/, 'Ünal Kaya'],
      ['bad/bom_utf8.csv', /^UTF-8 with BOM, comma-separated$/, 'Alice Martin'],
      ['bad/semicolon.csv', /^UTF-8, semicolon-separated$/, 'Alice Martin'],
    ];
    for (const [file, format, name] of cases) {
      await pickFile(page, sample(file));
      await expect(page.locator('body').getAttribute('data-state'), file).resolves.toBe('inspected');
      // The Format fact, whichever facts come before it (the API's check adds some).
      const facts = await page.locator('#facts').evaluate((dl) => Object.fromEntries([...dl.querySelectorAll('dt')].map((dt) => [dt.textContent, dt.nextElementSibling?.textContent])));
      expect(facts.Format, file).toMatch(format);
      await expect(page.locator('#preview tbody tr').first().locator('td').nth(1).textContent(), file).resolves.toBe(name);
      // The BOM is not part of the first header.
      await expect(page.locator('#mapping tbody tr').first().locator('td').first().textContent(), file).resolves.toBe('email');
    }
    expect(problems).toEqual([]);
    await page.close();
  });

  it('reads a file the browser streams in many chunks (2 MB, 25,000 rows) in the dry run', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'foreman-web-big-'));
    try {
      const file = path.join(dir, 'big.csv');
      const lines = ['Email,Full Name,Phone,Company,Country,Signup Date,Notes'];
      for (let i = 0; i < 25_000; i += 1) lines.push(`person${i}@big.example,"Person ${i}, Jr.",+1 555 010 ${String(i % 10_000).padStart(4, '0')},Contoso,DE,2020-01-15,note ${i}`);
      // One bad row near the end: found only if every chunk boundary was read right.
      lines[24_000] = 'not-an-email,Somebody,,,,,';
      writeFileSync(file, lines.join('\n'));
      const { page, problems } = await openPage();
      // What is tested is reading; the API's check of 25,000 rows is left out (the page then checks
      // the rows itself and says so).
      await page.route('**/graphql', async (route) => {
        if ((route.request().postData() ?? '').includes('checkFile')) await route.fulfill({ status: 400, contentType: 'application/json', body: JSON.stringify({ errors: [{ errorType: 'BadRequest', message: 'not now' }] }) });
        else await route.continue();
      });
      await pickFile(page, file);
      await expect(page.locator('body').getAttribute('data-state')).resolves.toBe('inspected');
      const facts = await page.locator('#facts').textContent();
      expect(facts).toContain('25,000 data rows');
      expect(facts).toContain('Valid rows24,999');
      // lines[24000] is data row 24,000, spreadsheet row 24,001.
      await expect(page.locator('#issues tbody tr td').first().textContent()).resolves.toBe('24001');
      expect(problems).toEqual([]);
      await page.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('explains an unusable file and offers no import', async () => {
    const { page, problems } = await openPage();
    await pickFile(page, sample('bad/duplicate_headers.csv'));
    await expect(page.locator('body').getAttribute('data-state')).resolves.toBe('file-problem');
    const alert = page.locator('#file-problem');
    await expect(alert.getAttribute('role')).resolves.toBe('alert');
    await expect(alert.textContent()).resolves.toMatch(/duplicate_headers\.csv: row 1 \(the header\) has two columns named "email" \(columns 1 and 3\)/);
    await expect(page.locator('#import').isHidden()).resolves.toBe(true);
    await page.screenshot({ path: path.join(SHOTS, '7-file-problem.png'), fullPage: true });
    expect(problems).toEqual([]);
    await page.close();
  });

  it('signs in as an importer, imports, lists only that user’s own ingestions, and signs out', async () => {
    // Another importer's ingestion, through the page as that user.
    const other = await openPage(pageUrl, OTHER_IMPORTER);
    await dropFile(other.page, 'omar_only.csv', 'Email,Full Name\nomar.customer@own.example,Omar Customer\n');
    await other.page.click('#import-button');
    await other.page.waitForSelector('body[data-state="finished"], body[data-state="failed"], body[data-state="duplicate"]', { timeout: 60_000 });
    await expect(other.page.locator('body').getAttribute('data-state')).resolves.toBe('finished');
    await other.page.waitForSelector('#mine-table tbody tr');
    await expect(other.page.locator('#mine-table tbody tr td:first-child').allTextContents()).resolves.toEqual(['omar_only.csv']);
    await other.page.close();

    const { page, problems } = await openPage();
    const requests: string[] = [];
    page.on('request', (r) => {
      if (new URL(r.url()).pathname === '/graphql') requests.push(r.headers().authorization ?? '');
    });
    await dropFile(page, 'ines_own.csv', 'Email,Full Name\nines.customer@own.example,Ines Customer\n');
    await page.click('#import-button');
    await page.waitForSelector('body[data-state="finished"], body[data-state="failed"], body[data-state="duplicate"]', { timeout: 60_000 });
    await expect(page.locator('body').getAttribute('data-state')).resolves.toBe('finished');
    // Every request carried the user's ID token itself (AppSync's user pools mode: no "Bearer").
    expect(requests.length).toBeGreaterThan(0);
    for (const token of requests) expect(JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString())).toMatchObject({ 'cognito:username': 'ines', token_use: 'id' });

    // The list after the import: exactly the ingestions DynamoDB records as started by ines.
    const ines = stack.userPool.findUser('ines')!;
    const own = (await scanAll('Ingestions')).filter((i) => i.sk === 'META' && i.owner === `cognito:${ines.sub}`);
    expect(own.map((i) => i.fileName)).toContain('ines_own.csv');
    await page.waitForFunction((n) => document.body.dataset.mine === String(n), own.length);
    const listed = await page.locator('#mine-table tbody tr td:first-child').allTextContents();
    expect([...listed].sort()).toEqual(own.map((i) => String(i.fileName)).sort());
    expect(listed).not.toContain('omar_only.csv');
    // Newest first: this import heads the list.
    expect(listed[0]).toBe('ines_own.csv');
    await page.screenshot({ path: path.join(SHOTS, '14-my-ingestions.png'), fullPage: true });

    await page.click('#signout-button');
    await page.waitForSelector('body[data-state="signed-out"]');
    await expect(page.locator('#mine').isVisible()).resolves.toBe(false);
    await expect(page.locator('#mine-table tbody tr').count()).resolves.toBe(0);
    await expect(page.evaluate(() => sessionStorage.length)).resolves.toBe(0);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('maps unknown headers with the dropdowns, checks again with that mapping, and imports it', async () => {
    const { page, problems } = await openPage();
    const checks = async () => Number(await page.locator('body').getAttribute('data-checks'));
    /** Picks `field` for `column` and waits for the check that change starts. */
    const choose = async (column: string, field: string) => {
      const before = await checks();
      await page.selectOption(`#mapping select[data-column="${column}"]`, field);
      await page.waitForFunction((n) => Number(document.body.dataset.checks) > n, before);
    };
    await dropFile(page, 'german.csv', 'E-Post,Kundenname,Telefon,Lieblingsfarbe\nremap.one@map.example,Remap One,+1 555 000 1111,blau\nremap.two@map.example,Remap Two,+1 555 000 2222,rot\n', 'file-problem');
    // No header names a field: refused, and the columns are offered for mapping.
    await expect(page.locator('#file-problem').textContent()).resolves.toMatch(/none of the columns in row 1 .* Or choose the fields below\.$/);
    await expect(page.locator('#mapping-area').isVisible()).resolves.toBe(true);
    await expect(page.locator('#checked').isVisible()).resolves.toBe(false);
    await expect(page.locator('#mapping tbody tr td:first-child').allTextContents()).resolves.toEqual(['E-Post', 'Kundenname', 'Telefon', 'Lieblingsfarbe']);
    const customerFields = await page.locator('#mapping select[data-column="E-Post"] option').evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value));
    expect(customerFields).toEqual(['', 'email', 'name', 'phone', 'company', 'country', 'signupDate', 'notes']);

    // Email alone is not enough: the name is required, and the page says so.
    await choose('E-Post', 'email');
    await expect(page.locator('body').getAttribute('data-state')).resolves.toBe('file-problem');
    await expect(page.locator('#file-problem').textContent()).resolves.toMatch(/required Name/);
    await expect(page.locator('#mapping select[data-column="E-Post"]').inputValue()).resolves.toBe('email');
    await choose('Kundenname', 'name');
    await expect(page.locator('body').getAttribute('data-state')).resolves.toBe('inspected');
    await choose('Telefon', 'phone');
    await expect(page.locator('body').getAttribute('data-state')).resolves.toBe('inspected');
    await expect(page.locator('#facts').textContent()).resolves.toContain('Customer (CUSTOMER), as you chose');
    const mapped = await page.locator('#mapping tbody tr').evaluateAll((trs) => trs.map((tr) => [tr.children[0]!.textContent, tr.querySelector('select')!.value, tr.children[2]!.textContent]));
    expect(mapped).toEqual([
      ['E-Post', 'email', 'your choice'],
      ['Kundenname', 'name', 'your choice'],
      ['Telefon', 'phone', 'your choice'],
      ['Lieblingsfarbe', '', 'your choice'],
    ]);
    await expect(page.locator('#preview thead th').allTextContents()).resolves.toEqual(['Row', 'Email', 'Name', 'Phone']);
    await page.screenshot({ path: path.join(SHOTS, '15-mapping.png'), fullPage: true });

    await page.click('#import-button');
    await page.waitForSelector('body[data-state="finished"], body[data-state="failed"], body[data-state="duplicate"]', { timeout: 60_000 });
    await expect(page.locator('#outcome').textContent()).resolves.toBe('Import finished. All 2 rows imported: 2 created.');
    const customers = (await scanAll('Customers')).filter((c) => String(c.email).endsWith('@map.example'));
    expect(customers.map((c) => [c.email, c.name, c.phone]).sort()).toEqual([
      ['remap.one@map.example', 'Remap One', '+1 555 000 1111'],
      ['remap.two@map.example', 'Remap Two', '+1 555 000 2222'],
    ]);

    // A recognised file: one column set to "ignore" is left out of the check and the import.
    await dropFile(page, 'ignore.csv', 'Email,Full Name,Notes\nignore.me@map.example,Ignore Me,secret note\n');
    await choose('Notes', '');
    await expect(page.locator('#preview thead th').allTextContents()).resolves.toEqual(['Row', 'Email', 'Name']);
    await page.click('#import-button');
    await page.waitForSelector('body[data-state="finished"], body[data-state="failed"], body[data-state="duplicate"]', { timeout: 60_000 });
    const ignored = (await scanAll('Customers')).find((c) => c.email === 'ignore.me@map.example');
    expect(ignored).toMatchObject({ name: 'Ignore Me' });
    expect(ignored?.notes).toBeUndefined();
    expect(problems).toEqual([]);
    await page.close();
  });

  it('saves the mapping chosen in the dropdowns when importing with it, and after a reload applies it to the same header row ("saved mapping from <date>"), overridable and forgettable', async () => {
    const { page, problems } = await openPage();
    const checks = async () => Number(await page.locator('body').getAttribute('data-checks'));
    /** Picks `field` for `column` and waits for the check that change starts. */
    const choose = async (column: string, field: string) => {
      const before = await checks();
      await page.selectOption(`#mapping select[data-column="${column}"]`, field);
      await page.waitForFunction((n) => Number(document.body.dataset.checks) > n, before);
    };
    /** Clicks `selector` and waits for the check it starts. */
    const clickAndCheck = async (selector: string) => {
      const before = await checks();
      await page.click(selector);
      await page.waitForFunction((n) => Number(document.body.dataset.checks) > n, before);
    };
    const mappingRows = () => page.locator('#mapping tbody tr').evaluateAll((trs) => trs.map((tr) => [tr.children[0]!.textContent, tr.querySelector('select')!.value, tr.children[2]!.textContent]));
    const headers = ['Adresse électronique', 'Nom complet', 'Société'];
    const fingerprint = await mappingFingerprint(modelByKey('customer')!, headers, nodeDigest);
    const inesOwner = `cognito:${stack.userPool.findUser(IMPORTER.name)!.sub}`;
    const savedItems = async () => (await scanAll('Mappings')).filter((i) => i.owner === inesOwner && i.fingerprint === fingerprint);

    // 1. Headers no model knows: refused, mapped with the dropdowns, "Remember this mapping" ticked, imported.
    await dropFile(page, 'clients.csv', `${headers.join(',')}\nsaved.one@saved.example,Saved One,Une SA\n`, 'file-problem');
    await expect(page.locator('#saved-mapping').isVisible()).resolves.toBe(false);
    await choose('Adresse électronique', 'email');
    await choose('Nom complet', 'name');
    await choose('Société', 'company');
    await expect(page.locator('body').getAttribute('data-state')).resolves.toBe('inspected');
    await expect(page.locator('#remember-area').isVisible()).resolves.toBe(true);
    await expect(page.locator('#remember-mapping').isChecked()).resolves.toBe(true);
    await page.screenshot({ path: path.join(SHOTS, '16-mapping-remember.png'), fullPage: true });
    await page.click('#import-button');
    await page.waitForSelector('body[data-state="finished"], body[data-state="failed"], body[data-state="duplicate"]', { timeout: 60_000 });
    await expect(page.locator('#outcome').textContent()).resolves.toBe('Import finished. All 1 row imported: 1 created.');
    await expect(page.locator('#mapping-saved').textContent()).resolves.toMatch(/^Saved as your mapping for files with these columns \(customer, \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC\): it is applied the next time\.$/);
    // Saved server-side, as ines's, under the fingerprint Node computes for the same header row (the page's is Web Crypto's).
    await expect(page.locator('#mapping-saved').getAttribute('data-saved')).resolves.toBe(fingerprint);
    const [item] = await savedItems();
    expect(item).toMatchObject({ sk: `CUSTOMER#${fingerprint}`, model: 'CUSTOMER', headers, mapping: '{"Adresse électronique":"email","Nom complet":"name","Société":"company"}' });
    const when = `${String(item!.updatedAt).slice(0, 10)} ${String(item!.updatedAt).slice(11, 16)} UTC`;

    // 2. After a reload, another file whose header row is written differently: mapped by the saved mapping, and imported.
    await page.reload();
    await page.waitForSelector('body[data-state="ready"]');
    await dropFile(page, 'clients_again.csv', 'adresse_électronique,NOM COMPLET, société \nsaved.two@saved.example,Saved Two,Deux SARL\nsaved.three@saved.example,Saved Three,\n');
    await expect(page.locator('#saved-mapping').textContent()).resolves.toBe(
      `Using your saved mapping from ${when} for files with these columns (customer). Change a field below to override it. Use the detected mapping Forget this mapping`,
    );
    await expect(page.locator('#facts').textContent()).resolves.toContain('Customer (CUSTOMER), from your saved mapping');
    await expect(mappingRows()).resolves.toEqual([
      ['adresse_électronique', 'email', 'your saved mapping'],
      ['NOM COMPLET', 'name', 'your saved mapping'],
      ['société', 'company', 'your saved mapping'],
    ]);
    await expect(page.locator('#remember-area').isVisible()).resolves.toBe(false);
    await page.screenshot({ path: path.join(SHOTS, '17-saved-mapping-applied.png'), fullPage: true });
    await page.click('#import-button');
    await page.waitForSelector('body[data-state="finished"], body[data-state="failed"], body[data-state="duplicate"]', { timeout: 60_000 });
    await expect(page.locator('#outcome').textContent()).resolves.toBe('Import finished. All 2 rows imported: 2 created.');
    const customers = (await scanAll('Customers')).filter((c) => String(c.email).endsWith('@saved.example'));
    expect(customers.map((c) => [c.email, c.name, c.company ?? null]).sort()).toEqual([
      ['saved.one@saved.example', 'Saved One', 'Une SA'],
      ['saved.three@saved.example', 'Saved Three', null],
      ['saved.two@saved.example', 'Saved Two', 'Deux SARL'],
    ]);
    // Importing with the saved mapping saves nothing new.
    await expect(page.locator('#mapping-saved').textContent()).resolves.toBe('');
    await expect(savedItems()).resolves.toEqual([item]);

    // 3. Overridable: the detected mapping instead (these headers alone map nothing), then the saved one again; a dropdown.
    await dropFile(page, 'clients_third.csv', `${headers.join(',')}\nsaved.four@saved.example,Saved Four,Vier AG\n`);
    await clickAndCheck('#use-detected');
    await expect(page.locator('body').getAttribute('data-state')).resolves.toBe('file-problem');
    await expect(page.locator('#saved-mapping').textContent()).resolves.toBe(`Not using your saved mapping from ${when} for this file. Use it`);
    await clickAndCheck('#use-saved');
    await expect(page.locator('body').getAttribute('data-state')).resolves.toBe('inspected');
    await choose('Société', 'notes');
    await expect(mappingRows()).resolves.toEqual([
      ['Adresse électronique', 'email', 'your choice'],
      ['Nom complet', 'name', 'your choice'],
      ['Société', 'notes', 'your choice'],
    ]);
    await expect(page.locator('#saved-mapping').isVisible()).resolves.toBe(false);
    await expect(page.locator('#remember-area').isVisible()).resolves.toBe(true);

    // 4. Forgettable: gone from the server, and the same header row is refused again.
    await dropFile(page, 'clients_fourth.csv', `${headers.join(',')}\nsaved.five@saved.example,Saved Five,Fünf GmbH\n`);
    await clickAndCheck('#forget-mapping');
    await expect(page.locator('body').getAttribute('data-state')).resolves.toBe('file-problem');
    await expect(page.locator('#saved-mapping').textContent()).resolves.toBe(`Your saved mapping from ${when} is forgotten: files with these columns are mapped by their headers again.`);
    await expect(savedItems()).resolves.toEqual([]);
    await page.screenshot({ path: path.join(SHOTS, '18-saved-mapping-forgotten.png'), fullPage: true });
    expect(problems).toEqual([]);
    await page.close();
  });

  it('calls a file where every row is rejected what it is: nothing imported, in red', async () => {
    const { page, problems } = await openPage();
    await dropFile(page, 'all_bad.csv', 'Email,Full Name\nnot-an-email,Nobody\n,Nameless\n');
    await page.click('#import-button');
    await page.waitForSelector('body[data-state="finished"], body[data-state="failed"]', { timeout: 60_000 });
    await expect(page.locator('#outcome .notice').getAttribute('class')).resolves.toBe('notice error');
    await expect(page.locator('#outcome').textContent()).resolves.toBe('Nothing was imported. Every one of the 2 rows was rejected (2 invalid); the error report says why for each.');
    await expect(page.locator('body').getAttribute('data-outcome')).resolves.toBe('nothing');
    expect(problems).toEqual([]);
    await page.close();
  });

  it('imports an Excel workbook picked in the file picker (its sheet chosen in a list) and a JSON file dropped on the box', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'foreman-web-xlsx-'));
    try {
      // customers_valid.csv's rows under other emails (its own are imported above); dates as Excel date cells.
      const [header, ...rows] = csvRows(sample('customers_valid.csv')) as [string[], ...string[][]];
      const sheet = (domain: string, n: number): XCell[][] => [header, ...rows.slice(0, n).map((r) => r.map((cell, c) => (c === 0 ? cell.replace('northwind.example', domain) : c === 5 && cell ? dateCell(cell) : cell || null)))];
      const xlsx = path.join(dir, 'customers.xlsx');
      writeFileSync(xlsx, writeXlsx([{ name: 'Customers', rows: sheet('web-xlsx.example', 20) }, { name: 'Archive', rows: sheet('web-archive.example', 3) }]));

      const { page, problems } = await openPage();
      await pickFile(page, xlsx);
      await expect(page.locator('body').getAttribute('data-state')).resolves.toBe('inspected');
      const facts = await page.locator('#facts').innerText();
      expect(facts).toContain('Excel workbook, sheet "Customers" (1 of 2)');
      expect(facts).toMatch(/Rows\s+20 data rows/);
      // the API was asked: what an import would do (nothing yet, and no duplicates)
      expect(facts).toMatch(/Would be created\s+20/);
      await expect(page.locator('#sheet-select option').allTextContents()).resolves.toEqual(['Customers', 'Archive']);
      // The dates were Excel serials: the preview shows the model's YYYY-MM-DD.
      await expect(page.locator('#preview tbody tr').first().innerText()).resolves.toContain('2018-12-09');
      await page.screenshot({ path: path.join(SHOTS, '9-xlsx-checked.png'), fullPage: true });

      // Another sheet: checked again with its own rows.
      const checks = Number(await page.locator('body').getAttribute('data-checks'));
      await page.selectOption('#sheet-select', 'Archive');
      await page.waitForFunction((n) => Number(document.body.dataset.checks) > n, checks);
      await expect(page.locator('#facts').innerText()).resolves.toContain('Excel workbook, sheet "Archive" (2 of 2)');
      await expect(page.locator('#facts').innerText()).resolves.toMatch(/Rows\s+3 data rows/);
      await page.selectOption('#sheet-select', 'Customers');
      await page.waitForFunction((n) => Number(document.body.dataset.checks) > n + 1, checks);

      await page.click('#import-button');
      await page.waitForSelector('body[data-state="finished"], body[data-state="failed"]', { timeout: 60_000 });
      await expect(page.locator('body').getAttribute('data-outcome')).resolves.toBe('complete');
      await expect(page.locator('#outcome').textContent()).resolves.toBe('Import finished. All 20 rows imported: 20 created.');
      await page.screenshot({ path: path.join(SHOTS, '9-xlsx-imported.png'), fullPage: true });

      // A JSON array, dropped.
      const objects = rows.map((r) => Object.fromEntries(header.map((h, i) => [h, i === 0 ? r[i]!.replace('northwind.example', 'web-json.example') : r[i] || null])));
      await dropFile(page, 'customers.json', JSON.stringify(objects, null, 2));
      await expect(page.locator('#facts').innerText()).resolves.toContain('JSON array of objects, UTF-8');
      await page.click('#import-button');
      await page.waitForSelector('body[data-state="finished"], body[data-state="failed"]', { timeout: 60_000 });
      await expect(page.locator('#outcome').textContent()).resolves.toBe('Import finished. All 20 rows imported: 20 created.');

      const stored = (await scanAll('Customers')).filter((c) => String(c.email).endsWith('@web-xlsx.example'));
      expect(stored).toHaveLength(20);
      expect(stored.find((c) => c.email === 'alice.petrov@web-xlsx.example')).toMatchObject({ name: 'Alice Petrov', signupDate: '2018-12-09', company: 'Tailspin Toys' });
      expect(problems).toEqual([]);
      await page.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('says what is wrong with workbooks and archives it cannot read, instead of calling them binary', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'foreman-web-xlsx-'));
    try {
      // A workbook without sheets, as some generators write one.
      const empty = path.join(dir, 'customers.xlsx');
      writeFileSync(
        empty,
        storedZip({
          '[Content_Types].xml': '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>',
          'xl/workbook.xml': '<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"/>',
        }),
      );
      // Excel 97–2003 and an encrypted workbook: OLE2 compound documents.
      const xls = path.join(dir, 'old.xls');
      writeFileSync(xls, writeCompoundFile({ Workbook: new Uint8Array(4096).fill(9) }));
      const locked = path.join(dir, 'locked.xlsx');
      writeFileSync(locked, writeCompoundFile({ EncryptionInfo: new Uint8Array(4096).fill(1), EncryptedPackage: new Uint8Array(8192).fill(2) }));
      const ods = path.join(dir, 'sheet.ods');
      writeFileSync(ods, storedZip({ mimetype: 'application/vnd.oasis.opendocument.spreadsheet', 'content.xml': '<office:document-content/>' }));
      const zip = path.join(dir, 'files.zip');
      writeFileSync(zip, storedZip({ 'customers.csv': 'Email,Full Name\na@b.example,A\n' }));

      const { page, problems } = await openPage();
      const cases: [string, string][] = [
        [empty, 'customers.xlsx: the workbook has no sheets. Nothing to ingest.'],
        [xls, 'old.xls: this is an Excel 97–2003 workbook (.xls), which Foreman does not read. Open it in Excel and save it as .xlsx'],
        [locked, 'locked.xlsx: the workbook is password-protected (encrypted), so its cells cannot be read.'],
        [ods, 'sheet.ods: this is an OpenDocument spreadsheet (.ods), which Foreman does not read.'],
        [zip, 'files.zip: this is a ZIP archive, not an Excel workbook (it has no xl/workbook.xml). Unpack it'],
      ];
      for (const [file, says] of cases) {
        await pickFile(page, file);
        await expect(page.locator('body').getAttribute('data-state'), file).resolves.toBe('file-problem');
        const text = await page.locator('#file-problem').textContent();
        expect(text, file).toContain(`This file cannot be imported. ${says}`);
        expect(text, file).not.toMatch(/binary/i);
        await expect(page.locator('#import').isVisible(), file).resolves.toBe(false);
      }
      await pickFile(page, locked);
      await page.screenshot({ path: path.join(SHOTS, '9-xlsx-locked.png') });
      // A CSV picked next is read as usual.
      await pickFile(page, sample('customers_small.csv'));
      await expect(page.locator('body').getAttribute('data-state')).resolves.toBe('inspected');
      await expect(page.locator('#file-problem').isVisible()).resolves.toBe(false);
      expect(problems).toEqual([]);
      await page.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('works on a phone-sized viewport (390×844): nothing wider than the screen, every control reachable', async () => {
    // customers_invalid.csv's long cells, under other emails (its own bytes are imported above).
    const dir = mkdtempSync(path.join(os.tmpdir(), 'foreman-web-phone-'));
    const file = path.join(dir, 'phone.csv');
    writeFileSync(file, readFileSync(sample('customers_invalid.csv'), 'utf8').replaceAll('@invalid.example', '@phone.example'));
    const { page, problems } = await openPage();
    await page.setViewportSize({ width: 390, height: 844 });
    const fitsWidth = () => page.evaluate(() => ({ page: document.documentElement.scrollWidth, screen: window.innerWidth }));
    await expect(fitsWidth()).resolves.toEqual({ page: 390, screen: 390 });
    await pickFile(page, file);
    // Wide tables scroll inside their own box; the page itself never scrolls sideways.
    await expect(fitsWidth()).resolves.toEqual({ page: 390, screen: 390 });
    await page.screenshot({ path: path.join(SHOTS, '10-phone-inspected.png') });
    const button = await page.locator('#import-button').boundingBox();
    expect(button!.x).toBeGreaterThanOrEqual(0);
    expect(button!.x + button!.width).toBeLessThanOrEqual(390);
    // A tap, as on a phone: the import runs and its outcome fits the screen too.
    await page.locator('#import-button').scrollIntoViewIfNeeded();
    await page.click('#import-button');
    await page.waitForSelector('body[data-state="finished"], body[data-state="failed"], body[data-state="duplicate"]', { timeout: 60_000 });
    await expect(page.locator('body').getAttribute('data-state')).resolves.toBe('finished');
    await expect(fitsWidth()).resolves.toEqual({ page: 390, screen: 390 });
    const outcome = await page.locator('#outcome .notice').boundingBox();
    expect(outcome!.x + outcome!.width).toBeLessThanOrEqual(390);
    await page.locator('#import-title').evaluate((e) => e.scrollIntoView());
    await page.screenshot({ path: path.join(SHOTS, '11-phone-imported.png') });
    expect(problems).toEqual([]);
    await page.close();
    // Only now: the browser reads the picked file again when it imports.
    rmSync(dir, { recursive: true, force: true });
  });

  it('says the API refused the sign-in (401) in the page’s terms, not the CLI’s API-key flags', async () => {
    const { page, problems } = await openPage();
    // AppSync's request-level refusal of a token (HTTP 401 UnauthorizedException).
    await page.route('**/graphql', async (route) => {
      if ((route.request().postData() ?? '').includes('startIngestion')) {
        await route.fulfill({ status: 401, contentType: 'application/json', body: JSON.stringify({ errors: [{ errorType: 'UnauthorizedException', message: 'You are not authorized to make this call.' }] }) });
      } else await route.continue();
    });
    await dropFile(page, 'refused.csv', 'Email,Full Name\nrefused@auth.example,Refused\n');
    await page.click('#import-button');
    await page.waitForSelector('body[data-state="failed"], body[data-state="finished"]', { timeout: 60_000 });
    const outcome = await page.locator('#outcome').textContent();
    expect(outcome).toBe(
      'The import could not run. the API refused your sign-in (HTTP 401 UnauthorizedException). Sign out and sign in again, then import the same file again: it continues where it stopped.',
    );
    expect(outcome).not.toMatch(/api-key|FOREMAN_API_KEY/i);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('imports nothing when the progress subscription cannot start, and says so', async () => {
    const { page, problems } = await openPage();
    // The same config, but a real-time endpoint where nothing listens.
    await page.route('**/config.json', async (route) => {
      const response = await route.fetch();
      const config = (await response.json()) as Record<string, unknown>;
      await route.fulfill({ json: { ...config, realtimeUrl: 'ws://127.0.0.1:9/graphql/realtime' } });
    });
    await page.reload();
    await page.waitForSelector('body[data-state="ready"]');
    await pickFile(page, sample('customers_small.csv'));
    await page.click('#import-button');
    await page.waitForSelector('body[data-state="failed"], body[data-state="finished"]', { timeout: 60_000 });
    await expect(page.locator('body').getAttribute('data-state')).resolves.toBe('failed');
    await expect(page.locator('#outcome').textContent()).resolves.toMatch(/The import could not run\. could not start the ingestion: The real-time connection to 127\.0\.0\.1:9 closed/);
    const ingestion = (await scanAll('Ingestions')).find((i) => i.sk === 'META' && i.fileName === 'customers_small.csv');
    expect(ingestion).toMatchObject({ processed: 0, status: 'RUNNING' });
    const emails = new Set((await scanAll('Customers')).map((c) => c.email));
    for (const r of rowsOf(sample('customers_small.csv'))) expect(emails.has(r.Email ?? r.email)).toBe(false);
    expect(problems).toEqual([]);
    await page.close();
  });
});
