import { describe, expect, it } from 'vitest';
import { DitherError } from '../../src/errors.js';
import { compilePayloadSelector, selectPayload, type WithPayload } from '../../src/filter/index.js';

const payload = {
  a: { b: 1, c: 2 },
  d: [
    { b: 1, c: 2 },
    { b: 3, c: 4 },
  ],
  e: 5,
  tags: ['x', 'y'],
};

describe('with_payload selection', () => {
  it('true returns a copy of the whole payload; false returns undefined', () => {
    const all = selectPayload(payload, true);
    expect(all).toEqual(payload);
    (all as { a: { b: number } }).a.b = 99;
    expect(payload.a.b).toBe(1);
    expect(selectPayload(payload, false)).toBeUndefined();
    expect(selectPayload(undefined, true)).toEqual({});
  });

  it.each<[string, WithPayload, Record<string, unknown>]>([
    ['a list of keys is include', ['e', 'tags'], { e: 5, tags: ['x', 'y'] }],
    ['include a whole object', { include: ['a'] }, { a: { b: 1, c: 2 } }],
    ['include a key inside an object', { include: ['a.b'] }, { a: { b: 1 } }],
    ['include a key inside array elements', { include: ['d[].c'] }, { d: [{ c: 2 }, { c: 4 }] }],
    // Qdrant's walk gives array elements the step [], which a key step never equals.
    ['a dotted key does not enter arrays', { include: ['d.c'] }, { d: [] }],
    ['a scalar under a longer pattern stays whole', { include: ['e.f'] }, { e: 5 }],
    ['include a missing key', { include: ['zzz'] }, {}],
    ['include nothing', { include: [] }, {}],
    ['exclude a top key', { exclude: ['a'] }, { d: payload.d, e: 5, tags: ['x', 'y'] }],
    [
      'exclude keys inside objects and arrays',
      { exclude: ['a.b', 'd[].c'] },
      { a: { c: 2 }, d: [{ b: 1 }, { b: 3 }], e: 5, tags: ['x', 'y'] },
    ],
    ['exclude nothing', { exclude: [] }, payload],
  ])('%s', (_name, withPayload, expected) => {
    expect(selectPayload(payload, withPayload)).toEqual(expected);
  });

  it.each<[string, unknown, string]>([
    ['a string', 'yes', 'with_payload'],
    ['a non-string key', ['a', 1], 'with_payload[1]'],
    ['an invalid key path', ['a..b'], 'with_payload[0]'],
    ['both include and exclude', { include: ['a'], exclude: ['b'] }, 'with_payload'],
    ['an unknown selector key', { only: ['a'] }, 'with_payload'],
    ['include not an array', { include: 'a' }, 'with_payload.include'],
  ])('rejects %s with INVALID_ARGUMENT', (_name, withPayload, path) => {
    let caught: unknown;
    try {
      compilePayloadSelector(withPayload);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(DitherError);
    expect((caught as DitherError).code).toBe('INVALID_ARGUMENT');
    expect((caught as DitherError).details?.path).toBe(path);
  });
});
