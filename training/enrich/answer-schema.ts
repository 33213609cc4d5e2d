// The JSON schema every item's answer must pass before anything of it is stored (ajv, strict mode). The model is
// asked for {"items": [{"id": "...", <field>: "..."}]}; the envelope and each item are checked separately, so one
// bad item fails alone and the others of its batch are kept.
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { FIELD_SPECS, type EnrichField } from './fields.js';

export interface ItemAnswer {
  id: string;
  values: Partial<Record<EnrichField, string>>;
}

export type ItemVerdict = { ok: true; answer: ItemAnswer } | { ok: false; id: string; reason: string };

// Control characters other than tab/newline are never part of a label or summary.
const TEXT_PATTERN =
  '^[^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F]*\\S[^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F]*$';

export function itemAnswerSchema(fields: readonly EnrichField[]): Record<string, unknown> {
  const properties: Record<string, unknown> = { id: { type: 'string', minLength: 1, maxLength: 64 } };
  for (const field of fields)
    properties[field] = {
      type: 'string',
      minLength: 1,
      maxLength: FIELD_SPECS[field].maxLength,
      pattern: TEXT_PATTERN,
    };
  // Fields not asked for are ignored rather than refused: models volunteer them, and nothing of them is stored.
  return { type: 'object', properties, required: ['id', ...fields] };
}

const ENVELOPE_SCHEMA = {
  type: 'object',
  properties: { items: { type: 'array' } },
  required: ['items'],
};

function describeErrors(errors: ErrorObject[] | null | undefined): string {
  return (errors ?? [])
    .map((e) => `${e.instancePath || '(item)'} ${e.message ?? 'is invalid'}`.trim())
    .slice(0, 3)
    .join('; ');
}

export class AnswerValidator {
  private readonly item: ValidateFunction;
  private readonly envelope: ValidateFunction;

  constructor(private readonly fields: readonly EnrichField[]) {
    const ajv = new Ajv({ allErrors: true, strict: true });
    this.item = ajv.compile(itemAnswerSchema(fields));
    this.envelope = ajv.compile(ENVELOPE_SCHEMA);
  }

  /**
   * Verdicts for the ids asked (`askedIds`, in order): the content must be JSON with an items array; each asked id
   * needs exactly one schema-valid entry. Entries for ids not asked are ignored.
   */
  check(content: string, askedIds: readonly string[]): ItemVerdict[] {
    let parsed: unknown;
    try {
      parsed = JSON.parse(stripCodeFence(content));
    } catch (error) {
      const reason = `the answer is not JSON (${(error as Error).message})`;
      return askedIds.map((id) => ({ ok: false, id, reason }));
    }
    if (!this.envelope(parsed)) {
      const reason = `the answer is not {"items": [...]}: ${describeErrors(this.envelope.errors)}`;
      return askedIds.map((id) => ({ ok: false, id, reason }));
    }
    const entries = (parsed as { items: unknown[] }).items;
    const byId = new Map<string, unknown[]>();
    for (const entry of entries) {
      const id = (entry as { id?: unknown } | null)?.id;
      const key = typeof id === 'string' || typeof id === 'number' ? String(id) : '';
      byId.set(key, [...(byId.get(key) ?? []), entry]);
    }
    return askedIds.map((id): ItemVerdict => {
      const found = byId.get(id) ?? [];
      if (found.length === 0) return { ok: false, id, reason: 'the answer has no entry for this item' };
      if (found.length > 1) return { ok: false, id, reason: `the answer has ${found.length} entries for this item` };
      const entry = found[0];
      if (!this.item(entry)) return { ok: false, id, reason: `schema: ${describeErrors(this.item.errors)}` };
      const values: Partial<Record<EnrichField, string>> = {};
      for (const field of this.fields) values[field] = ((entry as Record<string, string>)[field] ?? '').trim();
      return { ok: true, answer: { id, values } };
    });
  }
}

/** Some models wrap JSON in a ```json fence even when asked not to; the fence is not part of the answer. */
function stripCodeFence(content: string): string {
  const match = /^\s*```(?:json)?\s*\n([\s\S]*?)\n\s*```\s*$/.exec(content);
  return match ? match[1] : content;
}
