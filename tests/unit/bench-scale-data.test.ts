// bench:scale's generated catalogue: seeded, Zipf-skewed, and with taste groups a model can find (a group-aware
// popularity beats global popularity on held-out events by a wide margin).
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { eventSampler, plantCatalogue, writeScaleData, zipfRank } from '../../bench/lib/scale-data.js';
import { Rng } from '../../src/random.js';

describe('zipfRank', () => {
  it('stays in range, grows with u, and gives the top ranks most of the draws', () => {
    const n = 10_000;
    expect(zipfRank(0, n, 0.8)).toBe(0);
    expect(zipfRank(0.999999, n, 0.8)).toBe(n - 1);
    let previous = 0;
    for (let u = 0; u < 1; u += 0.01) {
      const r = zipfRank(u, n, 0.8);
      expect(r).toBeGreaterThanOrEqual(previous);
      expect(r).toBeLessThan(n);
      previous = r;
    }
    const rng = new Rng(3);
    let top = 0;
    const draws = 50_000;
    for (let i = 0; i < draws; i++) if (zipfRank(rng.next(), n, 0.8) < n / 100) top++;
    // ∫₁^{101} r^-0.8 / ∫₁^{10001} r^-0.8 = (101^0.2 − 1) / (10001^0.2 − 1) ≈ 0.286: the top 1 % of items take
    // ≈ 29 % of the events.
    expect(top / draws).toBeGreaterThan(0.27);
    expect(top / draws).toBeLessThan(0.3);
  });
});

describe('plantCatalogue', () => {
  it('lists each group’s items once, most popular first', () => {
    const c = plantCatalogue(1000, 7, new Rng(1));
    expect(c.start[7]).toBe(1000);
    expect(new Set(c.members).size).toBe(1000);
    const rankOf = new Int32Array(1000);
    c.byRank.forEach((item, r) => (rankOf[item] = r));
    for (let g = 0; g < 7; g++) {
      const members = c.members.subarray(c.start[g], c.start[g + 1]);
      for (const item of members) expect(c.itemCluster[item]).toBe(g);
      for (let k = 1; k < members.length; k++) expect(rankOf[members[k]]).toBeGreaterThan(rankOf[members[k - 1]]);
    }
  });
});

describe('eventSampler', () => {
  const options = { items: 5000, users: 3000, events: 60_000, clusters: 40, seed: 5 };

  it('is reproducible from its seed and close to the requested number of events', () => {
    const a = eventSampler(options);
    const b = eventSampler(options);
    let total = 0;
    for (let u = 0; u < options.users; u++) {
      const x = a.nextUser();
      const y = b.nextUser();
      expect(y.cluster).toBe(x.cluster);
      expect(Array.from(y.items)).toEqual(Array.from(x.items));
      total += x.items.length;
    }
    expect(total).toBeGreaterThan(0.85 * options.events);
    expect(total).toBeLessThan(1.15 * options.events);
  });

  it('plants structure: group popularity beats global popularity on each user’s held-out event', () => {
    const { catalogue, nextUser } = eventSampler(options);
    const users = Array.from({ length: options.users }, () => nextUser());
    // Fit on all but each user's last event: global counts, and counts per group.
    const global = new Float64Array(options.items);
    const perGroup = Array.from({ length: options.clusters }, () => new Float64Array(options.items));
    for (const u of users)
      for (let e = 0; e < u.items.length - 1; e++) {
        global[u.items[e]]++;
        perGroup[u.cluster][u.items[e]]++;
      }
    const top = (counts: Float64Array, k: number) =>
      new Set(
        Array.from(counts.keys())
          .sort((a, b) => counts[b] - counts[a])
          .slice(0, k),
      );
    const globalTop = top(global, 20);
    const groupTop = perGroup.map((c) => top(c, 20));
    let globalHits = 0;
    let groupHits = 0;
    let held = 0;
    let inGroup = 0;
    for (const u of users) {
      if (u.items.length < 2) continue;
      const last = u.items[u.items.length - 1];
      held++;
      if (globalTop.has(last)) globalHits++;
      if (groupTop[u.cluster].has(last)) groupHits++;
      if (catalogue.itemCluster[last] === u.cluster) inGroup++;
    }
    // 80 % of events come from the user's group (noise 0.2), plus the group's share of the noise.
    expect(inGroup / held).toBeGreaterThan(0.75);
    expect(globalHits / held).toBeGreaterThan(0.01); // popularity is a real baseline …
    expect(groupHits / held).toBeGreaterThan(3 * (globalHits / held)); // … and structure beats it
  });
});

describe('writeScaleData', () => {
  it('writes MovieLens-layout files with the counts it reports', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'recgraph-scale-data-'));
    try {
      const written = await writeScaleData(dir, { items: 300, users: 200, events: 2000, clusters: 10 });
      const movies = (await readFile(path.join(dir, 'movies.csv'), 'utf8')).trim().split('\n');
      const ratings = (await readFile(path.join(dir, 'ratings.csv'), 'utf8')).trim().split('\n');
      expect(movies[0]).toBe('movieId,title,genres');
      expect(ratings[0]).toBe('userId,movieId,rating,timestamp');
      expect(movies.length - 1).toBe(300);
      expect(ratings.length - 1).toBe(written.events);
      expect(movies[1]).toMatch(/^1,[a-z]+ [a-z]+ [a-z]+ 1 \(1950\),[A-Za-z-]+\|[A-Za-z-]+$/);
      for (const line of ratings.slice(1, 50)) {
        const [user, item, rating, time] = line.split(',').map(Number);
        expect(user).toBeGreaterThanOrEqual(1);
        expect(item).toBeGreaterThanOrEqual(1);
        expect(item).toBeLessThanOrEqual(300);
        expect(rating).toBeGreaterThanOrEqual(3);
        expect(rating).toBeLessThanOrEqual(5);
        expect(time).toBeGreaterThan(1_400_000_000);
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
