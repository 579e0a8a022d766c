/** docs/server.md carries the error table rendered from the catalogue; this keeps the two in step. */
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { errorStatusTable } from '../../server/error-table.js';
import { ERROR_CATALOGUE } from '../../src/errors.js';

it('docs/server.md holds the current error code → status table', () => {
  const doc = readFileSync(new URL('../../docs/server.md', import.meta.url), 'utf8');
  const m = /<!-- error-table:start -->\n([\s\S]*?)\n<!-- error-table:end -->/.exec(doc);
  expect(m?.[1]).toBe(errorStatusTable());
});

it('the table has one row per catalogue code with its status', () => {
  const rows = errorStatusTable().split('\n').slice(2);
  expect(rows).toHaveLength(Object.keys(ERROR_CATALOGUE).length);
  for (const [code, { status }] of Object.entries(ERROR_CATALOGUE)) {
    expect(rows).toContain(
      `| \`${code}\` | ${status} | ${ERROR_CATALOGUE[code as keyof typeof ERROR_CATALOGUE].message} |`,
    );
  }
});
