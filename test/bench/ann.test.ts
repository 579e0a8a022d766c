import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ANN_DEFAULTS, runAnnBench, validateAnnOptions } from '../../bench/ann.js';
import { Rng } from '../../src/rng.js';
import { tempDir, writeVecs } from './files.js';

/**
 * The recall-vs-bits driver end to end on a tiny seeded dataset written as TEXMEX files: 600 train + 40 query
 * vectors in 32-d drawn from 12 Gaussian clusters (so IVF lists and neighbours are meaningful), bits 1 and 4,
 * one kind, no peers. The ground truth goes to a temp cache so the test never touches the user's.
 */
const dir = tempDir('ann');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function writeDataset(): void {
  const rng = new Rng(7, 3);
  const d = 32;
  const centers = Array.from({ length: 12 }, () => Array.from({ length: d }, () => 4 * rng.gaussian()));
  const draw = (rows: number) =>
    Array.from({ length: rows }, () => {
      const c = centers[rng.int(centers.length)]!;
      return c.map((v) => v + rng.gaussian());
    });
  writeVecs(join(dir, 'tiny_base.fvecs'), 'fvecs', draw(600));
  writeVecs(join(dir, 'tiny_query.fvecs'), 'fvecs', draw(40));
}

describe('bench/ann driver', () => {
  it('writes one record per configuration with recall in [0, 1], rising with bits', async () => {
    writeDataset();
    process.env.DITHERDB_CACHE_DIR = join(dir, 'cache');
    const out = join(dir, 'out');
    const nprobes = [2, 8];
    const result = await runAnnBench({
      ...ANN_DEFAULTS,
      dataset: join(dir, 'tiny_base.fvecs'),
      bits: [1, 4],
      kinds: ['dithered'],
      queries: 40,
      scanQueries: 40,
      nprobes,
      peers: [],
      out,
      name: 'tiny',
      mseSamples: 200,
      quiet: true,
    });
    const json = JSON.parse(readFileSync(result.written.json, 'utf8')) as {
      records: {
        system: string;
        bits: number;
        kind: string;
        nprobe: number;
        rerank: number;
        k: number;
        recall1: number | null;
        recall10: number | null;
        recall100: number | null;
        qps: number;
        bitsPerDimension: number;
        mse4b: number;
      }[];
      meta: { peersSkipped: { peer: string }[] };
    };
    // Per bit width: one scan-every-code record plus nprobe × {no rerank, rerank}.
    const perBits = 1 + nprobes.length * 2;
    expect(json.records).toHaveLength(2 * perBits);
    for (const bits of [1, 4]) {
      const rs = json.records.filter((r) => r.bits === bits);
      expect(rs).toHaveLength(perBits);
      expect(new Set(rs.map((r) => `${r.nprobe}/${r.rerank}/${r.k}`)).size).toBe(perBits);
      for (const r of rs) {
        expect(r.system).toBe('ditherdb');
        expect(r.kind).toBe('dithered');
        expect(r.qps).toBeGreaterThan(0);
        // 32-d blocked codes: b bits per coordinate plus 96 bits of scalars per point → b + 3.
        expect(r.bitsPerDimension).toBeCloseTo(bits + 3, 6);
        for (const v of [r.recall1, r.recall10]) {
          expect(v).not.toBeNull();
          expect(v!).toBeGreaterThanOrEqual(0);
          expect(v!).toBeLessThanOrEqual(1);
        }
      }
    }
    const scan = (bits: number) => json.records.find((r) => r.bits === bits && r.k === 100)!;
    // 100 results from 600 points: recall@100 is defined only on the scan-every-code record.
    expect(scan(1).recall100).not.toBeNull();
    expect(scan(4).recall10!).toBeGreaterThanOrEqual(scan(1).recall10!);
    expect(scan(4).recall100!).toBeGreaterThanOrEqual(scan(1).recall100!);
    // 4-bit codes rank 600 clustered points almost exactly: an index bug would drop this far below.
    expect(scan(4).recall10!).toBeGreaterThan(0.8);
    // Rerank over all lists returns the exact neighbours.
    const full = json.records.find((r) => r.bits === 1 && r.nprobe === 8 && r.rerank > 0)!;
    expect(full.recall10).toBeGreaterThan(0.95);
    // MSE·4^b of dithered codes sits between Shannon's bound (1) and the uniform quantizer's ≈ 6 at b = 4.
    expect(scan(4).mse4b).toBeGreaterThan(1);
    expect(scan(4).mse4b).toBeLessThan(6);
    // Peers left out are listed, never dropped silently.
    expect(json.meta.peersSkipped.map((s) => s.peer).sort()).toEqual(['hnswlib', 'lancedb', 'usearch']);
    expect(readFileSync(result.written.markdown, 'utf8')).toContain('hnswlib: not requested');
    expect(result.written.recallVsBitsSvg).toBeDefined();
  });

  it('rejects bad options with INVALID_ARGUMENT', () => {
    expect(() => validateAnnOptions({ ...ANN_DEFAULTS, bits: [9] })).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
    );
    expect(() => validateAnnOptions({ ...ANN_DEFAULTS, peers: ['faiss'] })).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
    );
    expect(() => validateAnnOptions({ ...ANN_DEFAULTS, k: 101 })).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
    );
  });
});
