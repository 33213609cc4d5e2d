// Values in the text forms Postgres reads: COPY's text format escaping, and text[] input literals.
// COPY text format (not CSV, not binary) is the cheapest to produce from JS — plain string concatenation, no
// quoting pass — and Postgres parses it at full speed. Rules: columns separated by TAB, rows by LF, NULL is \N,
// and backslash, TAB, LF, CR inside a value are backslash-escaped.

const NEEDS_ESCAPE = /[\\\t\n\r\0]/;

/** One text value for COPY. NUL cannot be stored in a Postgres text value at all, so it becomes U+FFFD. */
export function copyText(value: string): string {
  if (!NEEDS_ESCAPE.test(value)) return value;
  return value.replace(/[\\\t\n\r\0]/g, (c) =>
    c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : c === '\r' ? '\\r' : '\uFFFD',
  );
}

/** A text[] input literal ({"a","b"}); every element quoted so commas, braces and NULL-looking words stay text. */
export function arrayLiteral(values: readonly string[]): string {
  return '{' + values.map((v) => '"' + v.replace(/[\\"]/g, (c) => '\\' + c) + '"').join(',') + '}';
}
