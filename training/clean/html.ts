// HTML fragments in catalog fields (Amazon 2014/2018 metadata: descriptions in <p>/<br>, a main_cat that is an <img>
// tag, titles with markup or even page script) turned into the plain text a catalog shows. htmlparser2 parses (it is
// forgiving with broken markup and decodes entities); what counts as text is decided here: script and style content
// is dropped, an image stands for its alt text, block elements and <br> end a line.
import { Parser } from 'htmlparser2';

/** A tag, a closing tag or a comment: text without one is not parsed (a "<" in "a < b" is just text). */
const MARKUP = /<\/?[a-z][a-z0-9-]*(\s[^<>]*)?\/?>|<!--/i;
const DROPPED = new Set(['script', 'style', 'noscript', 'template', 'head', 'iframe', 'object', 'svg']);
const BLOCK = new Set([
  'address',
  'article',
  'blockquote',
  'br',
  'dd',
  'div',
  'dl',
  'dt',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'hr',
  'li',
  'ol',
  'p',
  'pre',
  'section',
  'table',
  'td',
  'th',
  'tr',
  'ul',
]);

export function looksLikeHtml(text: string): boolean {
  return MARKUP.test(text);
}

/** Plain text of an HTML fragment, one line per block, spaces collapsed; text without markup is returned as is. */
export function htmlToText(text: string): string {
  if (!looksLikeHtml(text)) return text;
  let out = '';
  let dropDepth = 0;
  const parser = new Parser(
    {
      onopentag(name, attributes) {
        if (DROPPED.has(name)) dropDepth++;
        if (dropDepth) return;
        if (name === 'img' && attributes.alt?.trim()) out += ` ${attributes.alt.trim()} `;
        if (BLOCK.has(name)) out += '\n';
      },
      ontext(chunk) {
        if (!dropDepth) out += chunk;
      },
      onclosetag(name) {
        if (DROPPED.has(name)) dropDepth = Math.max(0, dropDepth - 1);
        else if (!dropDepth && BLOCK.has(name)) out += '\n';
      },
    },
    { decodeEntities: true },
  );
  parser.write(text);
  parser.end();
  return out
    .split('\n')
    .map((line) => line.replace(/\s+/g, ' ').trim())
    .filter(Boolean)
    .join('\n');
}

// What scraped page code looks like when it lands in a text field: JavaScript statements or CSS rules.
const CODE = [
  /\bfunction\s*\(/,
  /\bvar\s+[A-Za-z_$][\w$]*\s*=/,
  /\b(window|document)\.[A-Za-z]/,
  /\(new Date\(\)\)\.getTime\(\)/,
  /[.#]?[a-z][\w-]*\s*\{\s*[a-z-]+\s*:\s*[^;{}]+;?\s*\}/i,
];

/** True when the text is page script or a style sheet rather than words meant for a reader. */
export function looksLikeCode(text: string): boolean {
  return CODE.some((pattern) => pattern.test(text));
}
