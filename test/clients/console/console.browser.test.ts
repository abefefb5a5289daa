/**
 * The GraphQL console (GraphiQL, clients/console) in a real browser — Debian's Chromium driven by
 * playwright-core — against a real in-memory local stack: the schema's fields are offered as you
 * type, a query runs signed with SigV4 in the page, and a subscription started in the console
 * receives the event of a mutation the test runs through the typed client.
 *
 * The console is used with IAM, the back end's mode, which keeps access to data whatever the
 * stack's default mode becomes. Screenshots go to $FOREMAN_SCREENSHOTS or
 * <tmp>/foreman-console-screenshots (never committed). Without Chromium this file fails.
 */
import { createHash, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page, type WebSocket } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, type GraphQLClient } from '../../../clients/api/client';
import { CreateCustomerDocument, FailIngestionDocument, StartIngestionDocument } from '../../../clients/api/generated';
import { startTestStack, type TestStack } from '../../helpers/localStack';

const CHROMIUM = process.env.FOREMAN_CHROMIUM ?? '/usr/bin/chromium';
const SHOTS = process.env.FOREMAN_SCREENSHOTS ?? path.join(os.tmpdir(), 'foreman-console-screenshots');

/** What Monaco shows in an editor, as text (it draws spaces as U+00A0). */
async function editorText(page: Page, editor: 'query' | 'response'): Promise<string> {
  const selector = editor === 'query' ? '.graphiql-query-editor .view-lines' : '.graphiql-response .view-lines';
  return (await page.locator(selector).innerText()).replace(/\u00a0/g, ' ');
}

/** The response as shown, without white space: the response editor wraps long lines anywhere. */
async function responseText(page: Page): Promise<string> {
  return (await editorText(page, 'response')).replace(/\s+/g, '');
}

