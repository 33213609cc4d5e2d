// Titles: the original is kept for display; a matching form without edition/format noise is derived for
// grouping editions ("The Hobbit (Mass Market Paperback)" and "Hobbit, The" → "hobbit").
import { foldForMatching } from './fold.js';

// Words that describe an edition or a format, never a different work.
const FORMAT_WORDS = [
  'paperback',
  'hardcover',
  'hardback',
  'mass market',
  'mass market paperback',
  'trade paperback',
  'board book',
  'library binding',
  'kindle edition',
  'ebook',
  'e book',
  'audio cd',
  'audiobook',
  'audio cassette',
  'cassette',
  'large print',
  'unabridged',
  'abridged',
  'reprint',
  'illustrated',
  'annotated',
  'revised',
  'special edition',
  'deluxe edition',
  'anniversary edition',
  'collectors edition',
  'movie tie in',
  'tie in',
  'box set',
  'boxed set',
];
const FORMAT_PATTERN = new RegExp(`\\b(?:${FORMAT_WORDS.map((w) => w.replace(/ /g, '\\s+')).join('|')})\\b`, 'g');
// "2nd edition", "first edition", "edition 3", "a novel", "book 2 of the ...", "(Book 2)", "volume ..." as series
// position in brackets are handled by dropping bracketed segments below.
const EDITION_PHRASES = [
  /\b(?:\d+(?:st|nd|rd|th)|first|second|third|fourth|fifth|tenth)\s+(?:anniversary(?:\s+edition)?|printing)\b/g,
  /\b(?:\d+(?:st|nd|rd|th)|first|second|third|fourth|fifth|new|updated|revised|expanded|complete|classic|standard)\s+edition\b/g,
  /\bedition\s+\d+\b/g,
  /\ba novel\b$/g,
  /\bbook\s+\w+\s+of\s+.*$/g,
];
const LEADING_ARTICLE = /^(?:the|a|an|le|la|les|l|el|los|las|il|lo|gli|der|die|das|ein|eine|de|het)\s+/;
// MovieLens / library style inverted article: "Misérables, Les (1995)", "Hobbit, The".
// The article may be followed by a subtitle or a bracket: "Hobbit, The: Mass Market", "Misérables, Les (1995)".
const TRAILING_ARTICLE =
  /^(.*?),\s*(the|a|an|le|la|les|l'|el|los|las|il|lo|gli|der|die|das|de|het)(\s*(?:[:([-].*)?)$/i;

/** A four-digit year in a trailing "(1995)" of the title, or null. */
export function yearFromTitle(title: string): number | null {
  const m = /\((\d{4})\)\s*$/.exec(title);
  return m ? Number(m[1]) : null;
}

/**
 * The form of a title used to compare editions: inverted articles restored then dropped, every bracketed
 * segment dropped (format, series position, year, alternative titles), edition/format words dropped,
 * accents and punctuation folded. Returns '' when nothing meaningful remains.
 */
export function matchTitle(title: string): string {
  let t = title.trim();
  const inverted = TRAILING_ARTICLE.exec(t);
  if (inverted) t = `${inverted[2]} ${inverted[1]}${inverted[3]}`;
  t = t.replace(/\([^)]*\)|\[[^\]]*\]|\{[^}]*\}/g, ' ');
  let folded = foldForMatching(t);
  for (const phrase of EDITION_PHRASES) folded = folded.replace(phrase, ' ');
  folded = folded.replace(FORMAT_PATTERN, ' ').replace(/\bedition\b\s*$/, ' ');
  folded = folded.replace(/\s+/g, ' ').trim();
  const withoutArticle = folded.replace(LEADING_ARTICLE, '');
  return withoutArticle || folded;
}

/** The numbers in a title ("vol 2", "1984"): editions of one work share them, so differing numbers veto a match. */
export function titleNumbers(match: string): string {
  return (match.match(/\d+/g) ?? []).map((n) => String(Number(n))).join(' ');
}
