// CORS for browsers calling the API from another origin.
// CORS_ORIGINS: "*" (any origin, no credentials) or a comma-separated list of origins (https://app.example.com).
// Unset: none in production (same-origin and non-browser clients only), "*" in development (Apollo Sandbox calls
// the endpoint from its own origin).
//
// With Apollo's csrfPrevention, a browser request must carry a non-simple content-type (application/json) or an
// `apollo-require-preflight` / `x-apollo-operation-name` header — either way the browser sends a preflight first,
// answered here, so only allowed origins get to send it. Requests without an Origin (curl, servers) are untouched.
import type { IncomingMessage, ServerResponse } from 'node:http';

export interface CorsConfig {
  origins: readonly string[] | '*';
  /** How long browsers may cache a preflight answer. */
  maxAgeSeconds?: number;
}

const ALLOWED_METHODS = 'GET, POST, OPTIONS';
const ALLOWED_HEADERS = [
  'content-type',
  'authorization',
  'x-api-key',
  'x-request-id',
  'apollo-require-preflight',
  'x-apollo-operation-name',
  'apollographql-client-name',
  'apollographql-client-version',
].join(', ');
const EXPOSED_HEADERS = 'x-request-id';

function headerValue(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function allowedOrigin(config: CorsConfig, origin: string | undefined): string | undefined {
  if (!origin) return undefined;
  if (config.origins === '*') return '*';
  return config.origins.includes(origin.toLowerCase()) ? origin : undefined;
}

/** Headers to add to an actual (non-preflight) response; empty when the request has no Origin or it is not allowed. */
export function corsHeaders(config: CorsConfig, req: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  // The answer depends on Origin when origins are listed: caches must key on it.
  if (config.origins !== '*') headers.vary = 'Origin';
  const allowed = allowedOrigin(config, headerValue(req, 'origin'));
  if (allowed) {
    headers['access-control-allow-origin'] = allowed;
    headers['access-control-expose-headers'] = EXPOSED_HEADERS;
  }
  return headers;
}

/**
 * Answers a CORS preflight (OPTIONS with Access-Control-Request-Method) with 204 and returns true; returns false
 * for any other request. A disallowed origin gets a 204 without allow headers, which the browser treats as a refusal.
 */
export function handlePreflight(config: CorsConfig, req: IncomingMessage, res: ServerResponse): boolean {
  if (req.method !== 'OPTIONS' || !headerValue(req, 'access-control-request-method')) return false;
  const headers: Record<string, string> = { vary: 'Origin, Access-Control-Request-Headers', 'content-length': '0' };
  const allowed = allowedOrigin(config, headerValue(req, 'origin'));
  if (allowed) {
    headers['access-control-allow-origin'] = allowed;
    headers['access-control-allow-methods'] = ALLOWED_METHODS;
    headers['access-control-allow-headers'] = ALLOWED_HEADERS;
    headers['access-control-max-age'] = String(config.maxAgeSeconds ?? 600);
  }
  res.writeHead(204, headers);
  res.end();
  return true;
}
