// The web console in a real headless Chromium (Debian's chromium, driven by playwright-core) against a real server on
// the generated demo catalogue (real Postgres, real Qdrant, two trained model versions): every page renders without
// console errors, a user's recommendations come with explanations, a click from the page folds in at once, similar
// items show in the three modes, activate / rollback switch the live version, Operations shows rules, an experiment's
// report and training jobs and drives them. Screenshots of every page go to
// tests/screenshots/ (git-ignored) for people to look at.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CONSOLE_CSP } from '../../src/console/routes.js';
import { createLogger } from '../../src/logger.js';
import { trainAndPublish } from '../../training/train-job/bootstrap.js';
import { launchChromium, type Browser } from '../helpers/browser.js';
import { startServedApp, type ServedApp } from '../helpers/served-app.js';

const SCREENSHOTS = path.resolve(import.meta.dirname, '../screenshots');
const API_KEY = 'console-test-key';
const USER = 'reader-00001';

async function screenshot(page: Page, name: string): Promise<void> {
  await mkdir(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOTS, `console-${name}.png`), fullPage: true });
}

describe('web console in Chromium', () => {
  let served: ServedApp;
  let browser: Browser;
  let page: Page;
  let versions: { first: string; second: string };

  const open = async (hash: string) => {
    await page.goto(`${served.origin}/console/${hash}`);
  };
  /** Enters the API key in the page's key bar unless this tab already keeps one. */
  const useApiKey = async () => {
    const input = page.locator('input[name=apiKey]');
    if ((await input.count()) === 0) return;
    await input.fill(API_KEY);
    await page.locator('[data-test=api-key-bar] button[type=submit]').click();
    await expect.poll(() => input.count()).toBe(0);
  };
  const liveVersion = async () =>
    (await served.graphql<{ modelInfo: { version: string } }>('{ modelInfo { version } }')).data!.modelInfo.version;

  beforeAll(async () => {
    served = await startServedApp({ env: { RECGRAPH_API_KEY: API_KEY } });
    const first = await liveVersion();
    const second = await trainAndPublish(served.pool, served.app.vectorStore, createLogger('silent'), {
      dataDir: served.config.dataDir,
      prefix: served.config.collectionPrefix,
      params: { factors: 16, iterations: 6 },
    });
    versions = { first, second };
    // The server picks up a version activated by another process on its next model refresh, not at once.
    for (let waited = 0; (await liveVersion()) !== second && waited < 20_000; waited += 200)
      await new Promise((resolve) => setTimeout(resolve, 200));
    // An evaluation report kept beside the second version's artifacts, in the shape `recgraph evaluate --json` writes.
    await writeFile(
      path.join(served.config.dataDir, 'models', second, 'evaluation.json'),
      JSON.stringify({
        protocol: 'full catalogue, training items excluded',
        ks: [10, 20, 50],
        results: [
          {
            model: 'popularity',
            metrics: {
              'recall@10': 0.05,
              'recall@20': 0.08,
              'recall@50': 0.15,
              'ndcg@10': 0.04,
              'ndcg@20': 0.05,
              'ndcg@50': 0.07,
            },
          },
          {
            model: 'ials',
            metrics: {
              'recall@10': 0.12,
              'recall@20': 0.19,
              'recall@50': 0.31,
              'ndcg@10': 0.1,
              'ndcg@20': 0.12,
              'ndcg@50': 0.15,
            },
          },
        ],
      }),
    );
    browser = await launchChromium();
    page = await browser.newPage();
  });

  beforeEach(() => {
    browser.problems.length = 0; // each test answers for the problems of its own pages
  });

  afterAll(async () => {
    await browser?.close();
    await served?.stop();
  });

  it('serves the page with a CSP, the bundle from this origin, and nothing secret', async () => {
    const response = await fetch(`${served.origin}/console/`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-security-policy')).toBe(CONSOLE_CSP);
    const page = await response.text();
    const script = await (await fetch(`${served.origin}/console/app.js`)).text();
    for (const text of [page, script]) expect(text).not.toContain(API_KEY);
    expect(page).toContain('<script type="module" src="app.js"></script>');
    expect((await fetch(`${served.origin}/console`, { redirect: 'manual' })).headers.get('location')).toBe('/console/');
    expect((await fetch(`${served.origin}/console/nope.js`)).status).toBe(404);
  });

  it('the model-version API the Models page uses: key required, unknown versions refused by name', async () => {
    const activate = `mutation($v: ID!) { activateModelVersion(version: $v) { from to } }`;
    const keyless = await served.graphql(activate, { v: versions.first });
    expect(keyless.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    const unknown = await served.graphql(activate, { v: 'v-no-such' }, { 'x-api-key': API_KEY });
    expect(unknown.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', argumentName: 'version' });
    expect(unknown.errors?.[0].message).toMatch(/no model version "v-no-such"/);
    expect(await liveVersion()).toBe(versions.second);
  });

  it('User: 20 recommendations with strategy, scores, sources and explanations, and the history', async () => {
    await open(`#/user/${USER}`);
    const rows = page.locator('[data-test=page-user] [data-test=scored-row]');
    await expect.poll(() => rows.count(), { timeout: 20_000 }).toBe(20);
    expect(await page.locator('[data-test=strategy]').first().textContent()).toBe('MODEL');
    const explanations = await page.locator('[data-test=scored-row] [data-test=explanation]').allTextContents();
    expect(explanations).toHaveLength(20);
    for (const text of explanations) expect(text.trim()).toMatch(/^Because you liked \S|^\S/);
    expect(explanations.filter((text) => text.startsWith('Because you liked')).length).toBeGreaterThan(0);
    // What the page shows is what the API answers for the same question.
    const api = await served.graphql<{ recommendations: { items: Array<{ item: { id: string } }> } }>(
      `{ recommendations(userId: "${USER}", first: 20, explain: true) { items { item { id } } } }`,
    );
    const shownIds = await rows.evaluateAll((elements) => elements.map((e) => e.getAttribute('data-item-id')));
    expect(shownIds).toEqual(api.data!.recommendations.items.map((entry) => entry.item.id));
    expect(await page.locator('[data-test=history-row]').count()).toBeGreaterThan(0);
    await screenshot(page, 'user');
    expect(browser.problems).toEqual([]);
  });

  it('User: a click asks for the API key, then removes the item and turns the strategy to FOLD_IN', async () => {
    await open(`#/user/${USER}`);
    const rows = page.locator('[data-test=page-user] [data-test=scored-row]');
    await expect.poll(() => rows.count(), { timeout: 20_000 }).toBe(20);
    const clicked = (await rows.first().getAttribute('data-item-id'))!;

    await rows.first().locator('[data-test=record-click]').click();
    await expect.poll(() => page.locator('[data-test=notice]').textContent()).toMatch(/API key/);
    // The refused request (HTTP 401) is the one console error this step causes; anything else is a failure.
    expect(browser.problems.every((line) => /status of 401/.test(line))).toBe(true);
    browser.problems.length = 0;

    await useApiKey();
    // Kept in this tab only: sessionStorage, never localStorage (the page runs in the browser, hence globalThis).
    const stored = await page.evaluate(() => {
      const web = globalThis as unknown as { sessionStorage: { length: number }; localStorage: { length: number } };
      return [web.sessionStorage.length, web.localStorage.length];
    });
    expect(stored).toEqual([1, 0]);
    await rows.first().locator('[data-test=record-click]').click();
    await expect
      .poll(() => page.locator('[data-test=strategy]').first().textContent(), { timeout: 20_000 })
      .toBe('FOLD_IN');
    await expect.poll(() => rows.count()).toBe(20);
    const shownIds = await rows.evaluateAll((elements) => elements.map((e) => e.getAttribute('data-item-id')));
    expect(shownIds).not.toContain(clicked);
    const history = await page.locator('[data-test=history-row] [data-test=item-title]').first().getAttribute('href');
    expect(history).toBe(`#/item/${encodeURIComponent(clicked)}`);
    await screenshot(page, 'user-after-click');
    expect(browser.problems).toEqual([]);
  });

  it('Item: keyword, semantic and hybrid search; similar items in the three modes side by side', async () => {
    for (const mode of ['KEYWORD', 'SEMANTIC', 'HYBRID']) {
      await open(`#/item?q=${encodeURIComponent('fantasy')}&mode=${mode}`);
      const results = page.locator('[data-test=search-results] [data-test=scored-row]');
      await expect.poll(() => results.count(), { timeout: 20_000 }).toBeGreaterThan(0);
      expect(await page.locator('[data-test=search-results] [data-test=strategy]').textContent()).toBe('SEARCH');
    }
    await page.locator('[data-test=search-results] [data-test=item-title]').first().click();
    await expect.poll(() => page.locator('[data-test=item-details]').count(), { timeout: 20_000 }).toBe(1);
    const expectedSources: Record<string, RegExp> = {
      COLLABORATIVE: /^(COLLABORATIVE)$/,
      SEMANTIC: /^(SEMANTIC)$/,
      HYBRID: /^(COLLABORATIVE|SEMANTIC)$/,
    };
    for (const [mode, source] of Object.entries(expectedSources)) {
      const column = page.locator(`[data-test=similar-${mode}]`);
      await expect.poll(() => column.locator('[data-test=scored-row]').count(), { timeout: 20_000 }).toBe(10);
      for (const text of await column.locator('[data-test=source]').allTextContents()) expect(text).toMatch(source);
    }
    await screenshot(page, 'item');

    // A catalogue image (`imageUrl`) is shown: here a 1×1 PNG as a data: URL (the CSP allows images from anywhere).
    const png =
      'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';
    const upsert = await served.graphql(
      `mutation($input: [ItemInput!]!) { upsertItems(input: $input) { created } }`,
      { input: [{ id: 'console-cover', title: 'A Book With a Cover', genres: ['fantasy'], imageUrl: png }] },
      { 'x-api-key': API_KEY },
    );
    expect(upsert.errors).toBeUndefined();
    await open('#/item/console-cover');
    const cover = page.locator('[data-test=item-details] img.cover');
    await expect.poll(() => cover.count(), { timeout: 20_000 }).toBe(1);
    await expect.poll(() => cover.evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth)).toBe(1);
    expect(browser.problems).toEqual([]);
  });

  it('Cold start: an unknown user gets popular items, popular per window, a session built by clicking', async () => {
    await open('#/cold-start');
    const unknown = page.locator('[data-test=unknown-user-list]');
    await expect.poll(() => unknown.locator('[data-test=scored-row]').count(), { timeout: 20_000 }).toBe(10);
    expect(await unknown.locator('[data-test=strategy]').textContent()).toBe('POPULAR');
    expect(await unknown.locator('[data-test=reason]').textContent()).toBeTruthy();
    const allTime = page.locator('[data-test=popular-ALL_TIME] [data-test=scored-row]');
    await expect.poll(() => allTime.count(), { timeout: 20_000 }).toBe(10);
    for (const window of ['LAST_30_DAYS', 'LAST_7_DAYS'])
      await expect.poll(() => page.locator(`[data-test=popular-${window}] [data-test=strategy]`).count()).toBe(1);

    await allTime.nth(0).locator('[data-test=add-to-session]').click();
    await allTime.nth(3).locator('[data-test=add-to-session]').click();
    await expect.poll(() => page.locator('[data-test=session-items] li').count()).toBe(2);
    const session = page.locator('[data-test=session-list]');
    await expect.poll(() => session.locator('[data-test=scored-row]').count(), { timeout: 20_000 }).toBe(10);
    expect(await session.locator('[data-test=strategy]').textContent()).toBe('SESSION');
    await screenshot(page, 'cold-start');
    expect(browser.problems).toEqual([]);
  });

  it('Models: versions with the live one marked and the evaluation plots; activate and rollback switch it', async () => {
    await open('#/models');
    const rows = page.locator('[data-test=version-row]');
    await expect.poll(() => rows.count(), { timeout: 20_000 }).toBe(2);
    const liveRow = () => page.locator('[data-test=version-row][data-live=true]').getAttribute('data-version');
    expect(await liveRow()).toBe(versions.second);

    await page.locator(`[data-test=version-row][data-version="${versions.second}"] button.link`).click();
    const plots = page.locator('[data-test=evaluation-plots] svg polyline');
    await expect.poll(() => plots.count()).toBe(4); // recall@K and ndcg@K, one line per model
    await screenshot(page, 'models');

    // The activation goes through the API like any client's, with the key kept in this tab.
    await useApiKey();
    await page.locator(`[data-test=version-row][data-version="${versions.first}"] [data-test=activate]`).click();
    await expect.poll(liveRow, { timeout: 20_000 }).toBe(versions.first);
    expect(await page.locator('[data-test=notice]').textContent()).toContain(`${versions.second} → ${versions.first}`);
    expect(await liveVersion()).toBe(versions.first);
    const served1 = await served.graphql<{ recommendations: { modelVersion: string } }>(
      `{ recommendations(userId: "reader-00002", first: 3) { modelVersion } }`,
    );
    expect(served1.data!.recommendations.modelVersion).toBe(versions.first);

    await page.locator('[data-test=rollback]').click();
    await expect.poll(liveRow, { timeout: 20_000 }).toBe(versions.second);
    expect(await liveVersion()).toBe(versions.second);
    await screenshot(page, 'models-after-rollback');
    expect(browser.problems).toEqual([]);
  });

  it('Health: Postgres and Qdrant up, per-operation rates and percentiles, a live chart', async () => {
    await open('#/health');
    await expect.poll(() => page.locator('[data-test=dependency]').count(), { timeout: 20_000 }).toBe(2);
    for (const name of ['postgres', 'qdrant'])
      expect(await page.locator(`[data-test=dependency][data-name=${name}] .badge`).textContent()).toBe('up');
    // Some traffic while the page polls: the chart and the table have something to show.
    for (let i = 0; i < 5; i++) await served.graphql(`query HealthProbe { popular(first: 3) { strategy } }`);
    const cells = () => page.locator('[data-test=operation-row][data-operation=HealthProbe] td').allTextContents();
    await expect.poll(async () => Number((await cells())[1]), { timeout: 20_000 }).toBe(5);
    expect(Number((await cells())[4])).toBeGreaterThan(0); // p95 ms
    await expect
      .poll(() => page.locator('[data-test=live-chart] polyline').first().getAttribute('points'), { timeout: 20_000 })
      .toMatch(/\d+(\.\d+)?,\d+(\.\d+)? \d/);
    expect(await page.locator('[data-test=degraded-none]').count()).toBe(1);
    await screenshot(page, 'health');
    expect(browser.problems).toEqual([]);
  });

  it('Operations: a rule, an experiment with its report, training jobs; Train now asks for the key, then trains', async () => {
    const asAdmin = async <T>(query: string, variables: Record<string, unknown>) => {
      const answer = await served.graphql<T>(query, variables, { 'x-api-key': API_KEY });
      expect(answer.errors, JSON.stringify(answer.errors)).toBeUndefined();
      return answer.data!;
    };
    await asAdmin(`mutation($input: [BusinessRuleInput!]!) { upsertBusinessRules(input: $input) { created } }`, {
      input: [{ id: 'console-boost-fantasy', kind: 'BOOST', match: { filter: { genres: ['fantasy'] } }, factor: 1.5 }],
    });
    await asAdmin(`mutation($input: ExperimentInput!) { createExperiment(input: $input) { name } }`, {
      input: {
        name: 'console-ab',
        variants: [
          { name: 'control', share: 0.5 },
          { name: 'diverse', share: 0.5, diversity: 0.3 },
        ],
      },
    });
    await asAdmin(`mutation { startExperiment(name: "console-ab") { status } }`, {});
    // Lists served under the experiment, and one click attributed to the first of them.
    const users = served.dataset.users.slice(10, 30).map((user) => user.externalId);
    const lists: Array<{ recommendationId: string; experiment: { variant: string } | null; items: any[] }> = [];
    for (const userId of users) {
      const answer = await served.graphql<{ recommendations: (typeof lists)[number] }>(
        `{ recommendations(userId: "${userId}", first: 10) { recommendationId experiment { variant } items { item { id } } } }`,
      );
      lists.push(answer.data!.recommendations);
    }
    expect(lists.every((list) => list.experiment !== null)).toBe(true);
    await asAdmin(`mutation($input: [InteractionInput!]!) { recordInteractions(input: $input) { recorded } }`, {
      input: [
        {
          userId: users[0],
          itemId: lists[0].items[0].item.id,
          kind: 'click',
          recommendationId: lists[0].recommendationId,
        },
      ],
    });

    // The key from earlier tests is forgotten first, so the page's Train now shows what happens without it.
    await open('#/operations');
    const forget = page.locator('[data-test=api-key-bar] button', { hasText: 'forget' });
    if (await forget.count()) await forget.click();
    const rule = page.locator('[data-test=rule-row][data-rule-id=console-boost-fantasy]');
    await expect.poll(() => rule.count(), { timeout: 20_000 }).toBe(1);
    expect((await rule.locator('td').allTextContents()).slice(0, 5)).toEqual([
      'console-boost-fantasy',
      'BOOST',
      'default',
      'genres fantasy',
      '× 1.5',
    ]);
    const experiment = page.locator('[data-test=experiment-row][data-experiment=console-ab]');
    await expect.poll(() => experiment.getAttribute('data-status'), { timeout: 20_000 }).toBe('RUNNING');
    expect(await experiment.locator('[data-test=variant]').count()).toBe(2);
    const reportRows = page.locator('[data-test=experiment-report][data-experiment=console-ab] [data-test=report-row]');
    await expect.poll(() => reportRows.count(), { timeout: 20_000 }).toBe(2);
    // The report's counts are the lists served above, split by the variant each list said it was in.
    for (const variant of ['control', 'diverse']) {
      const row = page.locator(`[data-test=experiment-report] [data-test=report-row][data-variant=${variant}]`);
      const served = lists.filter((list) => list.experiment!.variant === variant).length;
      expect(Number(await row.locator('[data-test=impressions]').textContent())).toBe(served);
    }
    const clickedVariant = lists[0].experiment!.variant;
    expect(
      await page.locator(`[data-test=report-row][data-variant=${clickedVariant}] [data-test=ctr]`).textContent(),
    ).toMatch(/\(1\/\d+\)/);
    const jobs = page.locator('[data-test=job-row]');
    const jobsBefore = await jobs.count();
    await screenshot(page, 'operations');

    await page.locator('[data-test=train-now]').click();
    await expect
      .poll(() => page.locator('[data-test=training-section] [data-test=notice]').textContent())
      .toMatch(/API key/);
    expect(browser.problems.every((line) => /status of 401/.test(line))).toBe(true);
    browser.problems.length = 0;
    await useApiKey();
    await page.locator('[data-test=train-now]').click();
    await expect
      .poll(() => page.locator('[data-test=training-section] [data-test=notice]').textContent())
      .toMatch(/Queued training job/);
    await expect.poll(() => jobs.count(), { timeout: 20_000 }).toBe(jobsBefore + 1);
    // The page follows the job (polling every 2 s) to its end; on 300 items × 150 users it takes seconds.
    await expect
      .poll(() => jobs.first().getAttribute('data-state'), { timeout: 120_000, interval: 1000 })
      .toMatch(/SUCCEEDED|FAILED/);
    expect(await jobs.first().getAttribute('data-state')).toBe('SUCCEEDED');

    // The experiment's lifecycle from the page: stop, then end.
    await experiment.locator('[data-test=stop-experiment]').click();
    await expect.poll(() => experiment.getAttribute('data-status'), { timeout: 20_000 }).toBe('STOPPED');
    await screenshot(page, 'operations-after-train');
    await experiment.locator('[data-test=end-experiment]').click();
    await expect.poll(() => experiment.getAttribute('data-status'), { timeout: 20_000 }).toBe('ENDED');
    await rule.locator('[data-test=delete-rule]').click();
    await expect.poll(() => rule.count(), { timeout: 20_000 }).toBe(0);
    expect(
      (await served.graphql<{ businessRules: unknown[] }>('{ businessRules { id } }')).data!.businessRules,
    ).toEqual([]);
    expect(browser.problems).toEqual([]);
  }, 240_000);

  it('a dislike is negative feedback: the item leaves the list, and a liked item disliked stops explaining', async () => {
    const userId = 'reader-00004';
    const list = async () =>
      (
        await served.graphql<{
          recommendations: { strategy: string; items: Array<{ item: { id: string }; explanation: any }> };
        }>(
          `{ recommendations(userId: "${userId}", first: 20, explain: true) { strategy items { item { id } explanation { becauseOf { id } } } } }`,
        )
      ).data!.recommendations;
    const reasonsOf = (answer: Awaited<ReturnType<typeof list>>) =>
      answer.items.flatMap((entry) => entry.explanation?.becauseOf.map((item: { id: string }) => item.id) ?? []);
    const before = await list();
    const shown = before.items[0].item.id; // recommended, never seen
    const explaining = reasonsOf(before)[0]; // in the history, cited as "because you liked"
    expect(explaining).toBeTruthy();
    const recorded = await served.graphql(
      `mutation($input: [InteractionInput!]!) { recordInteractions(input: $input) { recorded } }`,
      {
        input: [
          { userId, itemId: shown, kind: 'dislike' },
          { userId, itemId: explaining, kind: 'dislike' },
        ],
      },
      { 'x-api-key': API_KEY },
    );
    expect(recorded.errors).toBeUndefined();
    const after = await list();
    expect(after.strategy).toBe('FOLD_IN'); // fresh events: the vector is folded in from the history …
    expect(after.items.map((entry) => entry.item.id)).not.toContain(shown);
    // … from what the user liked only: the disliked items are no input and explain nothing.
    const reasons = reasonsOf(after);
    expect(reasons.length).toBeGreaterThan(0);
    expect(reasons).not.toContain(explaining);
    expect(reasons).not.toContain(shown);
  });
});

describe('web console in production', () => {
  it('is not served without RECGRAPH_CONSOLE=on (404 like any unknown route), and is with it', async () => {
    const off = await startServedApp({ env: { NODE_ENV: 'production' }, train: false });
    try {
      for (const route of ['/console', '/console/', '/console/app.js']) {
        const response = await fetch(`${off.origin}${route}`);
        expect(response.status, route).toBe(404);
        expect(((await response.json()) as any).errors[0].extensions.code).toBe('NOT_FOUND');
      }
      expect(off.app.consoleUrl).toBeUndefined();
    } finally {
      await off.stop();
    }
    const on = await startServedApp({ env: { NODE_ENV: 'production', RECGRAPH_CONSOLE: 'on' }, train: false });
    try {
      const response = await fetch(`${on.origin}/console/`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-security-policy')).toBe(CONSOLE_CSP);
      expect(on.app.consoleUrl).toMatch(/\/console\/$/);
    } finally {
      await on.stop();
    }
  });
});
