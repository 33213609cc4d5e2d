// Shared pieces of the console's pages: async loading, item cards, scored lists and their headers.
import { html } from 'htm/preact';
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import type { ComponentChildren } from 'preact';
import type { ItemFieldsFragment, ListFieldsFragment } from '../src/sdk/index.js';
import { describeError } from './api.js';

export type Loaded<T> = { state: 'loading' } | { state: 'ok'; value: T } | { state: 'error'; message: string };

/** Runs `load` whenever `deps` change (and on `reload()`); a stale answer never overwrites a newer one. */
export function useLoad<T>(load: () => Promise<T>, deps: unknown[]): [Loaded<T>, () => void] {
  const [result, setResult] = useState<Loaded<T>>({ state: 'loading' });
  const [tick, setTick] = useState(0);
  const generation = useRef(0);
  useEffect(() => {
    const mine = ++generation.current;
    load().then(
      (value) => mine === generation.current && setResult({ state: 'ok', value }),
      (error: unknown) => mine === generation.current && setResult({ state: 'error', message: describeError(error) }),
    );
  }, [...deps, tick]);
  return [result, useCallback(() => setTick((t) => t + 1), [])];
}

/** Loading…, the error, or `children(value)` (one function child: `<${Show} loaded=${x}>${(value) => …}<//>`). */
export function Show<T>({ loaded, children }: { loaded: Loaded<T>; children: unknown }) {
  if (loaded.state === 'loading') return html`<p class="muted" data-test="loading">Loading…</p>`;
  if (loaded.state === 'error') return html`<p class="error" data-test="error">${loaded.message}</p>`;
  const render = [children].flat().find((child) => typeof child === 'function') as (value: T) => ComponentChildren;
  return html`${render(loaded.value)}`;
}

export const itemHref = (id: string) => `#/item/${encodeURIComponent(id)}`;
export const userHref = (id: string) => `#/user/${encodeURIComponent(id)}`;

/** An image only when the catalogue has one; it may be on another host (the CSP allows images from anywhere). */
function Cover({ item }: { item: ItemFieldsFragment }) {
  if (!item.imageUrl) return html`<div class="cover none" aria-hidden="true">${item.title.slice(0, 1)}</div>`;
  return html`<img class="cover" src=${item.imageUrl} alt="" loading="lazy" referrerpolicy="no-referrer" />`;
}

export function ItemSummary({ item }: { item: ItemFieldsFragment }) {
  return html`<div class="item-summary">
    <${Cover} item=${item} />
    <div>
      <a class="title" href=${itemHref(item.id)} data-test="item-title">${item.title}</a>
      ${item.year && !item.title.includes(`(${item.year})`) ? html` <span class="muted">(${item.year})</span>` : null}
      <div class="muted small">${item.creators.join(', ')}</div>
      <div class="chips">${item.genres.map((genre) => html`<span class="chip">${genre}</span>`)}</div>
    </div>
  </div>`;
}

export function ListHeader({ list }: { list: Pick<ListFieldsFragment, 'strategy' | 'reason' | 'modelVersion'> }) {
  return html`<div class="list-header">
    <span class="badge strategy" data-test="strategy">${list.strategy}</span>
    ${list.modelVersion ? html`<span class="muted small">model <code>${list.modelVersion}</code></span>` : null}
    ${list.reason ? html`<div class="reason small" data-test="reason">${list.reason}</div>` : null}
  </div>`;
}

type ScoredEntry = ListFieldsFragment['items'][number];

export function ScoredList({
  list,
  actions,
  compact = false,
}: {
  list: ListFieldsFragment;
  actions?: (entry: ScoredEntry) => ComponentChildren;
  compact?: boolean;
}) {
  if (list.items.length === 0) return html`<p class="muted" data-test="empty">No items.</p>`;
  return html`<ol class=${compact ? 'scored compact' : 'scored'}>
    ${list.items.map(
      (entry) =>
        html`<li class="scored-row" data-test="scored-row" data-item-id=${entry.item.id}>
          <${ItemSummary} item=${entry.item} />
          <div class="score-cell">
            <span class="badge source" data-test="source">${entry.source}</span>
            <span class="score" title="score">${entry.score.toFixed(3)}</span>
          </div>
          ${
            entry.explanation
              ? html`<div class="explanation small" data-test="explanation">
                  ${
                    entry.explanation.becauseOf.length
                      ? html`Because you liked${' '}
                        ${entry.explanation.becauseOf.map(
                          // The server's sentence ("Because you liked A and B"), with each title a link to its item.
                          (item, i) => html`${i ? ' and ' : ''}<a href=${itemHref(item.id)}>${item.title}</a>`,
                        )}`
                      : entry.explanation.text
                  }
                </div>`
              : null
          }
          ${actions ? html`<div class="actions">${actions(entry)}</div>` : null}
        </li>`,
    )}
  </ol>`;
}

/** Splits "a, b ,c" into ["a", "b", "c"]; empty → undefined (no filter). */
export function listFromText(text: string): string[] | undefined {
  const values = text
    .split(',')
    .map((value) => value.trim())
    .filter(Boolean);
  return values.length ? values : undefined;
}

export function intOrUndefined(text: string): number | undefined {
  const value = Number(text);
  return text.trim() !== '' && Number.isInteger(value) ? value : undefined;
}

export const formatTime = (iso: string | null | undefined) =>
  iso
    ? new Date(iso)
        .toISOString()
        .replace('T', ' ')
        .replace(/\.\d+Z$/, 'Z')
    : '–';
