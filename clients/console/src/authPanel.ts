/**
 * The auth picker, a GraphiQL plugin (sidebar panel): API key, IAM (SigV4 in the browser), a
 * user pool token, or none. The choice is kept in localStorage; the fetcher reads it per request.
 */
import { useGraphiQLActions, type GraphiQLPlugin } from '@graphiql/react';
import { createElement as h, useState, useSyncExternalStore, type ReactNode } from 'react';
import { tokenProblem, type ConsoleAuth, type ConsoleAuthMode, type ConsoleDefaults } from './auth';

const STORAGE_KEY = 'appsync-console:auth';

interface AuthFields {
  mode: ConsoleAuthMode;
  apiKey: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  token: string;
}

export const MODE_LABELS: Record<ConsoleAuthMode, string> = {
  API_KEY: 'API key',
  AWS_IAM: 'IAM (SigV4)',
  AMAZON_COGNITO_USER_POOLS: 'User pool token',
  NONE: 'None (headers only)',
};

/** The picker's state, outside React so the fetcher can read it. */
export class AuthStore {
  private fields: AuthFields;
  private listeners = new Set<() => void>();

  constructor(
    defaults: ConsoleDefaults,
    private readonly storage: Pick<Storage, 'getItem' | 'setItem'> | null,
  ) {
    const fromServer: AuthFields = {
      mode: defaults.apiKey ? 'API_KEY' : defaults.iam ? 'AWS_IAM' : 'NONE',
      apiKey: defaults.apiKey ?? '',
      region: defaults.iam?.region ?? 'us-east-1',
      accessKeyId: defaults.iam?.accessKeyId ?? '',
      secretAccessKey: defaults.iam?.secretAccessKey ?? '',
      sessionToken: '',
      token: '',
    };
    let saved: Partial<AuthFields> = {};
    try {
      saved = JSON.parse(storage?.getItem(STORAGE_KEY) ?? '{}') as Partial<AuthFields>;
    } catch {
      // unreadable: start from the server's defaults
    }
    this.fields = { ...fromServer, ...saved };
    if (!(this.fields.mode in MODE_LABELS)) this.fields.mode = fromServer.mode;
  }

  get snapshot(): AuthFields {
    return this.fields;
  }

  update(change: Partial<AuthFields>): void {
    this.fields = { ...this.fields, ...change };
    try {
      this.storage?.setItem(STORAGE_KEY, JSON.stringify(this.fields));
    } catch {
      // storage full or refused: the choice still holds for this page
    }
    for (const listener of this.listeners) listener();
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  /** The auth the next request uses. */
  current(): ConsoleAuth {
    const f = this.fields;
    switch (f.mode) {
      case 'API_KEY':
        return { mode: 'API_KEY', apiKey: f.apiKey.trim() };
      case 'AWS_IAM':
        return { mode: 'AWS_IAM', region: f.region.trim(), accessKeyId: f.accessKeyId.trim(), secretAccessKey: f.secretAccessKey.trim(), ...(f.sessionToken.trim() ? { sessionToken: f.sessionToken.trim() } : {}) };
      case 'AMAZON_COGNITO_USER_POOLS':
        return { mode: 'AMAZON_COGNITO_USER_POOLS', token: f.token.trim() };
      case 'NONE':
        return { mode: 'NONE' };
    }
  }
}

function field(label: string, name: keyof AuthFields, value: string, onChange: (value: string) => void, options: { secret?: boolean; multiline?: boolean } = {}): ReactNode {
  const id = `auth-${name}`;
  const props = { id, name, value, spellCheck: false, autoComplete: 'off', onChange: (e: { target: { value: string } }) => onChange(e.target.value) };
  return h(
    'div',
    { className: 'auth-field', key: name },
    h('label', { htmlFor: id }, label),
    options.multiline ? h('textarea', { ...props, rows: 5 }) : h('input', { ...props, type: options.secret ? 'password' : 'text' }),
  );
}

function AuthPanel({ store }: { store: AuthStore }): ReactNode {
  const f = useSyncExternalStore(store.subscribe, () => store.snapshot);
  const { introspect } = useGraphiQLActions();
  const [reloaded, setReloaded] = useState('');
  const set = (name: keyof AuthFields) => (value: string) => store.update({ [name]: value });
  const problem = f.mode === 'AMAZON_COGNITO_USER_POOLS' ? tokenProblem(f.token) : null;
  const modes = (Object.keys(MODE_LABELS) as ConsoleAuthMode[]).map((mode) =>
    h('label', { key: mode, className: 'auth-mode' }, h('input', { type: 'radio', name: 'auth-mode', value: mode, checked: f.mode === mode, onChange: () => store.update({ mode }) }), ` ${MODE_LABELS[mode]}`),
  );
  const fields: ReactNode[] = [];
  if (f.mode === 'API_KEY') fields.push(field('x-api-key', 'apiKey', f.apiKey, set('apiKey')));
  if (f.mode === 'AWS_IAM') {
    fields.push(
      field('Region', 'region', f.region, set('region')),
      field('Access key id', 'accessKeyId', f.accessKeyId, set('accessKeyId')),
      field('Secret access key', 'secretAccessKey', f.secretAccessKey, set('secretAccessKey'), { secret: true }),
      field('Session token (optional)', 'sessionToken', f.sessionToken, set('sessionToken'), { secret: true }),
      h('p', { key: 'iam-note', className: 'auth-note' }, 'Each request is signed in this page with SigV4 (service appsync); the secret never leaves the browser.'),
    );
  }
  if (f.mode === 'AMAZON_COGNITO_USER_POOLS') {
    fields.push(
      field('Token (sent as Authorization)', 'token', f.token, set('token'), { multiline: true }),
      h('p', { key: 'token-note', className: problem ? 'auth-note auth-problem' : 'auth-note', role: problem ? 'alert' : undefined }, problem ?? 'Sent as the Authorization header, and in the real-time handshake.'),
    );
  }
  if (f.mode === 'NONE') fields.push(h('p', { key: 'none-note', className: 'auth-note' }, 'Only the headers in the Headers editor are sent (HTTP only; subscriptions need a mode above).'));
  return h(
    'section',
    { className: 'auth-panel', 'aria-label': 'Authorization' },
    h('div', { className: 'graphiql-doc-explorer-title' }, 'Authorization'),
    h('fieldset', null, h('legend', null, 'Auth mode'), ...modes),
    ...fields,
    h(
      'button',
      {
        type: 'button',
        className: 'graphiql-button',
        id: 'auth-reload-schema',
        onClick: () => {
          setReloaded('Loading the schema…');
          void introspect().then(() => setReloaded('Schema reloaded with this auth.'));
        },
      },
      'Reload the schema with this auth',
    ),
    reloaded ? h('p', { className: 'auth-note', role: 'status' }, reloaded) : null,
  );
}

function KeyIcon(): ReactNode {
  return h(
    'svg',
    { viewBox: '0 0 24 24', fill: 'none', stroke: 'currentColor', strokeWidth: 1.5, 'aria-hidden': true },
    h('circle', { cx: 8, cy: 15, r: 4 }),
    h('path', { d: 'M10.8 12.2 20 3m-4 4 3 3m-5-1 2 2' }),
  );
}

/** The sidebar plugin for `store`. */
export function authPlugin(store: AuthStore): GraphiQLPlugin {
  return { title: 'Auth', icon: KeyIcon, content: () => h(AuthPanel, { store }) };
}
