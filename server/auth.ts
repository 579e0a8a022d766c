/**
 * Optional API key, read as Qdrant's clients send it: the `api-key` header or `Authorization: Bearer <key>`.
 * Both sides are hashed with SHA-256 before crypto.timingSafeEqual, so the comparison takes the same time
 * whatever the key's length or how many leading bytes match (timingSafeEqual itself needs equal lengths).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { DitherError } from '../src/errors.js';

/** Routes an orchestrator probes without credentials. */
export const PUBLIC_PATHS: ReadonlySet<string> = new Set(['/healthz', '/readyz']);

function digest(s: string): Buffer {
  return createHash('sha256').update(s, 'utf8').digest();
}

function presentedKey(request: FastifyRequest): string | undefined {
  const header = request.headers['api-key'];
  if (typeof header === 'string') return header;
  const auth = request.headers.authorization;
  if (typeof auth === 'string' && auth.length > 7 && auth.slice(0, 7).toLowerCase() === 'bearer ') {
    return auth.slice(7).trim();
  }
  return undefined;
}

/** Returns an onRequest hook that throws UNAUTHORIZED unless the request carries `apiKey`. */
export function apiKeyHook(apiKey: string) {
  const expected = digest(apiKey);
  return async (request: FastifyRequest): Promise<void> => {
    const path = request.url.split('?', 1)[0] ?? '';
    if (PUBLIC_PATHS.has(path)) return;
    const key = presentedKey(request);
    if (key === undefined || !timingSafeEqual(digest(key), expected)) {
      throw new DitherError(
        'UNAUTHORIZED',
        'Must provide a valid API key in the api-key header or as a Bearer token',
      );
    }
  };
}
