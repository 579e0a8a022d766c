import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readJsonl } from '../../bench/datasets/jsonl.js';
import { tempDir } from './files.js';

const dir = tempDir('jsonl');

describe('JSONL reader', () => {
  it('reads arrays and {"vector": [...]} objects, skipping blank lines', async () => {
    const p = join(dir, 'a.jsonl');
    writeFileSync(p, '[1, 2.5]\n\n{"id": 7, "vector": [-3, 4]}\r\n[0, 0]\n');
    const m = await readJsonl(p);
    expect(m.rows).toBe(3);
    expect(m.dimension).toBe(2);
    expect(Array.from(m.data)).toEqual([1, 2.5, -3, 4, 0, 0]);
  });

  it('grows past its first allocation (1024 rows) and honours maxRows', async () => {
    const p = join(dir, 'many.jsonl');
    writeFileSync(p, Array.from({ length: 3000 }, (_, i) => JSON.stringify([i, -i])).join('\n'));
    const m = await readJsonl(p);
    expect(m.rows).toBe(3000);
    expect(m.data[2 * 2999]).toBe(2999);
    expect(m.data[2 * 1500 + 1]).toBe(-1500);
    expect((await readJsonl(p, 5)).rows).toBe(5);
  });

  it('rejects ragged rows, non-numbers, float32 overflow, bad JSON and empty files', async () => {
    const cases: [string, string][] = [
      ['[1, 2]\n[3]\n', 'DIMENSION_MISMATCH'],
      ['[1, "x"]\n', 'INVALID_ARGUMENT'],
      ['[1, 1e300]\n', 'NON_FINITE_VALUE'],
      ['[1, 2\n', 'CORRUPT_DATA'],
      ['{"id": 1}\n', 'INVALID_ARGUMENT'],
      ['\n\n', 'INVALID_ARGUMENT'],
    ];
    for (const [i, [text, code]] of cases.entries()) {
      const p = join(dir, `bad${i}.jsonl`);
      writeFileSync(p, text);
      await expect(readJsonl(p)).rejects.toMatchObject({ code });
    }
  });
});
