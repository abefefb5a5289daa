/**
 * Who is using the page: the sign-in form, the header (who is signed in, their groups, Sign out),
 * the proactive token refresh, and "My ingestions" (listIngestions: the API returns the caller's
 * own; admins see everyone's).
 */
import { createClient, type GraphQLClient } from '../../api/client';
import { ListIngestionsDocument, type ListIngestionsQuery } from '../../api/generated';
import { AuthSession, cognitoEndpoint, mayImport, SignInError, type Identity } from './auth';
import { byId, el, fill, number } from './dom';
import type { WebConfig } from './session';

/** How many ingestions "My ingestions" shows (listIngestions answers newest first, at most 100 a page). */
const MINE_LIMIT = 25;

type Ingestion = ListIngestionsQuery['listIngestions']['items'][number];

export interface AccountHooks {
  /** Signed in (on load with a stored session, or through the form). */
  signedIn(identity: Identity, client: GraphQLClient): void;
  /** Signed out (the button, or a session that could not be refreshed). */
  signedOut(): void;
  /** Whether an import is running (Sign out waits for it). */
  busy(): boolean;
}

export class Account {
  readonly auth: AuthSession;
  client: GraphQLClient | null = null;
  identity: Identity | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly config: WebConfig,
    private readonly hooks: AccountHooks,
  ) {
    this.auth = new AuthSession({ endpoint: cognitoEndpoint(config), clientId: config.userPoolClientId });
  }

  /** Wires the form and buttons, then enters the stored session or shows the form. */
  start(): void {
    byId('signin-form').addEventListener('submit', (e) => {
      e.preventDefault();
      void this.submit();
    });
    byId('signout-button').addEventListener('click', () => this.signOut());
    byId('mine-refresh').addEventListener('click', () => void this.loadMine());
    const stored = this.auth.current();
    if (stored) this.enter(stored);
    else this.showForm();
  }

  /** The ID token for a request or the subscription (refreshed when close to expiry). */
  token = (): Promise<string> => this.auth.idToken();

  private async submit(): Promise<void> {
    const username = byId<HTMLInputElement>('username').value.trim();
    const password = byId<HTMLInputElement>('password').value;
    const problem = byId('signin-error');
    const button = byId<HTMLButtonElement>('signin-button');
    if (!username || !password) {
      fill(problem, `Enter your ${!username ? 'username' : 'password'}.`);
      problem.hidden = false;
      return;
    }
    problem.hidden = true;
    button.disabled = true;
    document.body.dataset.state = 'signing-in';
    try {
      const identity = await this.auth.signIn(username, password);
      byId<HTMLInputElement>('password').value = '';
      this.enter(identity);
    } catch (error) {
      // Cognito's own message ("Incorrect username or password."), whatever the endpoint.
      fill(problem, el('strong', {}, 'Not signed in. '), error instanceof Error ? error.message : String(error));
      problem.hidden = false;
      document.body.dataset.state = 'signed-out';
    } finally {
      button.disabled = false;
    }
  }

  private showForm(message?: string): void {
    byId('app').hidden = true;
    byId('who').hidden = true;
    byId('signin').hidden = false;
    const problem = byId('signin-error');
    if (message) fill(problem, message);
    problem.hidden = !message;
    document.body.dataset.state = 'signed-out';
  }

  private enter(identity: Identity): void {
    this.identity = identity;
    this.client = createClient({ url: this.config.graphqlUrl, auth: { mode: 'AMAZON_COGNITO_USER_POOLS', token: this.token } });
    byId('signin').hidden = true;
    fill(byId('who-name'), `${identity.username} · ${identity.groups.length ? identity.groups.join(', ') : 'no group'}`);
    byId('who').hidden = false;
    const notAllowed = byId('not-allowed');
    if (!mayImport(identity)) {
      fill(
        notAllowed,
        el('strong', {}, 'Importing is not allowed for this account. '),
        `${identity.username} is ${identity.groups.length ? `in ${identity.groups.join(', ')}` : 'in no group'}; importing files needs the importers (or admins) group. Ask an administrator to add you, then sign out and in again.`,
      );
    }
    notAllowed.hidden = mayImport(identity);
    byId('app').hidden = false;
    this.scheduleRefresh();
    this.hooks.signedIn(identity, this.client);
    void this.loadMine();
  }

  /** Forgets the session; `message` says why when it was not the user's choice. */
  signOut(message?: string): void {
    if (this.hooks.busy()) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.auth.signOut();
    this.identity = null;
    this.client = null;
    fill(byId('mine-table').querySelector('tbody')!);
    this.hooks.signedOut();
    this.showForm(message);
  }

  /** Refreshes the tokens shortly before the ID token expires, so a long import keeps going. */
  private scheduleRefresh(): void {
    if (this.timer) clearTimeout(this.timer);
    const wait = this.auth.msUntilRefresh();
    if (wait === null) return;
    this.timer = setTimeout(() => {
      this.auth.refresh().then(
        () => this.scheduleRefresh(),
        (error: unknown) => {
          // A network hiccup: try again in a minute (the token is still valid for a while).
          if (!this.sessionEnded(error)) this.timer = setTimeout(() => this.scheduleRefresh(), 60_000);
        },
      );
    }, wait);
  }

  /**
   * When `error` says the session is over (the refresh token was refused or is gone), signs out
   * with a message and answers true. A page reopened after the refresh token expired lands here.
   */
  sessionEnded(error: unknown): boolean {
    const cause = error instanceof Error && error.cause instanceof SignInError ? error.cause : error;
    if (!(cause instanceof SignInError) || (cause.type !== 'NotAuthorizedException' && cause.type !== 'NotSignedIn')) return false;
    this.signOut('Your session has ended. Sign in again.');
    return true;
  }

  private mineTimer: ReturnType<typeof setTimeout> | undefined;

  /** An upload just sent (kept across reloads): the list follows it until its ingestion appears and ends. */
  expectUpload(fileName: string): void {
    localStorage.setItem(PENDING_UPLOAD, JSON.stringify({ fileName, at: Date.now() }));
  }

  /** Lists the signed-in user's ingestions, newest first; again every few seconds while one runs or an upload is on its way. */
  async loadMine(): Promise<void> {
    clearTimeout(this.mineTimer);
    const client = this.client;
    if (!client) return;
    const note = byId('mine-note');
    const table = byId('mine-table');
    fill(note, 'Loading…');
    try {
      const { listIngestions } = await client.request(ListIngestionsDocument, { limit: MINE_LIMIT });
      if (client !== this.client) return;
      const items = [...listIngestions.items].sort((a, b) => b.startedAt.localeCompare(a.startedAt));
      fill(table.querySelector('tbody')!, ...items.map(row));
      table.hidden = items.length === 0;
      fill(
        note,
        items.length === 0
          ? 'You have not imported any file yet.'
          : `${number(items.length)} ingestion${items.length === 1 ? '' : 's'}${listIngestions.nextToken ? ` (the ${MINE_LIMIT} most recent)` : ''}.`,
      );
      document.body.dataset.mine = String(items.length);
      const pending = pendingUpload();
      const arrived = pending && items.some((i) => i.fileName === pending.fileName && Date.parse(i.startedAt) >= pending.at - 60_000);
      if (arrived) localStorage.removeItem(PENDING_UPLOAD);
      // Live: the list follows running ingestions (and an upload the server has not started yet).
      if (items.some((i) => i.status === 'RUNNING') || (pending && !arrived)) this.mineTimer = setTimeout(() => void this.loadMine(), MINE_REFRESH_MS);
    } catch (error) {
      if (client !== this.client) return;
      if (this.sessionEnded(error)) return;
      fill(note, `The list could not be loaded: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}

const PENDING_UPLOAD = 'foreman.pendingUpload';
const MINE_REFRESH_MS = 2000;
/** How long an upload is waited for before the list stops looking for it. */
const PENDING_UPLOAD_MS = 5 * 60_000;

function pendingUpload(): { fileName: string; at: number } | null {
  try {
    const p = JSON.parse(localStorage.getItem(PENDING_UPLOAD) ?? 'null') as { fileName: string; at: number } | null;
    return p && Date.now() - p.at < PENDING_UPLOAD_MS ? p : null;
  } catch {
    return null;
  }
}

function row(i: Ingestion): HTMLTableRowElement {
  const started = i.startedAt.replace('T', ' ').replace(/\.\d+Z$|Z$/, '');
  const rows = i.rowCount === null || i.rowCount === undefined ? number(i.processed) : `${number(i.processed)} of ${number(i.rowCount)}`;
  return el(
    'tr',
    i.status === 'RUNNING' ? { class: 'running' } : {},
    el('td', {}, i.fileName),
    el('td', {}, i.status.toLowerCase()),
    el('td', {}, started),
    el('td', {}, rows),
    el('td', {}, number(i.created)),
    el('td', {}, number(i.duplicates)),
    el('td', {}, number(i.invalid)),
  );
}
