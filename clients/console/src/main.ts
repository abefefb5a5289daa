/**
 * The console page: GraphiQL against the API that served it (`/graphql` and `/graphql/realtime` on
 * this page's own origin), with the auth picker as a sidebar plugin. Nothing is specific to one API:
 * the schema comes from introspection, the auth defaults from `defaults.json` next to this page.
 */
import { GraphiQL, HISTORY_PLUGIN, type GraphiQLProps } from 'graphiql';
import { createElement as h, useSyncExternalStore } from 'react';
import { createRoot } from 'react-dom/client';
import 'graphiql/style.css';
import './console.css';
import type { ConsoleDefaults } from './auth';
import { AuthStore, authPlugin, MODE_LABELS } from './authPanel';
import { createConsoleFetcher } from './fetcher';
import './workers';

async function defaults(): Promise<ConsoleDefaults> {
  try {
    const response = await fetch(new URL('defaults.json', location.href));
    return response.ok ? ((await response.json()) as ConsoleDefaults) : {};
  } catch {
    return {};
  }
}

function storage(): Storage | null {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
}

const DEFAULT_QUERY = `# ${location.origin}/graphql
# Auth: the key icon on the left. Docs: the book icon.
# Ctrl+Space completes; Ctrl+Enter runs. Subscriptions
# show each event as it arrives.
{
  __typename
}
`;

async function main(): Promise<void> {
  const store = new AuthStore(await defaults(), storage());
  const graphqlUrl = new URL('/graphql', location.origin).href;
  const realtimeUrl = graphqlUrl.replace(/^http/, 'ws') + '/realtime';
  const consoleFetcher = createConsoleFetcher({ graphqlUrl, realtimeUrl, auth: () => store.current() });
  // GraphiQL types errors as GraphQLError instances; it only prints them, and AppSync's plain
  // error objects (errorType, message, locations, path) print the same.
  const fetcher: GraphiQLProps['fetcher'] = (params, options) => consoleFetcher(params, options) as ReturnType<GraphiQLProps['fetcher']>;
  const plugin = authPlugin(store);
  // GraphiQL finds its logo among its children by type: GraphiQL.Logo itself, our badge inside.
  const ModeBadge = () => {
    const { mode } = useSyncExternalStore(store.subscribe, () => store.snapshot);
    return h('span', { className: 'console-mode', id: 'auth-mode-badge' }, MODE_LABELS[mode]);
  };
  const App = () =>
    h(
      GraphiQL,
      { fetcher, plugins: [plugin, HISTORY_PLUGIN], defaultQuery: DEFAULT_QUERY, shouldPersistHeaders: false },
      h(GraphiQL.Logo, null, h('span', { className: 'console-title' }, 'AppSync console'), h(ModeBadge)),
    );
  createRoot(document.getElementById('graphiql')!).render(h(App));
  document.body.dataset.state = 'ready';
}

void main();
