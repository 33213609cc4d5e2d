// Field conversions shared by the readers: strict numbers and timestamps, so "12abc" or a date in 2190 is
// rejected instead of silently becoming NaN or garbage.

/** An integer written in decimal, or null. */
export function parseIntStrict(text: string): number | null {
  const t = text.trim();
  if (!/^[+-]?\d+$/.test(t)) return null;
  const n = Number(t);
  return Number.isSafeInteger(n) ? n : null;
}

/** A finite decimal number, or null. */
export function parseNumberStrict(text: string): number | null {
  const t = text.trim();
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(t)) return null;
  const n = Number(t);
  return Number.isFinite(n) ? n : null;
}

/** Latest instant we accept for an event: a day after now (clock skew), never the far future. */
export function latestEventTime(): number {
  return Date.now() + 86_400_000;
}

/**
 * A Unix timestamp in seconds or milliseconds (told apart by magnitude: seconds stay below 1e11 until the year
 * 5138), as a Date; null when not a number or outside 1970 … `latest` (default: tomorrow; a reader of millions of
 * rows passes it once per batch instead of reading the clock per row).
 */
export function parseUnixTime(
  text: string | number,
  unit: 'auto' | 's' | 'ms' = 'auto',
  latest = latestEventTime(),
): Date | null {
  const n = typeof text === 'number' ? text : parseNumberStrict(text);
  if (n === null || !Number.isFinite(n) || n < 0) return null;
  const ms = unit === 's' || (unit === 'auto' && n < 1e11) ? Math.round(n * 1000) : Math.round(n);
  return ms <= latest ? new Date(ms) : null;
}

/** A publication / release year that makes sense for a catalog, or null. */
export function plausibleYear(year: number | null): number | null {
  if (year === null || !Number.isInteger(year)) return null;
  return year >= 1000 && year <= new Date().getUTCFullYear() + 2 ? year : null;
}
