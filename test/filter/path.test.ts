import { describe, expect, it } from 'vitest';
import { parseDatetimeMicros } from '../../src/filter/datetime.js';
import { parseJsonPath, resolvePath, WILDCARD } from '../../src/filter/path.js';

describe('key paths', () => {
  it.each<[string, string, (string | number)[]]>([
    ['a', 'a', []],
    ['a.b.c', 'a', ['b', 'c']],
    ['a[]', 'a', [WILDCARD]],
    ['a[].b', 'a', [WILDCARD, 'b']],
    ['a[12].b[]', 'a', [12, 'b', WILDCARD]],
    ['"a.b".c', 'a.b', ['c']],
    ['a."x y"', 'a', ['x y']],
    ['città_1-2', 'città_1-2', []],
  ])('parses %s', (text, first, rest) => {
    expect(parseJsonPath(text)).toEqual({ text, first, rest });
  });

  it.each(['', '.a', 'a.', 'a..b', 'a[', 'a[x]', 'a[-1]', 'a b', '[]', 'a]', '"a', 'a."b\\"c"', 'a$'])(
    'rejects %j',
    (text) => {
      expect(parseJsonPath(text)).toBeUndefined();
    },
  );

  const doc = {
    arr: [{ a: [1, 2, 3] }, { a: 4 }, { b: 5 }],
    obj: { x: { y: 'deep' } },
    list: ['g0', 'g1', 'g2'],
  };

  it.each<[string, unknown[]]>([
    ['obj.x.y', ['deep']],
    ['obj.x', [{ y: 'deep' }]],
    ['arr[].a', [[1, 2, 3], 4]],
    ['arr[].a[]', [1, 2, 3]],
    ['arr[1].a', [4]],
    ['arr[7].a', []],
    ['list[2]', ['g2']],
    ['list[]', ['g0', 'g1', 'g2']],
    // No implicit flattening: a key step does not look through an array.
    ['arr.a', []],
    ['obj.x.y.z', []],
    ['obj[]', []],
    ['missing', []],
    ['constructor', []],
  ])('resolves %s as Qdrant does', (text, expected) => {
    const path = parseJsonPath(text);
    expect(path).toBeDefined();
    expect(resolvePath(path as NonNullable<typeof path>, doc)).toEqual(expected);
  });
});

describe('datetimes', () => {
  const base = Date.UTC(2020, 1, 15, 10, 49, 0) * 1000;
  it.each<[string, number | undefined]>([
    ['2020-02-15T10:49:00Z', base],
    ['2020-02-15t10:49:00z', base],
    ['2020-02-15T11:49:00+01:00', base],
    ['2020-02-15T11:49:00+0100', base],
    ['2020-02-15T09:19:00-01:30', base],
    ['2020-02-15T10:49:00', base],
    ['2020-02-15 10:49:00', base],
    ['2020-02-15 10:49', base],
    ['2020-02-15T10:49:00.123456Z', base + 123456],
    ['2020-02-15T10:49:00.000001Z', base + 1],
    ['2020-02-15T10:49:00.1234567Z', base + 123456],
    ['2020-02-15', Date.UTC(2020, 1, 15) * 1000],
    ['2020-02-30', undefined],
    ['2019-02-29', undefined],
    ['2020-13-01', undefined],
    ['2020-02-15T24:00:00Z', undefined],
    ['2020-02-15T10:49Z', undefined],
    ['2020-02-15T10:49:00+25:00', undefined],
    ['15/02/2020', undefined],
    ['', undefined],
  ])('%s', (text, expected) => {
    expect(parseDatetimeMicros(text)).toBe(expected);
  });

  it('reads years below 100 literally, not as 19xx', () => {
    const micros = parseDatetimeMicros('0050-01-01T00:00:00Z') as number;
    expect(new Date(micros / 1000).getUTCFullYear()).toBe(50);
  });
});
