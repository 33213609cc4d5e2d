// One vocabulary of errors: every code the API answers with has its HTTP status and meaning in error-codes.ts, the
// README's § Errors table lists each with the same status, and the 5xx rule picks the response status.
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES, isErrorCode, serverFailureStatus } from '../../src/graphql/error-codes.js';
import { DEGRADED_REASONS } from '../../src/graphql/plugins/degraded.js';
import { ERROR_CODES as SDK_ERROR_CODES, RecgraphError } from '../../src/sdk/index.js';

describe('error codes', () => {
  it('README lists every code with its HTTP status, and every degraded reason', async () => {
    const readme = await readFile(new URL('../../README.md', import.meta.url), 'utf8');
    for (const [code, { status }] of Object.entries(ERROR_CODES)) {
      expect(readme, code).toMatch(new RegExp(`\\| \`${code}\` \\| ${status} \\|`));
    }
    for (const reason of Object.keys(DEGRADED_REASONS)) expect(readme).toContain(`\`${reason}\``);
  });

  it('a response takes the status of its worst server failure; client errors in fields leave it alone', () => {
    expect(serverFailureStatus(['BAD_USER_INPUT', 'NOT_FOUND'])).toBeUndefined();
    expect(serverFailureStatus(['NOT_FOUND', 'SERVICE_UNAVAILABLE'])).toBe(503);
    expect(serverFailureStatus(['INTERNAL_SERVER_ERROR'])).toBe(500);
    // The numerically highest: a dependency failure (503, retryable) outranks the internal error it may have caused.
    expect(serverFailureStatus(['SERVICE_UNAVAILABLE', 'INTERNAL_SERVER_ERROR'])).toBe(503);
    expect(serverFailureStatus(['SOMETHING_NEW'])).toBe(500);
  });

  it('the SDK exports the same table and types RecgraphError.code by it', () => {
    expect(SDK_ERROR_CODES).toBe(ERROR_CODES);
    expect(new RecgraphError('x', [{ message: 'x', extensions: { code: 'NOT_FOUND' } }], 200).code).toBe('NOT_FOUND');
    expect(new RecgraphError('x', [{ message: 'x', extensions: { code: 'PROXY_SAID_NO' } }], 502).code).toBeUndefined();
    expect(isErrorCode('toString')).toBe(false);
  });
});