describe('the GraphQL console in Chromium', () => {
  let stack: TestStack;
  let browser: Browser;
  let consoleUrl: string;
  let client: GraphQLClient;

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(`Chromium is missing at ${CHROMIUM}: the console tests need a real browser. Install it (apt-get install -y chromium; npm test does it through test/preflight.sh) or point FOREMAN_CHROMIUM at one.`);
    }
    mkdirSync(SHOTS, { recursive: true });
    stack = await startTestStack();
    consoleUrl = stack.graphqlUrl.replace(/\/graphql$/, '/console');
    client = createClient({ url: stack.graphqlUrl, auth: { mode: 'AWS_IAM', region: stack.iam.region, credentials: stack.iam } });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  });

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  /**
   * The console in a fresh browser context (its own localStorage: GraphiQL and the auth picker
   * remember their state there), with IAM picked in the Auth panel and the schema reloaded with it.
   * Collects script errors, CSP violations, dialogs and any request that leaves the stack's origin.
   */
  async function openConsole(): Promise<{ page: Page; problems: string[]; requests: { url: string; headers: Record<string, string> }[] }> {
    const origin = new URL(stack.graphqlUrl).origin;
    const context = await browser.newContext({ viewport: { width: 1300, height: 850 } });
    // The test pastes operations, as a user would: typed text gets Monaco's auto-closed brackets.
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin });
    const page = await context.newPage();
    const problems: string[] = [];
    const requests: { url: string; headers: Record<string, string> }[] = [];
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(`console error: ${m.text()}`);
    });
    page.on('dialog', (d) => {
      problems.push(`dialog: ${d.message()}`);
      void d.dismiss();
    });
    page.on('request', (r) => {
      requests.push({ url: r.url(), headers: r.headers() });
      if (!r.url().startsWith(`${origin}/`) && !r.url().startsWith(origin.replace('http', 'ws'))) problems.push(`request to another origin: ${r.url()}`);
    });
    // The first request builds the console (esbuild, in memory): give it time on a busy machine.
    await page.goto(consoleUrl, { timeout: 120_000 });
    await page.waitForSelector('body[data-state="ready"]', { timeout: 60_000 });
    await page.waitForSelector('.graphiql-query-editor .monaco-editor', { timeout: 60_000 });
    await page.click('button[aria-label="Show Auth"]');
    await page.check('input[name="auth-mode"][value="AWS_IAM"]');
    await expect(page.locator('#auth-mode-badge').textContent()).resolves.toBe('IAM (SigV4)');
    await page.click('#auth-reload-schema');
    await page.waitForSelector('.auth-panel [role="status"]:text("Schema reloaded with this auth.")', { timeout: 30_000 });
    return { page, problems, requests };
  }

  /** Replaces the operation in the query editor by pasting `text`. */
  async function setQuery(page: Page, text: string): Promise<void> {
    await page.click('.graphiql-query-editor .monaco-editor .view-lines');
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.press('Delete');
    await page.evaluate((t) => navigator.clipboard.writeText(t), text);
    await page.keyboard.press('ControlOrMeta+V');
    await expect.poll(() => editorText(page, 'query')).toContain(text.split('\n')[0]!.trim());
  }

  it('is served from the stack itself at /console/, with a content security policy and no CDN', async () => {
    const response = await fetch(`${consoleUrl}/`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-security-policy')).toMatch(/default-src 'self'.*script-src 'self'/);
    const html = await response.text();
    // Every script and stylesheet is a relative path on this origin.
    expect(html).toContain('<script type="module" src="console.js"></script>');
    expect(html).not.toMatch(/https?:\/\//);
    // The hand-written console's address still works: it moves to the new one.
    const old = await fetch(consoleUrl, { redirect: 'manual' });
    expect(old.status).toBe(301);
    expect(old.headers.get('location')).toBe('/console/');
  });

  it('prefills the auth picker with the stack’s IAM credentials and offers a schema field after a prefix', async () => {
    const { page, problems, requests } = await openConsole();
    // defaults.json carries what the stack prints in its banner (LocalStack.iam).
    await expect(page.inputValue('#auth-accessKeyId')).resolves.toBe(stack.iam.accessKeyId);
    await expect(page.inputValue('#auth-region')).resolves.toBe(stack.iam.region);
    await setQuery(page, '{ listCus');
    await page.keyboard.press('Control+Space');
    const suggestions = page.locator('.suggest-widget .monaco-list-row');
    await suggestions.first().waitFor({ timeout: 30_000 });
    const offered = (await suggestions.allInnerTexts()).map((t) => t.split('\n')[0]);
    // Query.listCustomers is in schema/schema.graphql; getCustomer does not start like "listCus".
    expect(offered).toContain('listCustomers');
    expect(offered).not.toContain('getCustomer');
    await page.screenshot({ path: path.join(SHOTS, '1-autocomplete.png') });
    // The schema came from introspection signed with SigV4 by the page, as the fetcher does for every request.
    const introspection = requests.find((r) => r.url.endsWith('/graphql') && r.headers.authorization);
    expect(introspection?.headers.authorization).toMatch(new RegExp(`^AWS4-HMAC-SHA256 Credential=${stack.iam.accessKeyId}/\\d{8}/${stack.iam.region}/appsync/aws4_request`));
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it('runs a query and shows the customer the typed client created', async () => {
    const email = `console-${randomUUID().slice(0, 8)}@console.example`;
    const created = await client.request(CreateCustomerDocument, { input: { email, name: 'Console Query' } });
    const { page, problems } = await openConsole();
    await setQuery(page, `query ByEmail {\n  customerByEmail(email: "${email}") { id email name }\n}`);
    await page.click('.graphiql-execute-button');
    await expect.poll(() => responseText(page), { timeout: 30_000 }).toContain(created.createCustomer.id);
    const shown = await responseText(page);
    expect(shown).toContain(`"email":"${email}"`);
    expect(shown).toContain('"name":"ConsoleQuery"');
    await page.screenshot({ path: path.join(SHOTS, '2-query.png') });
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it('shows AppSync’s UnauthorizedException when the picked API key is wrong', async () => {
    const { page, problems } = await openConsole();
    await page.check('input[name="auth-mode"][value="API_KEY"]');
    await page.fill('#auth-apiKey', 'da2-thiskeydoesnotexistanywhere00');
    await setQuery(page, '{ __typename }');
    await page.click('.graphiql-execute-button');
    await expect.poll(() => responseText(page), { timeout: 30_000 }).toContain('UnauthorizedException');
    await page.screenshot({ path: path.join(SHOTS, '3-unauthorized.png') });
    // Chromium logs the refused request itself; nothing else went wrong.
    expect(problems).toEqual(['console error: Failed to load resource: the server responded with a status of 401 (Unauthorized)']);
    await page.context().close();
  });

  it('explains a pasted "Bearer" token instead of sending it', async () => {
    const { page, problems } = await openConsole();
    await page.check('input[name="auth-mode"][value="AMAZON_COGNITO_USER_POOLS"]');
    await page.fill('#auth-token', 'Bearer eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln');
    await expect(page.locator('.auth-panel [role="alert"]').textContent()).resolves.toBe('AppSync wants the token alone: remove "Bearer ".');
    await page.fill('#auth-token', 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln');
    await expect(page.locator('.auth-panel [role="alert"]').count()).resolves.toBe(0);
    await expect(page.locator('#auth-mode-badge').textContent()).resolves.toBe('User pool token');
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it('receives in a console subscription the event of a mutation run elsewhere', async () => {
    const sha256 = createHash('sha256').update(randomUUID()).digest('hex');
    const started = await client.request(StartIngestionDocument, { input: { fileName: 'console.csv', sha256, model: 'CUSTOMER', source: 'API', rowCount: 3 } });
    const ingestionId = started.startIngestion.ingestion!.id;
    const { page, problems } = await openConsole();
    const sockets: WebSocket[] = [];
    const frames: string[] = [];
    const acked = new Promise<void>((resolve) => {
      page.on('websocket', (ws) => {
        sockets.push(ws);
        ws.on('framereceived', ({ payload }) => {
          frames.push(String(payload));
          if (String(payload).includes('"start_ack"')) resolve();
        });
      });
    });
    await setQuery(page, `subscription Watch {\n  onIngestionProgress(ingestionId: "${ingestionId}") { ingestionId status failureReason }\n}`);
    await page.click('.graphiql-execute-button');
    await acked;
    expect(sockets).toHaveLength(1);
    expect(sockets[0]!.url()).toMatch(new RegExp(`^${stack.realtimeUrl.replace(/[.?]/g, '\\$&')}\\?header=`));

    // The mutation runs outside the browser, through the typed client (IAM: back-end only).
    await client.request(FailIngestionDocument, { ingestionId, reason: 'stopped by the console test' });
    await expect.poll(() => responseText(page), { timeout: 30_000 }).toContain('"failureReason":"stoppedbytheconsoletest"');
    const shown = await responseText(page);
    expect(shown).toContain(`"ingestionId":"${ingestionId}"`);
    expect(shown).toContain('"status":"FAILED"');
    await page.screenshot({ path: path.join(SHOTS, '4-subscription.png') });

    // Stopping in GraphiQL sends AppSync's stop; the server answers complete.
    await page.click('.graphiql-execute-button');
    await expect.poll(() => frames.some((f) => f.includes('"complete"')), { timeout: 10_000 }).toBe(true);
    expect(problems).toEqual([]);
    await page.context().close();
  });
});
