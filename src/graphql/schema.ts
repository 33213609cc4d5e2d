// The executable schema: schema.graphql (the contract) + resolvers.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const SCHEMA_FILE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'schema.graphql');

export function loadTypeDefs(): string {
  return readFileSync(SCHEMA_FILE, 'utf8');
}
