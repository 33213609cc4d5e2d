// Text repair and normalisation for catalog strings (titles, creators, publishers, descriptions).
//
// Mojibake: UTF-8 bytes that were decoded as Windows-1252 / Latin-1 somewhere upstream ("é" → "Ã©"), sometimes
// twice ("ÃƒÂ©"). The repair maps each suspicious run back to its bytes and decodes them as UTF-8; a run is only
// replaced when those bytes are valid UTF-8, so genuine Latin-1 text ("Müller", "São") is left alone. Runs are
// repaired independently, so a string mixing correct accents and mojibake is repaired too.
import { decodeHTMLStrict } from 'entities';
import iconv from 'iconv-lite';

/** Byte value (0x80–0xBF) of each character that a UTF-8 continuation byte turns into under cp1252 or latin-1. */
const CONTINUATION = new Map<string, number>();
for (let b = 0x80; b <= 0xbf; b++) {
  CONTINUATION.set(String.fromCharCode(b), b); // latin-1 reading (C1 controls for 0x80–0x9F)
  const cp1252 = iconv.decode(Buffer.from([b]), 'windows-1252');
  if (cp1252 !== '\uFFFD') CONTINUATION.set(cp1252, b);
}
const CONT_CLASS = [...CONTINUATION.keys()].map((c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0')).join('');
// A lead byte C2–F4 read as a latin-1 character, followed by 1–3 continuation characters.
const MOJIBAKE_RUN = new RegExp(`[\\u00c2-\\u00f4][${CONT_CLASS}]{1,3}`, 'g');
const utf8 = new TextDecoder('utf-8', { fatal: true });

function repairRun(run: string): string {
  const lead = run.charCodeAt(0);
  const need = lead >= 0xf0 ? 3 : lead >= 0xe0 ? 2 : 1;
  if (run.length - 1 < need) return run;
  const bytes = new Uint8Array(need + 1);
  bytes[0] = lead;
  for (let i = 1; i <= need; i++) bytes[i] = CONTINUATION.get(run[i])!;
  try {
    return utf8.decode(bytes) + run.slice(need + 1);
  } catch {
    return run;
  }
}

/** Repairs UTF-8-read-as-cp1252 mojibake, including double encoding. Returns the input when nothing applies. */
export function repairMojibake(text: string): string {
  // Windows-1252 has no character for byte 0x9D, so a strict decoder turned the last byte of "”" (E2 80 9D)
  // into U+FFFD; "â€�" is never legitimate text and is by far most often that quote.
  let current = text.includes('\u00e2\u20ac\ufffd') ? text.replace(/\u00e2\u20ac\ufffd/g, '\u201d') : text;
  // Each pass undoes one layer of wrong decoding; three layers is more than real data shows.
  for (let pass = 0; pass < 3; pass++) {
    MOJIBAKE_RUN.lastIndex = 0;
    if (!MOJIBAKE_RUN.test(current)) break;
    MOJIBAKE_RUN.lastIndex = 0;
    const next = current.replace(MOJIBAKE_RUN, repairRun);
    if (next === current) break;
    current = next;
  }
  return current;
}

// Numeric references are decoded here (so "&#0;" stays as written); named ones by the HTML5 table of `entities`
// ("&ntilde;", "&rsquo;" in Amazon titles), and an unknown name ("&bogus;") stays as written.
const ENTITY = /&(?:#(\d{1,7})|#x([0-9a-f]{1,6})|([a-z][a-z0-9]{1,31}));/gi;

/** Decodes the HTML entities that leak into catalog dumps (Book-Crossing's "&amp;", Amazon's "&ntilde;"). */
export function decodeHtmlEntities(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(ENTITY, (whole, dec: string | undefined, hex: string | undefined, name: string | undefined) => {
    if (name) return decodeHTMLStrict(whole);
    const code = dec ? Number(dec) : parseInt(hex!, 16);
    return code > 0 && code <= 0x10ffff && !(code >= 0xd800 && code <= 0xdfff) ? String.fromCodePoint(code) : whole;
  });
}

// C0/C1 control characters other than TAB/LF/CR, and U+FEFF (a BOM inside a field).
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\ufeff]/g;

export interface TextCleaningOptions {
  /** Undo mojibake (default true). */
  repairMojibake?: boolean;
  /** Unicode NFC (default true): the same visible text compares equal whatever its source composed it as. */
  normalizeUnicode?: boolean;
  /** Decode HTML entities (default true). */
  decodeEntities?: boolean;
}

/** Counts of what text cleaning changed, for the ingest report. */
export interface TextCleaningStats {
  mojibakeRepaired: number;
  unicodeNormalized: number;
  entitiesDecoded: number;
  controlCharsRemoved: number;
}

export function emptyTextStats(): TextCleaningStats {
  return { mojibakeRepaired: 0, unicodeNormalized: 0, entitiesDecoded: 0, controlCharsRemoved: 0 };
}

/**
 * Cleans one display string: mojibake repair, entity decoding, NFC, control characters removed, whitespace
 * collapsed and trimmed. The result is what the catalog stores and shows. Counts changes into `stats`.
 */
export function cleanText(text: string, options: TextCleaningOptions = {}, stats?: TextCleaningStats): string {
  let s = text;
  if (options.repairMojibake !== false) {
    const repaired = repairMojibake(s);
    if (repaired !== s && stats) stats.mojibakeRepaired++;
    s = repaired;
  }
  if (options.decodeEntities !== false) {
    const decoded = decodeHtmlEntities(s);
    if (decoded !== s && stats) stats.entitiesDecoded++;
    s = decoded;
  }
  if (options.normalizeUnicode !== false) {
    const nfc = s.normalize('NFC');
    if (nfc !== s && stats) stats.unicodeNormalized++;
    s = nfc;
  }
  const noControl = s.replace(CONTROL, '');
  if (noControl !== s && stats) stats.controlCharsRemoved++;
  return noControl.replace(/\s+/g, ' ').trim();
}

export { foldForMatching } from '../../src/editions/fold.js';
