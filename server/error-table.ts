/**
 * The error code → HTTP status table of docs/server.md, rendered from the one catalogue (src/errors.ts) so
 * the document cannot drift from the code; a test compares the two.
 */
import { ERROR_CATALOGUE, type ErrorCode } from '../src/errors.js';

export function errorStatusTable(): string {
  const codes = (Object.keys(ERROR_CATALOGUE) as ErrorCode[]).sort(
    (a, b) => ERROR_CATALOGUE[a].status - ERROR_CATALOGUE[b].status || a.localeCompare(b),
  );
  const lines = ['| code | HTTP status | meaning |', '| --- | ---: | --- |'];
  for (const code of codes) {
    const { status, message } = ERROR_CATALOGUE[code];
    lines.push(`| \`${code}\` | ${status} | ${message} |`);
  }
  return lines.join('\n');
}
