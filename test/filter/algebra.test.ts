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
      for (const { id, payload } of points) {
        expect(not(id, payload)).toBe(!ai(id, payload));
        expect(and(id, payload)).toBe(ai(id, payload) && aj(id, payload));
        expect(or(id, payload)).toBe(ai(id, payload) || aj(id, payload));
        expect(nor(id, payload)).toBe(!ai(id, payload) && !aj(id, payload));
      }
    }
  });

  it('min_should { conditions, k } holds exactly when at least k conditions hold', () => {
    for (let trial = 0; trial < 60; trial++) {
      const n = 1 + rng.int(5);
      const chosen = Array.from({ length: n }, pick);
      const k = rng.int(n + 2);
      const pred = compile({ min_should: { conditions: chosen.map((i) => ATOMS[i]), min_count: k } });
      for (const { id, payload } of points) {
        const count = chosen.filter((i) => (atoms[i] as PointPredicate)(id, payload)).length;
        expect(pred(id, payload)).toBe(count >= k);
      }
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
      for (const { id, payload } of points) {
        const expected = separately.every((p) => p(id, payload));
        expect(whole(id, payload)).toBe(expected);
        expect(wrapped(id, payload)).toBe(expected);
      }
    }
  });
});
