// User: one user's history (newest first) and recommendations with their explanations; filters, diversity and page
// size; feedback recorded from the page, after which the list is asked for again (the strategy becomes FOLD_IN and
// the item leaves the list, without retraining).
import { html } from 'htm/preact';
import { useState } from 'preact/hooks';
import type { ItemFilter } from '../../src/sdk/index.js';
import { api, describeError } from '../api.js';
import { formatTime, intOrUndefined, ItemSummary, ListHeader, listFromText, ScoredList, Show, useLoad } from '../ui.js';

const FEEDBACK_KINDS = ['click', 'like', 'dislike'] as const;
const PAGE_SIZES = [5, 10, 20, 50, 100];

export function UserPage({ userId, navigate }: { userId: string; navigate: (hash: string) => void }) {
  const [draftId, setDraftId] = useState(userId);
  const [genres, setGenres] = useState('');
  const [yearFrom, setYearFrom] = useState('');
  const [yearTo, setYearTo] = useState('');
  const [diversity, setDiversity] = useState(0);
  const [first, setFirst] = useState(20);
  const [notice, setNotice] = useState<{ kind: 'ok' | 'error'; text: string } | undefined>();

  const filter: ItemFilter = {
    genres: listFromText(genres),
    yearFrom: intOrUndefined(yearFrom),
    yearTo: intOrUndefined(yearTo),
  };
  const filterKey = JSON.stringify(filter);
  const [recommendations, reloadRecommendations] = useLoad(
    () =>
      userId
        ? api().recommendations({ userId, first, filter, diversity, explain: true })
        : Promise.reject(new Error('Enter a user id.')),
    [userId, first, filterKey, diversity],
  );
  const [history, reloadHistory] = useLoad(
    () => (userId ? api().userHistory({ id: userId, first: 20 }) : Promise.resolve(null)),
    [userId],
  );

  async function record(itemId: string, title: string, kind: (typeof FEEDBACK_KINDS)[number]) {
    try {
      const answer = await api().recordInteractions([{ userId, itemId, kind }]);
      if (answer.rejected.length) throw new Error(answer.rejected.map((r) => r.reason).join('; '));
      setNotice({ kind: 'ok', text: `Recorded ${kind} on “${title}”.` });
      reloadRecommendations();
      reloadHistory();
    } catch (error) {
      setNotice({ kind: 'error', text: describeError(error) });
    }
  }

  return html`<section data-test="page-user">
    <h1>User</h1>
    <form
      class="toolbar"
      onSubmit=${(event: Event) => {
        event.preventDefault();
        setNotice(undefined);
        navigate(`#/user/${encodeURIComponent(draftId.trim())}`);
      }}
    >
      <label
        >User id
        <input name="userId" value=${draftId} onInput=${(e: Event) => setDraftId((e.target as HTMLInputElement).value)}
      /></label>
      <button type="submit">Show</button>
    </form>
    <div class="columns">
      <div class="column wide">
        <h2>Recommendations</h2>
        <div class="toolbar small">
          <label
            >Genres
            <input
              name="genres"
              placeholder="fantasy, mystery"
              value=${genres}
              onChange=${(e: Event) => setGenres((e.target as HTMLInputElement).value)}
          /></label>
          <label
            >Years
            <input
              name="yearFrom"
              class="year"
              placeholder="from"
              value=${yearFrom}
              onChange=${(e: Event) => setYearFrom((e.target as HTMLInputElement).value)} />–<input
              name="yearTo"
              class="year"
              placeholder="to"
              value=${yearTo}
              onChange=${(e: Event) => setYearTo((e.target as HTMLInputElement).value)}
          /></label>
          <label
            >Diversity ${diversity.toFixed(1)}
            <input
              name="diversity"
              type="range"
              min="0"
              max="1"
              step="0.1"
              value=${diversity}
              onChange=${(e: Event) => setDiversity(Number((e.target as HTMLInputElement).value))}
          /></label>
          <label
            >Page size
            <select
              name="first"
              value=${first}
              onChange=${(e: Event) => setFirst(Number((e.target as HTMLSelectElement).value))}
            >
              ${PAGE_SIZES.map((size) => html`<option value=${size}>${size}</option>`)}
            </select></label
          >
        </div>
        ${notice ? html`<p class=${notice.kind === 'ok' ? 'notice' : 'error'} data-test="notice">${notice.text}</p>` : null}
        <${Show} loaded=${recommendations}>
          ${(list: Awaited<ReturnType<ReturnType<typeof api>['recommendations']>>) =>
            html` <${ListHeader} list=${list} />
              <${ScoredList}
                list=${list}
                actions=${(entry: (typeof list.items)[number]) =>
                  FEEDBACK_KINDS.map(
                    (kind) =>
                      html`<button
                        type="button"
                        class="small"
                        data-test=${`record-${kind}`}
                        onClick=${() => record(entry.item.id, entry.item.title, kind)}
                      >
                        ${kind}
                      </button>`,
                  )}
              />`}
        <//>
      </div>
      <div class="column">
        <h2>History <span class="muted small">newest first</span></h2>
        <${Show} loaded=${history}>
          ${(user: Awaited<ReturnType<ReturnType<typeof api>['userHistory']>>) =>
            !user
              ? html`<p class="muted" data-test="unknown-user">
                  Unknown user: no history. The list shows what a new visitor gets.
                </p>`
              : user.history.events.length === 0
                ? html`<p class="muted">No events yet.</p>`
                : html`<ol class="history">
                    ${user.history.events.map(
                      (event) =>
                        html`<li data-test="history-row">
                          <${ItemSummary} item=${event.item} />
                          <div class="muted small">
                            ${event.kind}${event.value !== 1 ? ` ${event.value}` : ''} · ${formatTime(event.occurredAt)}
                          </div>
                        </li>`,
                    )}
                  </ol>`}
        <//>
      </div>
    </div>
  </section>`;
}
