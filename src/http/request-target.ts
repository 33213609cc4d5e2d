// The request target of an HTTP request line, read without throwing. Node hands `req.url` over as sent: the usual
// origin form (`/graphql?query=…`), but also the absolute form (`http://host/graphql`, RFC 9112 §3.2.2) that every
// server must accept, or garbage (`http://[::1/`, `*`). `new URL()` throws on the malformed ones; thrown outside a
// try, that took the whole process down with every client's in-flight request.

export interface RequestTarget {
  /** The path as sent, without the query: `/graphql`. Not decoded or normalised (no route has escapes or dots). */
  pathname: string;
  /** The query string with its `?`, or empty: `?query=…`. */
  search: string;
}

/** The path and query of a request target, or undefined when it is not a usable origin or absolute form. */
export function parseRequestTarget(raw: string | undefined): RequestTarget | undefined {
  const target = raw || '/';
  if (target.startsWith('/')) {
    const query = target.indexOf('?');
    return query < 0 ? { pathname: target, search: '' } : { pathname: target.slice(0, query), search: target.slice(query) };
  }
  let url: URL;
  try {
    url = new URL(target);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  return { pathname: url.pathname, search: url.search };
}
