// The recgraph web console: a small single-page app (Preact + htm, bundled by esbuild when the server starts) on the
// service's own GraphQL API. Pages are chosen by the URL's hash (#/user/<id>, #/item/<id>, #/item?q=…, #/cold-start,
// #/models, #/operations, #/health), so every view is a link a person can share.
import { html } from 'htm/preact';
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { SearchMode } from '../src/sdk/index.js';
import { storeApiKey, storedApiKey } from './api.js';
import { ColdStartPage } from './pages/cold-start.js';
import { HealthPage } from './pages/health.js';
import { ItemPage } from './pages/item.js';
import { ModelsPage } from './pages/models.js';
import { OperationsPage } from './pages/operations.js';
import { UserPage } from './pages/user.js';

interface Route {
  page: 'user' | 'item' | 'cold-start' | 'models' | 'operations' | 'health';
  id?: string;
  params: URLSearchParams;
}

export function parseRoute(hash: string): Route {
  const [path, query = ''] = hash.replace(/^#\/?/, '').split('?', 2);
  const [page, ...rest] = path.split('/');
  const id = rest.length ? decodeURIComponent(rest.join('/')) : undefined;
  const params = new URLSearchParams(query);
  if (page === 'item' || page === 'cold-start' || page === 'models' || page === 'operations' || page === 'health')
    return { page, id, params };
  return { page: 'user', id, params };
}

const NAV: Array<[Route['page'], string, string]> = [
  ['user', 'User', '#/user'],
  ['item', 'Item', '#/item'],
  ['cold-start', 'Cold start', '#/cold-start'],
  ['models', 'Models', '#/models'],
  ['operations', 'Operations', '#/operations'],
  ['health', 'Health', '#/health'],
];

function ApiKeyBar() {
  const [saved, setSaved] = useState(Boolean(storedApiKey()));
  const [draft, setDraft] = useState('');
  if (saved)
    return html`<div class="key-bar" data-test="api-key-bar">
      <span class="small">API key kept in this tab</span>
      <button type="button" class="small" onClick=${() => (storeApiKey(undefined), setSaved(false))}>forget</button>
    </div>`;
  return html`<form
    class="key-bar"
    data-test="api-key-bar"
    onSubmit=${(event: Event) => {
      event.preventDefault();
      if (!draft.trim()) return;
      storeApiKey(draft.trim());
      setDraft('');
      setSaved(true);
    }}
  >
    <label class="small"
      >API key (for actions)
      <input
        name="apiKey"
        type="password"
        autocomplete="off"
        value=${draft}
        onInput=${(e: Event) => setDraft((e.target as HTMLInputElement).value)}
      />
    </label>
    <button type="submit" class="small">use in this tab</button>
  </form>`;
}

function App() {
  const [hash, setHash] = useState(location.hash);
  useEffect(() => {
    const onChange = () => setHash(location.hash);
    addEventListener('hashchange', onChange);
    return () => removeEventListener('hashchange', onChange);
  }, []);
  const route = parseRoute(hash);
  const navigate = (next: string) => {
    location.hash = next;
  };
  let page;
  if (route.page === 'user')
    page = html`<${UserPage} key=${route.id ?? ''} userId=${route.id ?? ''} navigate=${navigate} />`;
  else if (route.page === 'item')
    page = html`<${ItemPage}
      itemId=${route.id}
      query=${route.params.get('q') ?? ''}
      mode=${(route.params.get('mode') as SearchMode | null) ?? 'HYBRID'}
      navigate=${navigate}
    />`;
  else if (route.page === 'cold-start') page = html`<${ColdStartPage} />`;
  else if (route.page === 'models') page = html`<${ModelsPage} />`;
  else if (route.page === 'operations') page = html`<${OperationsPage} />`;
  else page = html`<${HealthPage} />`;
  return html`<header>
      <a class="brand" href="#/user">recgraph console</a>
      <nav>
        ${NAV.map(
          ([name, label, href]) =>
            html`<a href=${href} class=${route.page === name ? 'active' : ''} data-test=${`nav-${name}`}>${label}</a>`,
        )}
      </nav>
      <${ApiKeyBar} />
    </header>
    <main>${page}</main>`;
}

const root = document.getElementById('app')!;
root.textContent = ''; // the static "Loading…" placeholder of index.html
render(html`<${App} />`, root);
