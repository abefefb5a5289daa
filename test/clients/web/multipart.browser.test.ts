/**
 * Multipart upload from the page, in Chromium (docs/upload.md): with the part size made small
 * (FOREMAN_UPLOAD_PART_BYTES, read by the upload-url handler, which runs in this process), a
 * 300-row file goes up as 5 presigned UploadPart PUTs (3 at a time), the page completes it with
 * the parts' ETags (which the bucket's CORS exposes), and the S3 processor ingests it for the
 * uploader. A part the storage refuses makes the page abort the upload and say so.
 * Screenshots go to $FOREMAN_SCREENSHOTS or <tmp>/foreman-web-screenshots.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GetIngestionDocument } from '../../../clients/api/generated';
import { startS3Route, type S3Route } from '../../../infra/local/s3/route';
import { generateCustomers } from '../../bench/generate';
import { stackClients, startTestStack, type TestStack } from '../../helpers/localStack';

const CHROMIUM = process.env.FOREMAN_CHROMIUM ?? '/usr/bin/chromium';
const SHOTS = process.env.FOREMAN_SCREENSHOTS ?? path.join(os.tmpdir(), 'foreman-web-screenshots');
const PASSWORD = 'Web-Page-Passw0rd!';
const ROWS = 300;
const PARTS = 5;

describe('multipart upload from the page, in Chromium', () => {
  let stack: TestStack;
  let route: S3Route;
  let context: BrowserContext;
  let dir: string;
  let pageUrl: string;
  const results = new Map<string, { outcome: string; ingestionId?: string }>();

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`Chromium is missing at ${CHROMIUM} (apt-get install -y chromium, or set FOREMAN_CHROMIUM).`);
    mkdirSync(SHOTS, { recursive: true });
    stack = await startTestStack();
    route = await startS3Route({ graphqlUrl: stack.graphqlUrl, iam: stack.iam, port: 0, onResult: (key, r) => results.set(key, r as { outcome: string }) });
    pageUrl = stack.graphqlUrl.replace(/\/graphql$/, '/app/');
    await stack.userPool.addUser({ username: 'mona', groups: ['importers'], password: PASSWORD });
    dir = mkdtempSync(path.join(os.tmpdir(), 'foreman-multipart-'));
    context = await chromium.launchPersistentContext(path.join(dir, 'profile'), {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      viewport: { width: 1100, height: 900 },
    });
  }, 120_000);

  afterAll(async () => {
    delete process.env.FOREMAN_UPLOAD_PART_BYTES;
    await context?.close();
    await route?.close();
    await stack?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function openSignedIn(problems: string[]): Promise<Page> {
    const page = await context.newPage();
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    await page.goto(pageUrl);
    await page.waitForSelector('body[data-state="signed-out"]');
    await page.fill('#username', 'mona');
    await page.fill('#password', PASSWORD);
    await page.click('#signin-button');
    await page.waitForSelector('body[data-state="ready"]');
    return page;
  }

  it('uploads the file in parts, completes it, and the server ingests it for the uploader', { timeout: 300_000 }, async () => {
    const file = path.join(dir, 'customers_parts.csv');
    await generateCustomers(file, ROWS, { domain: 'parts.example' });
    process.env.FOREMAN_UPLOAD_PART_BYTES = String(Math.ceil(statSync(file).size / PARTS));
    const problems: string[] = [];
    const page = await openSignedIn(problems);
    const parts: string[] = [];
    page.on('request', (r) => {
      const n = new URL(r.url()).searchParams.get('partNumber');
      if (r.method() === 'PUT' && n) parts.push(n);
    });
    await page.setInputFiles('#file', file);
    await page.waitForSelector('body[data-state="inspected"]', { timeout: 120_000 });
    await page.click('#upload-button');
    await page.waitForSelector('body[data-state="uploaded"]', { timeout: 120_000 });
    expect(await page.textContent('#upload-status')).toBe('Uploaded. The server is importing customers_parts.csv: follow it in My ingestions below. You may close this page; the import goes on.');
    await page.screenshot({ path: path.join(SHOTS, 'multipart-1-uploaded.png'), fullPage: true });
    expect([...parts].sort()).toEqual(['1', '2', '3', '4', '5']);

    await route.idle();
    expect(results.size).toBe(1);
    const [key, result] = [...results.entries()][0]!;
    expect(key).toMatch(/^uploads\/[^/]+\/[0-9a-f-]{36}\/customers_parts\.csv$/);
    expect(result.outcome).toBe('PROCESSED');
    const ingestion = (await stackClients(stack).iam.request(GetIngestionDocument, { id: result.ingestionId! })).getIngestion!;
    expect({ source: ingestion.source, owner: ingestion.owner?.startsWith('cognito:'), created: ingestion.created, rowCount: ingestion.rowCount }).toEqual({ source: 'S3', owner: true, created: ROWS, rowCount: ROWS });
    expect(problems).toEqual([]);
    await page.close();
  });

  it('aborts the upload when a part is refused, and says so', { timeout: 300_000 }, async () => {
    const file = path.join(dir, 'customers_refused.csv');
    await generateCustomers(file, ROWS, { domain: 'refused.example' });
    process.env.FOREMAN_UPLOAD_PART_BYTES = String(Math.ceil(statSync(file).size / PARTS));
    const problems: string[] = [];
    const page = await openSignedIn(problems);
    const calls: string[] = [];
    page.on('request', (r) => {
      const body = r.postData() ?? '';
      for (const op of ['createUpload', 'completeUpload', 'abortUpload']) if (r.method() === 'POST' && body.includes(`${op}(`)) calls.push(op);
    });
    // The storage refuses part 2.
    await page.route(/partNumber=2/, (r) => (r.request().method() === 'PUT' ? r.fulfill({ status: 403, body: '<Error><Code>AccessDenied</Code></Error>' }) : r.continue()));
    await page.setInputFiles('#file', file);
    await page.waitForSelector('body[data-state="inspected"]', { timeout: 120_000 });
    await page.click('#upload-button');
    await page.waitForSelector('body[data-state="upload-failed"]', { timeout: 120_000 });
    await page.screenshot({ path: path.join(SHOTS, 'multipart-2-refused.png'), fullPage: true });
    expect(await page.textContent('#upload-status')).toBe('The upload did not go through: the storage answered HTTP 403 (AccessDenied). Try again, or use Import to import it from this page.');
    expect(calls).toEqual(['createUpload', 'abortUpload']);
    await route.idle();
    expect([...results.keys()].filter((k) => k.endsWith('/customers_refused.csv'))).toEqual([]);
    expect(route.keys('foreman-local').filter((k) => k.endsWith('/customers_refused.csv'))).toEqual([]);
    expect(problems).toEqual([]);
  });
});
