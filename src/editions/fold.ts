// The matching key of free text, shared by edition grouping (serving and ingest) and ingest's cleaning.
/** Lower-case ASCII-ish key for matching: accents folded, punctuation dropped, whitespace collapsed. */
export function foldForMatching(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[''`´]/g, '')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}
