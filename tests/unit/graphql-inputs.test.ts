// The validation module's pure parts: storable text, strict ISO-8601 times, canonical cursors, bounded quotes.
import { describe, expect, it } from 'vitest';
import { checkPage, parseIsoTime, quote, textProblem } from '../../src/graphql/inputs.js';
import { parseRequestTarget } from '../../src/http/request-target.js';
import { isJsonContentType } from '../../src/http/server.js';
import { encodeCursor } from '../../src/graphql/cursor.js';

describe('input validation', () => {
  it('finds U+0000 and lone surrogates, and lets paired surrogates (emoji) through', () => {
    expect(textProblem('fine 🙂')).toBeUndefined();
    expect(textProblem('a\u0000b')).toMatch(/U\+0000/);
    expect(textProblem('\ud800')).toMatch(/surrogate/);
    expect(textProblem('x\udc00')).toMatch(/surrogate/);
    expect(textProblem('\ud83d\ude00\ud83d')).toMatch(/surrogate/);
  });

  it('takes real ISO-8601 dates and zoned date-times only', () => {
    const ok: Array<[string, string]> = [
      ['2024-02-29', '2024-02-29T00:00:00.000Z'],
      ['2024-05-01T10:00Z', '2024-05-01T10:00:00.000Z'],
      ['2024-05-01T12:30:15.5+02:00', '2024-05-01T10:30:15.500Z'],
      ['2024-05-01T00:00:00-01:30', '2024-05-01T01:30:00.000Z'],
    ];
    for (const [text, iso] of ok) expect((parseIsoTime(text) as Date).toISOString(), text).toBe(iso);
    for (const text of [
      '2024-02-30',
      '2023-02-29',
      '2024-04-31T10:00:00Z',
      '0',
      '-1',
      '12/25/2024',
      'June 5, 2024',
      'Wed, 01 May 2024 10:00:00 GMT',
      '2024-05-01T10:00:00',
      '2024-05-01T24:00:00Z',
      '2024-05-01T10:60Z',
      '2024-5-1',
      '2024-05-01T10:00:00Z\u0000',
      ' 2024-05-01',
    ]) {
      expect(typeof parseIsoTime(text), text).toBe('string');
    }
  });

  it('quotes at most 40 characters of a bad value', () => {
    expect(quote('x'.repeat(10_000))).toBe(`"${'x'.repeat(40)}…"`);
    expect((parseIsoTime('y'.repeat(10_000)) as string).length).toBeLessThan(150);
  });

  it('accepts only the exact cursors the API issues', () => {
    expect(checkPage(2, encodeCursor(4))).toEqual({ first: 2, offset: 4 });
    for (const after of [
      'bzo',
      Buffer.from('o:0x10').toString('base64url'),
      'b z o 1',
      `${encodeCursor(4)}=`,
      Buffer.from('o:1e1').toString('base64url'),
    ]) {
      expect(() => checkPage(2, after), after).toThrow(/not a cursor/);
    }
  });

  it('reads request targets without throwing, and matches JSON content types exactly', () => {
    expect(parseRequestTarget('/graphql?query=x')).toEqual({ pathname: '/graphql', search: '?query=x' });
    expect(parseRequestTarget('http://h:1/graphql?a')).toEqual({ pathname: '/graphql', search: '?a' });
    for (const bad of ['http://[::1/graphql', 'http://a:99999/', 'http://%zz/', '*', 'ftp://x/'])
      expect(parseRequestTarget(bad)).toBeUndefined();
    expect(isJsonContentType('APPLICATION/JSON; charset=UTF-8')).toBe(true);
    expect(isJsonContentType('application/jsonx')).toBe(false);
    expect(isJsonContentType('text/plain; application/json')).toBe(false);
  });
});
