import { describe, expect, it } from 'vitest';
import { creatorBlockKey, creatorKey, normalizeCreator, splitCreators } from '../../training/clean/creators.js';
import { matchTitle, titleNumbers, yearFromTitle } from '../../training/clean/titles.js';

describe('normalizeCreator', () => {
  it('brings the usual spellings of one name to one canonical form', () => {
    const forms = [
      'Tolkien, J.R.R.',
      'J. R. R. Tolkien',
      'J.R.R. Tolkien',
      'J.R.R TOLKIEN',
      'tolkien, j. r. r.',
      'TOLKIEN, J R R',
    ];
    for (const form of forms) expect(normalizeCreator(form), form).toBe('J. R. R. Tolkien');
    expect(new Set(forms.map(creatorKey))).toEqual(new Set(['j r r tolkien']));
  });

  it('inverts "Last, First" but keeps suffixes and particles', () => {
    expect(normalizeCreator('King, Stephen')).toBe('Stephen King');
    expect(normalizeCreator('Martin Luther King, Jr.')).toBe('Martin Luther King Jr.');
    expect(normalizeCreator('King, Martin Luther, Jr.')).toBe('Martin Luther King Jr.');
    expect(normalizeCreator('LUDWIG VAN BEETHOVEN')).toBe('Ludwig van Beethoven');
    expect(normalizeCreator("O'BRIEN, PATRICK")).toBe("Patrick O'Brien");
    expect(normalizeCreator('Jean-Paul SARTRE')).toBe('Jean-Paul SARTRE'); // mixed case is trusted as written
  });

  it('gives a blocking key of family name + first initial', () => {
    expect(creatorBlockKey('Tolkien, J.R.R.')).toBe('tolkien j');
    expect(creatorBlockKey('John Ronald Reuel Tolkien')).toBe('tolkien j');
    expect(creatorBlockKey('Christopher Tolkien')).toBe('tolkien c');
    expect(creatorBlockKey('Homer')).toBe('homer');
    expect(creatorBlockKey('')).toBe('');
  });

  it('splits multi-creator fields without tearing single names apart', () => {
    expect(splitCreators('Neil Gaiman & Terry Pratchett')).toEqual(['Neil Gaiman', 'Terry Pratchett']);
    expect(splitCreators('Gaiman, Neil; Pratchett, Terry')).toEqual(['Neil Gaiman', 'Terry Pratchett']);
    expect(splitCreators('Neil Gaiman and Terry Pratchett')).toEqual(['Neil Gaiman', 'Terry Pratchett']);
    expect(splitCreators('Simon and Garfunkel')).toEqual(['Simon and Garfunkel']);
  });
});

describe('matchTitle', () => {
  it('drops edition and format noise, bracketed series info and articles', () => {
    const editions = [
      'The Hobbit',
      'The Hobbit (Paperback)',
      'Hobbit, The',
      'The Hobbit: Mass Market Paperback',
      'THE HOBBIT (Book 1 of the Middle-earth Series)',
      'The Hobbit [Illustrated Edition]',
      'The Hobbit - 75th Anniversary Edition',
      'Hobbit',
      'Hobbit, The: Mass Market',
    ];
    for (const t of editions) expect(matchTitle(t), t).toBe('hobbit');
  });

  it('keeps what tells works apart', () => {
    expect(matchTitle('The Two Towers (The Lord of the Rings, Book 2)')).toBe('two towers');
    expect(matchTitle('Harry Potter and the Chamber of Secrets')).not.toBe(
      matchTitle('Harry Potter and the Prisoner of Azkaban'),
    );
    expect(titleNumbers(matchTitle('Dune Messiah vol. 2'))).toBe('2');
    expect(matchTitle('Misérables, Les (1995)')).toBe('miserables');
    expect(matchTitle('(Paperback)')).toBe('');
  });

  it('reads a trailing year', () => {
    expect(yearFromTitle('Toy Story (1995)')).toBe(1995);
    expect(yearFromTitle('1984')).toBeNull();
  });
});
