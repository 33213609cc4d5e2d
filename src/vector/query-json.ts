// The JSON body of a vector query, written faster than JSON.stringify and byte for byte the same text.
// JSON.stringify of a number[] takes ≈ 85–125 µs for a 320-dim query vector here, concatenating String(value) ≈ 13 µs
// (both print the shortest round-trip form of each double), and every personalized request sends one.
import { JsonText } from './http-transport.js';

/** `JSON.stringify(values)` for an array of finite numbers. */
export function finiteNumbersJson(values: readonly number[]): string {
  let text = '[';
  for (let i = 0; i < values.length; i++) text += i === 0 ? String(values[i]) : `,${values[i]}`;
  return `${text}]`;
}

/**
 * The request `{ query: number[], …rest }` as JSON text identical to JSON.stringify(request) (query first, as the
 * request objects are built). Anything else — a query that is not a plain vector, a NaN or Infinity (which
 * JSON.stringify writes as null) — is left to JSON.stringify.
 */
export function queryBody<R extends { query?: unknown }>(request: R): R | JsonText {
  const { query, ...rest } = request;
  if (!Array.isArray(query) || Object.keys(request)[0] !== 'query') return request;
  for (const value of query) if (typeof value !== 'number' || !Number.isFinite(value)) return request;
  const tail = JSON.stringify(rest);
  return new JsonText(`{"query":${finiteNumbersJson(query)}${tail === '{}' ? '}' : `,${tail.slice(1)}`}`);
}
