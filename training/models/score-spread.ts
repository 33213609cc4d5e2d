// How widely a model's scores spread over users' unseen items: the one scale that puts the components of a blend or
// a fusion on a common footing (a global scale, not a per-user z-score, so it ships with the model).
import { rowItems, type InteractionMatrix } from '../data/interactions.js';

/** Standard deviation of users.length × numItems scores over the users' non-history items (1 when flat). */
export function scoreSpread(scores: Float32Array, users: Int32Array, data: InteractionMatrix): number {
  const n = data.numItems;
  let sum = 0;
  let sq = 0;
  let count = 0;
  users.forEach((u, r) => {
    const hist = rowItems(data, u);
    let h = 0;
    for (let i = 0; i < n; i++) {
      while (h < hist.length && hist[h] < i) h++;
      if (h < hist.length && hist[h] === i) continue;
      const v = scores[r * n + i];
      sum += v;
      sq += v * v;
      count++;
    }
  });
  const mean = sum / Math.max(count, 1);
  const sd = Math.sqrt(Math.max(sq / Math.max(count, 1) - mean * mean, 0));
  return sd > 0 ? sd : 1;
}
