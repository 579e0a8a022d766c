/**
 * Versions the server reports. `GET /` answers with the Qdrant API version ditherdb follows, because the
 * official clients compare it with their own (major equal, minor within one) before talking; ditherdb's own
 * version comes from package.json, found by walking up from this file (server/ under tsx, dist/server/ when
 * built).
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The Qdrant REST API release whose core routes and shapes ditherdb implements. */
export const QDRANT_API_VERSION = '1.18.0';

function readOwnVersion(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 4; i++) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) {
      const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'ditherdb' && typeof pkg.version === 'string') return pkg.version;
    }
    dir = dirname(dir);
  }
  return '0.0.0';
}

export const DITHERDB_VERSION = readOwnVersion();
