// An item's image bytes from where its imageUrl points: http(s) URLs (bounded by a timeout and a size limit),
// file:// URLs and file paths (relative ones against `root`). Failure is a value with its kind, not an exception:
// training skips the item and counts why.
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export type FetchedImage =
  | { ok: true; bytes: Uint8Array }
  | { ok: false; kind: 'unreachable' | 'too-large' | 'unsupported-url'; reason: string };

export interface FetchImageOptions {
  /** Per image, connect to last byte (default 10 s). */
  timeoutMs?: number;
  /** Largest accepted image (default 20 MB). */
  maxBytes?: number;
  /** Relative file paths are resolved against this (default: the working directory). */
  root?: string;
}

export async function fetchImage(location: string, options: FetchImageOptions = {}): Promise<FetchedImage> {
  const maxBytes = options.maxBytes ?? 20_000_000;
  const tooLarge = (size: number): FetchedImage => ({
    ok: false,
    kind: 'too-large',
    reason: `${size} bytes is more than ${maxBytes}`,
  });
  if (/^https?:\/\//i.test(location)) {
    try {
      const response = await fetch(location, {
        signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
        redirect: 'follow',
      });
      if (!response.ok) {
        await response.body?.cancel();
        return { ok: false, kind: 'unreachable', reason: `HTTP ${response.status}` };
      }
      const declared = Number(response.headers.get('content-length'));
      if (Number.isFinite(declared) && declared > maxBytes) {
        await response.body?.cancel();
        return tooLarge(declared);
      }
      const bytes = new Uint8Array(await response.arrayBuffer());
      return bytes.length > maxBytes ? tooLarge(bytes.length) : { ok: true, bytes };
    } catch (error) {
      const e = error as Error & { cause?: { code?: string } };
      const reason = e.name === 'TimeoutError' ? 'timed out' : (e.cause?.code ?? e.message);
      return { ok: false, kind: 'unreachable', reason };
    }
  }
  let file: string;
  if (/^file:\/\//i.test(location)) file = fileURLToPath(location);
  else if (/^[a-z][a-z0-9+.-]*:\/\//i.test(location))
    return { ok: false, kind: 'unsupported-url', reason: `${location.split(':')[0]} URLs are not fetched` };
  else file = path.resolve(options.root ?? process.cwd(), location);
  try {
    const info = await stat(file);
    if (!info.isFile()) return { ok: false, kind: 'unreachable', reason: 'not a file' };
    if (info.size > maxBytes) return tooLarge(info.size);
    return { ok: true, bytes: new Uint8Array(await readFile(file)) };
  } catch (error) {
    return { ok: false, kind: 'unreachable', reason: (error as NodeJS.ErrnoException).code ?? 'unreadable' };
  }
}
