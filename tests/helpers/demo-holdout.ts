// A temporal holdout of a generated demo dataset for end-to-end quality checks: per user, the latest 20 % of events
// are held out (the model never sees them, the test scores against them).
import type { DemoInteraction } from '../../training/demo/generate.js';

export interface DemoHoldout {
  train: DemoInteraction[];
  /** Per user, the held-out items. */
  heldOut: Map<string, Set<string>>;
  /** Per user, the items of their training events. */
  trainSeen: Map<string, Set<string>>;
  /** Per item, its number of training events. */
  trainCounts: Map<string, number>;
}

export function demoHoldout(interactions: readonly DemoInteraction[], trainShare = 0.8): DemoHoldout {
  const byUser = new Map<string, DemoInteraction[]>();
  for (const event of interactions)
    byUser.set(event.userExternalId, [...(byUser.get(event.userExternalId) ?? []), event]);
  const holdout: DemoHoldout = { train: [], heldOut: new Map(), trainSeen: new Map(), trainCounts: new Map() };
  for (const [user, events] of byUser) {
    events.sort((a, b) => a.occurredAt.getTime() - b.occurredAt.getTime());
    const cut = Math.floor(events.length * trainShare);
    holdout.train.push(...events.slice(0, cut));
    holdout.heldOut.set(user, new Set(events.slice(cut).map((e) => e.itemExternalId)));
    holdout.trainSeen.set(user, new Set(events.slice(0, cut).map((e) => e.itemExternalId)));
  }
  for (const event of holdout.train)
    holdout.trainCounts.set(event.itemExternalId, (holdout.trainCounts.get(event.itemExternalId) ?? 0) + 1);
  return holdout;
}
