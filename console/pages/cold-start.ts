// Cold start: what an unknown user gets, the popular lists per window, and an anonymous session built by clicking
// items (recommendForSession: no account, no event stored).
import { html } from 'htm/preact';
import { useState } from 'preact/hooks';
import type { PopularWindow } from '../../src/sdk/index.js';
import { api } from '../api.js';
import { ListHeader, ScoredList, Show, useLoad } from '../ui.js';

type Client = ReturnType<typeof api>;
type List = Awaited<ReturnType<Client['popular']>>;
type Entry = List['items'][number];

const WINDOWS: PopularWindow[] = ['ALL_TIME', 'LAST_30_DAYS', 'LAST_7_DAYS'];
/** An id no catalogue uses: the query answers as it would for any first-time visitor (queries create no user). */
const UNKNOWN_USER = 'console:unknown-visitor';

export function ColdStartPage() {
  const [session, setSession] = useState<Array<{ id: string; title: string }>>([]);
  const add = (entry: Entry) =>
    setSession((items) =>
      items.some((item) => item.id === entry.item.id)
        ? items
        : [...items, { id: entry.item.id, title: entry.item.title }],
    );
  const addButton = (entry: Entry) =>
    html`<button type="button" class="small" data-test="add-to-session" onClick=${() => add(entry)}>
      add to session
    </button>`;
  const sessionKey = session.map((item) => item.id).join('\n');
  const [unknown] = useLoad(() => api().recommendations({ userId: UNKNOWN_USER, first: 10, explain: true }), []);
  const [sessionList] = useLoad(
    () =>
      session.length
        ? api().recommendForSession({ itemIds: session.map((item) => item.id), first: 10 })
        : Promise.resolve(undefined),
    [sessionKey],
  );
  return html`<section data-test="page-cold-start">
    <h1>Cold start</h1>
    <div class="columns">
      <div class="column">
        <h2>Unknown user</h2>
        <${Show} loaded=${unknown}>
          ${(list: List) => html`<div data-test="unknown-user-list"><${ListHeader} list=${list} /><${ScoredList} list=${list} compact actions=${addButton} /></div>`}
        <//>
      </div>
      <div class="column">
        <h2>Anonymous session</h2>
        <p class="muted small">
          Click “add to session” on any item: the list is recommendForSession over the clicked items.
        </p>
        ${
          session.length
            ? html`<ol class="session" data-test="session-items">
                  ${session.map((item) => html`<li>${item.title}</li>`)}
                </ol>
                <button type="button" class="small" onClick=${() => setSession([])}>clear session</button>`
            : html`<p class="muted" data-test="session-empty">No items clicked yet.</p>`
        }
        <${Show} loaded=${sessionList}>
          ${(list: List | undefined) =>
            list
              ? html`<div data-test="session-list">
                  <${ListHeader} list=${list} /><${ScoredList} list=${list} compact actions=${addButton} />
                </div>`
              : null}
        <//>
      </div>
    </div>
    <h2>Popular</h2>
    <div class="columns three">
      ${WINDOWS.map((window) => html`<${PopularColumn} window=${window} actions=${addButton} key=${window} />`)}
    </div>
  </section>`;
}

function PopularColumn({ window, actions }: { window: PopularWindow; actions: (entry: Entry) => unknown }) {
  const [list] = useLoad(() => api().popular({ window, first: 10 }), [window]);
  return html`<div class="column" data-test=${`popular-${window}`}>
    <h3>${window.toLowerCase().replace(/_/g, ' ')}</h3>
    <${Show} loaded=${list}>
      ${(value: List) => html`<${ListHeader} list=${value} /><${ScoredList} list=${value} compact actions=${actions} />`}
    <//>
  </div>`;
}
