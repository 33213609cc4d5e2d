// Creator (author, director, artist) names: one canonical display form and one matching key.
//   "Tolkien, J.R.R." / "J. R. R. Tolkien" / "J.R.R. TOLKIEN"  →  display "J. R. R. Tolkien", key "j r r tolkien"
// The display form is what the catalog stores; the key is only used for comparing (edition grouping).
import { foldForMatching } from './fold.js';

const SUFFIXES = new Set(['jr', 'sr', 'ii', 'iii', 'iv', 'phd', 'md', 'esq']);
// Particles that stay lower-case when we re-case an ALL-CAPS name.
const PARTICLES = new Set([
  'van',
  'von',
  'der',
  'den',
  'de',
  'del',
  'della',
  'di',
  'da',
  'du',
  'la',
  'le',
  'y',
  'bin',
  'al',
]);

function isSuffix(token: string): boolean {
  return SUFFIXES.has(token.toLowerCase().replace(/\./g, ''));
}

function recase(word: string, first: boolean): string {
  const lower = word.toLowerCase();
  if (!first && PARTICLES.has(lower)) return lower;
  // Keep hyphenated and apostrophe parts capitalised: "jean-paul" → "Jean-Paul", "o'brien" → "O'Brien".
  return lower.replace(/(^|[-'’])(\p{L})/gu, (_m, sep: string, ch: string) => sep + ch.toUpperCase());
}

/** Canonical display form of one creator name. Returns '' for an empty name. */
export function normalizeCreator(raw: string): string {
  let name = raw
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/^[,;]+|[,;]+$/g, '')
    .trim();
  if (!name) return '';

  // "Last, First" → "First Last" (but not "First Last, Jr.").
  const parts = name
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean);
  if (parts.length === 2 && !isSuffix(parts[1])) name = `${parts[1]} ${parts[0]}`;
  else if (parts.length === 3 && isSuffix(parts[2])) name = `${parts[1]} ${parts[0]} ${parts[2]}`;
  else if (parts.length === 2) name = `${parts[0]} ${parts[1]}`;

  // Initials: "J.R.R." / "J.R.R" / "JRR"-less forms → "J. R. R."; a lone capital letter gets its dot.
  const tokens: string[] = [];
  for (const token of name.split(' ')) {
    if (/^(\p{Lu}\.){2,}\p{Lu}?\.?$/u.test(token) || /^(\p{Lu}\.)+\p{Lu}$/u.test(token)) {
      for (const letter of token.replace(/\./g, '')) tokens.push(letter + '.');
    } else if (/^\p{Lu}$/u.test(token)) {
      tokens.push(token + '.');
    } else {
      tokens.push(token);
    }
  }

  // ALL-CAPS or all-lower names (common in dumps) are re-cased; mixed case is trusted as written.
  const letters = tokens.join('').replace(/[^\p{L}]/gu, '');
  const allUpper = letters.length > 3 && letters === letters.toUpperCase() && letters !== letters.toLowerCase();
  const allLower = letters.length > 0 && letters === letters.toLowerCase() && letters !== letters.toUpperCase();
  if (allUpper || allLower) {
    return tokens
      .map((t, i) => (/^\p{L}\.$/u.test(t) ? t.toUpperCase() : isSuffix(t) ? t : recase(t, i === 0)))
      .join(' ');
  }
  return tokens.join(' ');
}

/** Matching key of a (normalised or raw) creator name: "J. R. R. Tolkien" → "j r r tolkien". */
export function creatorKey(name: string): string {
  return foldForMatching(normalizeCreator(name));
}

/**
 * Blocking key for edition grouping: family name + first initial ("tolkien j"), so "J. R. R. Tolkien" and
 * "John Ronald Reuel Tolkien" meet, while two different Smiths with different initials do not.
 */
export function creatorBlockKey(name: string): string {
  const words = creatorKey(name)
    .split(' ')
    .filter((w) => w && !SUFFIXES.has(w));
  if (words.length === 0) return '';
  const family = words[words.length - 1];
  return words.length > 1 ? `${family} ${words[0][0]}` : family;
}

/**
 * Splits a field that may hold several creators. Separators: ";", " & ", " / ", and " and " when both sides
 * look like full names (two words or more), so "Simon and Schuster" style single names are not torn apart.
 */
export function splitCreators(field: string): string[] {
  const pieces = field.split(/\s*(?:;|\s&\s|\s\/\s)\s*/);
  const out: string[] = [];
  for (const piece of pieces) {
    const sides = piece.split(/\s+and\s+/i);
    if (sides.length > 1 && sides.every((s) => s.trim().split(/\s+/).length >= 2)) out.push(...sides);
    else out.push(piece);
  }
  return out.map(normalizeCreator).filter(Boolean);
}
