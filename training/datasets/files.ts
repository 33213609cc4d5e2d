// Resolving the paths given on the command line into input files, with one clear error when one is missing.
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { FatalIngestError } from './context.js';

export interface InputFile {
  path: string;
  /** Lower-case file name, without a trailing .gz. */
  name: string;
  /** Named on the command line (an unrecognised explicit file is an error; one found in a folder is ignored). */
  explicit: boolean;
  size: number;
}

export function baseName(file: string): string {
  return path.basename(file).toLowerCase().replace(/\.gz$/, '');
}

/** Files of each path: a file as is, a folder's regular files (not recursive), sorted by name for a stable order. */
export async function listInputs(paths: string[]): Promise<InputFile[]> {
  if (paths.length === 0) throw new FatalIngestError('no input path given');
  const out: InputFile[] = [];
  for (const p of paths) {
    let info;
    try {
      info = await stat(p);
    } catch {
      throw new FatalIngestError(`input not found: ${p}`);
    }
    if (info.isDirectory()) {
      const entries = (await readdir(p, { withFileTypes: true }))
        .filter((e) => e.isFile())
        .map((e) => e.name)
        .sort();
      for (const name of entries) {
        const file = path.join(p, name);
        out.push({ path: file, name: baseName(file), explicit: false, size: (await stat(file)).size });
      }
    } else if (info.isFile()) {
      out.push({ path: p, name: baseName(p), explicit: true, size: info.size });
    } else {
      throw new FatalIngestError(`not a file or folder: ${p}`);
    }
  }
  return out;
}

/** Fails when a file named explicitly is not one the format knows: the user probably chose the wrong format. */
export function refuseUnknownExplicit(
  files: InputFile[],
  known: (f: InputFile) => boolean,
  format: string,
  expected: string,
): void {
  const unknown = files.filter((f) => f.explicit && !known(f));
  if (unknown.length > 0) {
    throw new FatalIngestError(`${unknown.map((f) => f.path).join(', ')}: not a ${format} file (expected ${expected})`);
  }
}
