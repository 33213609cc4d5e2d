// Item: search the catalogue (keyword / semantic / hybrid), and one item's metadata with its similar items in the
// three modes side by side, each row with the signal (source) that put it there.
import { html } from 'htm/preact';
import { useState } from 'preact/hooks';
import type { SearchMode, SimilarityMode } from '../../src/sdk/index.js';
import { api } from '../api.js';
import { ItemSummary, ListHeader, ScoredList, Show, useLoad } from '../ui.js';

const SEARCH_MODES: SearchMode[] = ['KEYWORD', 'SEMANTIC', 'HYBRID'];
const SIMILARITY_MODES: SimilarityMode[] = ['COLLABORATIVE', 'SEMANTIC', 'HYBRID'];

type Client = ReturnType<typeof api>;
type List = Awaited<ReturnType<Client['search']>>;
type Item = NonNullable<Awaited<ReturnType<Client['item']>>>;

function SearchPanel({ query, mode, navigate }: { query: string; mode: SearchMode; navigate: (hash: string) => void }) {
  const [draft, setDraft] = useState(query);
  const [draftMode, setDraftMode] = useState<SearchMode>(mode);
  const [results] = useLoad(
    () => (query ? api().search({ query, mode, first: 20 }) : Promise.resolve(undefined)),
    [query, mode],
  );
  return html`<div>
    <form
      class="toolbar"
      onSubmit=${(event: Event) => {
        event.preventDefault();
        navigate(`#/item?q=${encodeURIComponent(draft.trim())}&mode=${draftMode}`);
      }}
    >
      <label
        >Search
        <input
          name="q"
          placeholder="words or a description"
          value=${draft}
          onInput=${(e: Event) => setDraft((e.target as HTMLInputElement).value)}
      /></label>
      <select
        name="mode"
        value=${draftMode}
        onChange=${(e: Event) => setDraftMode((e.target as HTMLSelectElement).value as SearchMode)}
      >
        ${SEARCH_MODES.map((m) => html`<option value=${m}>${m.toLowerCase()}</option>`)}
      </select>
      <button type="submit">Search</button>
    </form>
    ${
      query
        ? html`<${Show} loaded=${results}>
            ${(list: List | undefined) =>
              list
                ? html`<div data-test="search-results">
                    <${ListHeader} list=${list} /><${ScoredList} list=${list} compact />
                  </div>`
                : null}
          <//>`
        : null
    }
  </div>`;
}

function ItemDetails({ item }: { item: Item }) {
  const rows: Array<[string, string | null]> = [
    ['id', item.id],
    ['creators', item.creators.join(', ') || null],
    ['genres', item.genres.join(', ') || null],
    ['tags', item.tags.join(', ') || null],
    ['year', item.year === null ? null : String(item.year)],
    ['publisher', item.publisher],
    ['language', item.language],
  ];
  return html`<div class="item-details" data-test="item-details">
    <${ItemSummary} item=${item} />
    <dl>
      ${rows
        .filter(([, value]) => value)
        .map(
          ([key, value]) =>
            html`<dt>${key}</dt>
              <dd>${value}</dd>`,
        )}
    </dl>
    ${item.description ? html`<p class="description">${item.description}</p>` : null}
  </div>`;
}

function SimilarColumn({ itemId, mode }: { itemId: string; mode: SimilarityMode }) {
  const [list] = useLoad(() => api().similarItems({ itemId, mode, first: 10 }), [itemId, mode]);
  return html`<div class="column" data-test=${`similar-${mode}`}>
    <h3>${mode.toLowerCase()}</h3>
    <${Show} loaded=${list}>
      ${(value: List) => html`<${ListHeader} list=${value} /><${ScoredList} list=${value} compact />`}
    <//>
  </div>`;
}

export function ItemPage({
  itemId,
  query,
  mode,
  navigate,
}: {
  itemId: string | undefined;
  query: string;
  mode: SearchMode;
  navigate: (hash: string) => void;
}) {
  const [item] = useLoad(() => (itemId ? api().item(itemId) : Promise.resolve(undefined)), [itemId]);
  return html`<section data-test="page-item">
    <h1>Item</h1>
    <${SearchPanel} key=${`${mode} ${query}`} query=${query} mode=${mode} navigate=${navigate} />
    ${
      itemId
        ? html`<${Show} loaded=${item}>
            ${(found: Item | null | undefined) =>
              !found
                ? html`<p class="error" data-test="item-not-found">No item “${itemId}”.</p>`
                : html`<${ItemDetails} item=${found} />
                    <h2>Similar items</h2>
                    <div class="columns three">
                      ${SIMILARITY_MODES.map((m) => html`<${SimilarColumn} itemId=${found.id} mode=${m} key=${m} />`)}
                    </div>`}
          <//>`
        : html`<p class="muted">Search, then pick an item to see its similar items.</p>`
    }
  </section>`;
}
