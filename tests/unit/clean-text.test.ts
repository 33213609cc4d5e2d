import { describe, expect, it } from 'vitest';
import iconv from 'iconv-lite';
import {
  cleanText,
  decodeHtmlEntities,
  emptyTextStats,
  foldForMatching,
  repairMojibake,
} from '../../training/clean/text.js';

/** What a program does when it reads UTF-8 bytes as Windows-1252: the usual way mojibake is made. */
function misread(text: string): string {
  return iconv.decode(Buffer.from(text, 'utf8'), 'windows-1252');
}

describe('repairMojibake', () => {
  it('undoes one layer of UTF-8 read as Windows-1252', () => {
    expect(misread('é')).toBe('Ã©');
    expect(repairMojibake(misread('Les Misérables'))).toBe('Les Misérables');
    expect(repairMojibake(misread('It’s “quoted” — ok'))).toBe('It’s “quoted” — ok');
    expect(repairMojibake(misread('Żółć, 北京'))).toBe('Żółć, 北京');
  });

  it('repairs UTF-8 read as Latin-1 too (bytes 0x80–0x9F become C1 controls instead of cp1252 symbols)', () => {
    const latin1 = Buffer.from('Łódź', 'utf8').toString('latin1');
    expect(latin1).toBe('Å\u0081Ã³dÅº');
    expect(repairMojibake(latin1)).toBe('Łódź');
  });

  it('undoes double encoding (ÃƒÂ© → é)', () => {
    expect(misread(misread('é'))).toBe('ÃƒÂ©');
    expect(repairMojibake('ÃƒÂ©')).toBe('é');
    expect(repairMojibake(misread(misread('Café Müller')))).toBe('Café Müller');
  });

  it('repairs mojibake next to correct accents in the same string', () => {
    expect(repairMojibake(`Café ${misread('Gödel')}`)).toBe('Café Gödel');
  });

  it('leaves genuine Latin-1 text and plain ASCII alone', () => {
    for (const s of ['Müller', 'São Paulo', 'Ãgua', 'naïve façade', 'plain ascii', 'Â', '©2001', '½ price']) {
      expect(repairMojibake(s)).toBe(s);
    }
  });
});

describe('decodeHtmlEntities', () => {
  it('decodes named and numeric entities found in catalog dumps', () => {
    expect(decodeHtmlEntities('Peterman &amp; Co &quot;J&quot; &#233;t&#xE9; &lt;b&gt;')).toBe(
      'Peterman & Co "J" été <b>',
    );
    expect(decodeHtmlEntities('Feliz Cumplea&ntilde;os, B&rsquo;gosh&hellip;')).toBe('Feliz Cumpleaños, B’gosh…');
  });
  it('keeps unknown or invalid entities as written', () => {
    expect(decodeHtmlEntities('&bogus; &#0; AT&T')).toBe('&bogus; &#0; AT&T');
  });
});

describe('cleanText', () => {
  it('repairs, normalises to NFC, drops control characters and collapses whitespace, counting each step', () => {
    const stats = emptyTextStats();
    const decomposed = 'Cafe\u0301'; // e + combining acute
    expect(cleanText(`  ${misread('ét')}\u0007 &amp;  ${decomposed}\t\n `, {}, stats)).toBe('ét & Café');
    expect(stats.mojibakeRepaired).toBe(1);
    expect(stats.entitiesDecoded).toBe(1);
    expect(stats.unicodeNormalized).toBe(1);
    expect(stats.controlCharsRemoved).toBe(1);
  });
  it('can be switched off step by step', () => {
    expect(cleanText('Ã©', { repairMojibake: false })).toBe('Ã©');
    expect(cleanText('a &amp; b', { decodeEntities: false })).toBe('a &amp; b');
  });
});

describe('foldForMatching', () => {
  it('folds accents, case and punctuation', () => {
    expect(foldForMatching("L'Étranger: Édition—Spéciale!")).toBe('letranger edition speciale');
  });
});
