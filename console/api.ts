// The console talks to recgraph only through its public GraphQL API, with the same typed SDK a frontend uses, so what
// it shows is what a frontend gets. The API key is asked for in the page and kept in this tab only (sessionStorage).
import { createRecgraphClient, RecgraphError, type RecgraphClient } from '../src/sdk/index.js';

const KEY_STORAGE = 'recgraph-console:api-key';

export function storedApiKey(): string | undefined {
  return sessionStorage.getItem(KEY_STORAGE) || undefined;
}

export function storeApiKey(key: string | undefined): void {
  if (key) sessionStorage.setItem(KEY_STORAGE, key);
  else sessionStorage.removeItem(KEY_STORAGE);
}

/** A client on this origin's /graphql, sending the tab's API key when one was given. */
export function api(): RecgraphClient {
  return createRecgraphClient({ url: new URL('/graphql', location.href).href, apiKey: storedApiKey() });
}

/** A person-readable sentence for a failed call (the code says what to do about it). */
export function describeError(error: unknown): string {
  if (error instanceof RecgraphError) {
    if (error.code === 'UNAUTHENTICATED')
      return `${error.message}. Enter the API key at the top of the page (it stays in this tab only).`;
    if (error.code === 'FORBIDDEN') return `${error.message}.`;
    return error.code ? `${error.code}: ${error.message}` : error.message;
  }
  return (error as Error)?.message ?? String(error);
}
