// The console's HTTP routes under /console: the page, its script and its stylesheet, with a strict Content Security
// Policy (scripts and styles from this origin only, requests to this origin only; no inline code). The page holds
// nothing secret: it asks for the API key when an action needs one and keeps it in the tab (sessionStorage).
import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ConsoleAssets } from './bundle.js';

export const CONSOLE_PATH = '/console';

/**
 * Images may come from anywhere (`imageUrl` is the catalogue's, e.g. cover images on a CDN); everything else from
 * this origin. No inline scripts or styles, no frames, no forms posting elsewhere.
 */
export const CONSOLE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  'img-src * data:',
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

export function isConsolePath(pathname: string): boolean {
  return pathname === CONSOLE_PATH || pathname.startsWith(`${CONSOLE_PATH}/`);
}

interface Asset {
  type: string;
  body: string;
  etag: string;
}

function asset(type: string, body: string): Asset {
  return { type, body, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"` };
}

export type ConsoleHandler = (req: IncomingMessage, res: ServerResponse, pathname: string) => Promise<void>;

/** Serves the console from assets being built (`building` settles once; a failed build answers 500 with why). */
export function consoleHandler(building: Promise<ConsoleAssets>): ConsoleHandler {
  const routes = building.then((built) => {
    const files = new Map<string, Asset>([
      ['/', asset('text/html; charset=utf-8', built.html)],
      ['/app.js', asset('text/javascript; charset=utf-8', built.js)],
      ['/app.css', asset('text/css; charset=utf-8', built.css)],
    ]);
    return files;
  });
  routes.catch(() => undefined); // reported on each request below
  return async (req, res, pathname) => {
    const common = {
      'content-security-policy': CONSOLE_CSP,
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'cache-control': 'no-cache',
    };
    if (pathname === CONSOLE_PATH) {
      res.writeHead(308, { ...common, location: `${CONSOLE_PATH}/` });
      return void res.end();
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { ...common, allow: 'GET, HEAD', 'content-type': 'text/plain; charset=utf-8' });
      return void res.end('GET or HEAD only\n');
    }
    let files: Map<string, Asset>;
    try {
      files = await routes;
    } catch (error) {
      res.writeHead(500, { ...common, 'content-type': 'text/plain; charset=utf-8' });
      return void res.end(`the console could not be built: ${(error as Error).message}\n`);
    }
    const file = files.get(pathname.slice(CONSOLE_PATH.length));
    if (!file) {
      res.writeHead(404, { ...common, 'content-type': 'text/plain; charset=utf-8' });
      return void res.end(`no console file ${pathname.slice(0, 100)}\n`);
    }
    if (req.headers['if-none-match'] === file.etag) {
      res.writeHead(304, { ...common, etag: file.etag });
      return void res.end();
    }
    res.writeHead(200, {
      ...common,
      'content-type': file.type,
      'content-length': Buffer.byteLength(file.body),
      etag: file.etag,
    });
    res.end(req.method === 'HEAD' ? undefined : file.body);
  };
}
