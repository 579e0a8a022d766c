/**
 * Boolean identities the clauses must satisfy, checked on seeded random payloads and random atomic
 * conditions: they pin the combinators (short-circuits, min_should's early exit, compile-time special cases)
 * independently of the per-condition tables.
 */
import { describe, expect, it } from 'vitest';
import { compileFilter, type PointPredicate, parseFilter } from '../../src/filter/index.js';
import { Rng } from '../../src/rng.js';

const VALUES: unknown[] = [
  null,
  0,
  1,
  2,
  2.5,
  'x',
  'y',
  true,
  false,
  [],
  [1, 'x'],
  [null],
  [2, 3],
  { b: 1 },
  [{ b: 1 }],
];
const KEYS = ['a', 'b', 'c'];

const ATOMS: unknown[] = [
  { key: 'a', match: { value: 1 } },
  { key: 'a', match: { value: 'x' } },
  { key: 'b', match: { any: [1, 2] } },
  { key: 'b', match: { except: ['x'] } },
  { key: 'c', match: { except: [1] } },
  { key: 'a', range: { gte: 1, lt: 2.5 } },
  { key: 'c', values_count: { gt: 1 } },
  { key: 'b', is_empty: false },
  { key: 'c', is_null: true },
  { is_empty: { key: 'a' } },
  { is_null: { key: 'b' } },
  { has_id: [1, 3] },
  { key: 'a[].b', match: { value: 1 } },
  { nested: { key: 'c', filter: { must: [{ key: 'b', match: { value: 1 } }] } } },
];

function randomPayload(rng: Rng): Record<string, unknown> {
  const p: Record<string, unknown> = {};
  for (const k of KEYS) if (rng.next() < 0.75) p[k] = VALUES[rng.int(VALUES.length)];
  return p;
}

const compile = (f: unknown): PointPredicate => compileFilter(parseFilter(f));

describe('clause algebra on random payloads', () => {
  const rng = new Rng(20261204);
  const points = Array.from({ length: 400 }, (_, i) => ({ id: i % 5, payload: randomPayload(rng) }));
  const atoms = ATOMS.map((c) => compile({ must: [c] }));
  const pick = () => rng.int(ATOMS.length);

  it('every atom is true on some points and false on others (the identities below are not vacuous)', () => {
    for (const atom of atoms) {
      const hits = points.filter(({ id, payload }) => atom(id, payload)).length;
      expect(hits).toBeGreaterThan(0);
      expect(hits).toBeLessThan(points.length);
    }
  });

  it('must_not [c] = not must [c]; must [c1, c2] = c1 and c2; should [c1, c2] = c1 or c2', () => {
    for (let trial = 0; trial < 60; trial++) {
      const i = pick();
      const j = pick();
      const not = compile({ must_not: [ATOMS[i]] });
      const and = compile({ must: [ATOMS[i], ATOMS[j]] });
      const or = compile({ should: [ATOMS[i], ATOMS[j]] });
      const nor = compile({ must_not: [ATOMS[i], ATOMS[j]] });
      const ai = atoms[i] as PointPredicate;
      const aj = atoms[j] as PointPredicate;
      const got = points.map(({ id, payload }) => [
        not(id, payload),
        and(id, payload),
        or(id, payload),
        nor(id, payload),
      ]);
      const want = points.map(({ id, payload }) => {
        const [x, y] = [ai(id, payload), aj(id, payload)];
        return [!x, x && y, x || y, !x && !y];
      });
      expect(got).toEqual(want);
    }
  });

  it('min_should { conditions, k } holds exactly when at least k conditions hold', () => {
    for (let trial = 0; trial < 60; trial++) {
      const n = 1 + rng.int(5);
      const chosen = Array.from({ length: n }, pick);
      const k = rng.int(n + 2);
      const pred = compile({ min_should: { conditions: chosen.map((i) => ATOMS[i]), min_count: k } });
      const got = points.map(({ id, payload }) => pred(id, payload));
      const want = points.map(
        ({ id, payload }) => chosen.filter((i) => (atoms[i] as PointPredicate)(id, payload)).length >= k,
      );
      expect(got).toEqual(want);
    }
  });

  it('all clauses of one filter are ANDed, and a nested filter condition equals the filter', () => {
    for (let trial = 0; trial < 40; trial++) {
      const [a, b, c, d, e] = [pick(), pick(), pick(), pick(), pick()];
      const parts = {
        must: [ATOMS[a]],
        should: [ATOMS[b], ATOMS[c]],
        must_not: [ATOMS[d]],
        min_should: { conditions: [ATOMS[e], ATOMS[a]], min_count: 1 },
      };
      const whole = compile(parts);
      const wrapped = compile({ must: [parts] });
      const separately = [
        compile({ must: parts.must }),
        compile({ should: parts.should }),
        compile({ must_not: parts.must_not }),
        compile({ min_should: parts.min_should }),
      ];
      const want = points.map(({ id, payload }) => separately.every((p) => p(id, payload)));
      expect(points.map(({ id, payload }) => whole(id, payload))).toEqual(want);
      expect(points.map(({ id, payload }) => wrapped(id, payload))).toEqual(want);
    }
  });
});

describe('plain-key fast paths agree with the general path walker', () => {
  // `k` takes the single-value fast path; `w[0]` resolves to the same value through the general walker.
  const FIELD_CONDITIONS: Record<string, unknown>[] = [
    { match: { value: 1 } },
    { match: { value: 'x' } },
    { match: { value: true } },
    { match: { any: ['x', 'y'] } },
    { match: { any: [1, 2] } },
    { match: { except: ['x'] } },
    { match: { except: [2] } },
    { match: { text: 'x' } },
    { range: { gt: 0.5, lte: 2 } },
    { range: { gte: '2020-01-01' } },
    { values_count: { gte: 1 } },
    { values_count: { lt: 1 } },
    { is_empty: true },
    { is_empty: false },
    { is_null: true },
    { is_null: false },
    { match: { value: 2 }, range: { lt: 1 } },
  ];
  const EXTRA: unknown[] = ['2021-05-05', 'xyz', [[1]], [null, 2]];

  it.each(FIELD_CONDITIONS.map((c) => [JSON.stringify(c), c] as const))('%s', (_name, cond) => {
    const fast = compile({ must: [{ key: 'k', ...cond }] });
    const slow = compile({ must: [{ key: 'w[0]', ...cond }] });
    expect(fast(1, {})).toBe(slow(1, { w: [] }));
    for (const v of [...VALUES, ...EXTRA]) {
      expect(fast(1, { k: v })).toBe(slow(1, { w: [v] }));
    }
  });
});
