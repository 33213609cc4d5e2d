// Record framing of delimited files: hostile quoting must cost one row, never the rest of the file.
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { createReaderContext } from '../../training/datasets/context.js';
import { readDelimited, type DelimitedOptions, type DelimitedProblem } from '../../training/datasets/delimited.js';
import { readLines } from '../../training/datasets/lines.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'recgraph-delimited-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

async function frame(content: string | Buffer, options: Partial<DelimitedOptions> = {}) {
  const file = path.join(dir, `f${++n}.csv`);
  writeFileSync(file, content);
  const ctx = createReaderContext();
  const records: [number, string[]][] = [];
  const problems: DelimitedProblem[] = [];
  for await (const r of readDelimited(file, ctx, { delimiter: ',', quoted: true, header: true, ...options }, (p) =>
    problems.push(p),
  )) {
    records.push([r.line, r.fields]);
  }
  return { records, problems, ctx };
}

describe('readDelimited', () => {
  it('handles embedded newlines, doubled quotes, stray quotes, an unterminated quote and wrong field counts', async () => {
    const { records, problems } = await frame(
      [
        'a,b,c',
        '1,"multi',
        'line",x',
        '2,bad"quote,y',
        '3,"unterminated,z',
        '4,ok,w',
        '5,too,many,cols',
        '6,"x""y",z',
        '7,"q",r',
      ].join('\n'),
    );
    expect(records).toEqual([
      [1, ['a', 'b', 'c']],
      [2, ['1', 'multi\nline', 'x']],
      [4, ['2', 'bad"quote', 'y']],
      [6, ['4', 'ok', 'w']],
      [7, ['5', 'too', 'many', 'cols']], // unquoted: the caller checks the count
      [8, ['6', 'x"y', 'z']],
      [9, ['7', 'q', 'r']],
    ]);
    expect(problems).toEqual([{ line: 5, raw: '3,"unterminated,z', reason: 'unterminated or malformed quoted field' }]);
  });

  it('parses long runs of quoted lines in batches and still isolates one bad line inside a batch', async () => {
    const lines = ['"id","name"'];
    for (let i = 0; i < 1200; i++) lines.push(i === 700 ? `"${i}","broken"tail",""` : `"${i}","name ${i}, with comma"`);
    const { records, problems } = await frame(lines.join('\r\n'));
    expect(records).toHaveLength(1200);
    expect(records[1]).toEqual([2, ['0', 'name 0, with comma']]);
    expect(problems).toEqual([{ line: 702, raw: '"700","broken"tail",""', reason: 'expected 2 fields, found 3' }]);
    expect(records.map(([line]) => line)).toEqual([
      1,
      ...Array.from({ length: 1200 }, (_v, i) => i + 2).filter((l) => l !== 702),
    ]);
  });

  it('supports multi-character delimiters, backslash escapes and gzip input', async () => {
    const dat = await frame(zlib.gzipSync('1::Toy Story (1995)::Animation\n2::Heat (1995)::Action\n'), {
      delimiter: '::',
      quoted: false,
      header: false,
    });
    expect(dat.records).toEqual([
      [1, ['1', 'Toy Story (1995)', 'Animation']],
      [2, ['2', 'Heat (1995)', 'Action']],
    ]);
    const bx = await frame('"a";"b"\n"1";"say \\"hi\\""\n', { delimiter: ';', escape: '\\' });
    expect(bx.records[1]).toEqual([2, ['1', 'say "hi"']]);
  });
});

describe('readLines', () => {
  it('decodes per line: UTF-8 where valid, Windows-1252 where not; strips a BOM and CRLF', async () => {
    const file = path.join(dir, 'mixed.txt');
    writeFileSync(
      file,
      Buffer.concat([
        Buffer.from('\ufeffcafé\r\n', 'utf8'),
        Buffer.from('caf\xe9 \x93quoted\x94\n', 'latin1'),
        Buffer.from('last'),
      ]),
    );
    const ctx = createReaderContext();
    const lines = [];
    for await (const l of readLines(file, ctx, () => undefined)) lines.push(l);
    expect(lines).toEqual([
      { text: 'café', line: 1 },
      { text: 'café “quoted”', line: 2 },
      { text: 'last', line: 3 },
    ]);
    expect(ctx.stats.reDecodedLines).toBe(1);
    expect(ctx.progress.bytesRead).toBe(statSync(file).size);
  });

  it('honours an explicit encoding', async () => {
    const file = path.join(dir, 'latin.txt');
    writeFileSync(file, Buffer.from('Stra\xdfe\n', 'latin1'));
    const ctx = createReaderContext({ encoding: 'latin1' });
    const lines = [];
    for await (const l of readLines(file, ctx, () => undefined)) lines.push(l.text);
    expect(lines).toEqual(['Straße']);
  });
});
