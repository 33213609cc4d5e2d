/**
 * Model registry: names → factories, and the "name:key=value,key=value" spec syntax used by
 * `recgraph evaluate --models` and the tuner (e.g. "ials:factors=64,alpha=2").
 */
import type { Recommender, RecommenderFactory } from './contract.js';
import { AutoSelect } from './auto-select.js';
import { EASE } from './ease.js';
import { Fusion } from './fusion.js';
import { GFCF } from './gfcf.js';
import { GraphFilter } from './graph-filter.js';
import { IALS } from './ials.js';
import { LightGCN } from './lightgcn.js';
import { NeighborFilter } from './neighbor-filter.js';
import { IalsLowpassBlend } from './ials-lowpass-blend.js';
import { Popularity } from './popularity.js';
import { IalsGfcfRerank } from './ials-gfcf-rerank.js';
import { TwoTower } from './two-tower.js';
import { UserKNN } from './userknn.js';

export const MODEL_FACTORIES: Record<string, RecommenderFactory> = {
  popularity: (p) => new Popularity(p),
  ials: (p) => new IALS(p),
  ease: (p) => new EASE(p),
  gfcf: (p) => new GFCF(p),
  userknn: (p) => new UserKNN(p),
  /** GF-CF + a BSPM-style second-order term on the top-k eigenspace; served as vectors → neighbour-list rerank. */
  graphfilter: (p) => new GraphFilter(p),
  /** LightGCN (He et al., SIGIR 2020): BPR on propagated ID embeddings, an evaluation row (lightgcn.ts). */
  lightgcn: (p) => new LightGCN(p),
  /** Id-only from a spec; side/text features are passed to the constructor by code that has a catalogue. */
  'two-tower': (p) => new TwoTower(p),
  /** GF-CF's item-item filter pruned to top-N rows (a measured, rejected serving reranker; neighbor-filter.ts). */
  neighbors: (p) => new NeighborFilter(p),
  /** iALS ⊕ GF-CF low-pass blended into one vector per item/user (ials-lowpass-blend.ts). */
  blend: (p) => new IalsLowpassBlend(p),
  /** iALS ⊕ the graph filter, served as fused vectors → item-item rerank (fusion.ts); weights searched with tuneBudget. */
  fusion: (p) => new Fusion({ tuneBudget: 120, ...p }),
  /** What `recgraph train` publishes: blend or graphfilter, chosen on a validation split of the fit data. */
  default: (p) => new AutoSelect(p),
  /** Offline reference: iALS top-N → rerank by iALS + full GF-CF (not servable; ials-gfcf-rerank.ts). */
  twostage: (p) => new IalsGfcfRerank(p),
};

export type ParamValue = number | string | boolean;

/** Parses "ials:factors=64,alpha=2" → { name: 'ials', params: { factors: 64, alpha: 2 } }. */
export function parseModelSpec(spec: string): { name: string; params: Record<string, ParamValue> } {
  const [name, rest] = splitOnce(spec.trim(), ':');
  const params: Record<string, ParamValue> = {};
  if (rest) {
    for (const pair of rest.split(',')) {
      if (!pair.trim()) continue;
      const [key, raw] = splitOnce(pair.trim(), '=');
      if (raw === undefined) throw new Error(`model spec "${spec}": expected key=value, got "${pair}"`);
      params[key] = parseValue(raw);
    }
  }
  return { name, params };
}

function parseValue(raw: string): ParamValue {
  if (raw === 'true') return true;
  if (raw === 'false') return false;
  const n = Number(raw);
  return raw !== '' && Number.isFinite(n) ? n : raw;
}

function splitOnce(s: string, sep: string): [string, string | undefined] {
  const at = s.indexOf(sep);
  return at < 0 ? [s, undefined] : [s.slice(0, at), s.slice(at + 1)];
}

/** Builds a model from a spec string; unknown names and parameters are errors. */
export function createModel(spec: string): Recommender {
  const { name, params } = parseModelSpec(spec);
  const factory = MODEL_FACTORIES[name];
  if (!factory) throw new Error(`unknown model "${name}" (known: ${Object.keys(MODEL_FACTORIES).join(', ')})`);
  return factory(params);
}

/**
 * Splits a --models list on commas that start a new model ("popularity,ials:factors=64,alpha=2,ease" → three
 * specs): a segment containing '=' but no ':' continues the previous model's parameters.
 */
export function splitModelList(list: string): string[] {
  const out: string[] = [];
  for (const part of list
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    if (part.includes('=') && !part.includes(':') && out.length > 0) out[out.length - 1] += `,${part}`;
    else out.push(part);
  }
  return out;
}
