// JSON Lines reading shared by the Amazon and generic jsonl readers: one object per non-blank line; a line that
// is not valid JSON, or is JSON but not an object, is rejected with its line number and raw text.
import type { ReaderContext, RowGuard } from './context.js';
import type { InputFile } from './files.js';
import { readLines } from './lines.js';

export type JsonObject = Record<string, unknown>;

export async function* jsonObjectLines(
  file: InputFile,
  ctx: ReaderContext,
  guard: RowGuard,
): AsyncGenerator<{ value: JsonObject; line: number; raw: string }> {
  for await (const { text, line } of readLines(file.path, ctx, (l, message) => guard.reject(l, message, ''))) {
    if (!text.trim()) continue;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      // The first release of Amazon's 2014 metadata is Python dict literals, one per line: say so.
      const hint = /^\s*\{\s*'/.test(text) ? ' (single-quoted keys: a Python dict literal, not JSON)' : '';
      guard.reject(line, `invalid JSON${hint}: ${(error as Error).message}`, text);
      continue;
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      guard.reject(line, 'a JSON line must be an object', text);
      continue;
    }
    yield { value: value as JsonObject, line, raw: text };
  }
}
