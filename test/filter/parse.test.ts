import { describe, expect, it } from 'vitest';
import { DitherError } from '../../src/errors.js';
import { MAX_FILTER_DEPTH, parseFilter } from '../../src/filter/index.js';

function rejection(input: unknown, root?: string): DitherError {
  try {
    if (root === undefined) parseFilter(input);
    else parseFilter(input, root);
  } catch (err) {
    expect(err).toBeInstanceOf(DitherError);
    return err as DitherError;
  }
  throw new Error(`accepted ${JSON.stringify(input)}`);
}

const ok = { key: 'a', match: { value: 1 } };
const poly = (n: number, closed: boolean) => {
  const points = Array.from({ length: n }, (_, i) => ({ lon: i, lat: i * i }));
  if (closed) points[n - 1] = { ...(points[0] as { lon: number; lat: number }) };
  return { points };
};

describe('parseFilter rejects with INVALID_FILTER and names the path', () => {
  it.each<[string, unknown, string]>([
    ['filter is null', null, 'filter'],
    ['filter is an array', [ok], 'filter'],
    ['unknown top-level key', { mustt: [ok] }, 'filter.mustt'],
    [
      'typo deep inside match',
      { must: [ok, { key: 'b', match: { valeu: 1 } }] },
      'filter.must[1].match.valeu',
    ],
    [
      'unknown key in a field condition',
      { should: [{ key: 'a', match: { value: 1 }, boost: 2 }] },
      'filter.should[0].boost',
    ],
    ['unknown key in a nested filter', { must: [{ must: [ok], and: [] }] }, 'filter.must[0].and'],
    ['unknown key in a bare condition', { must: [{ foo: 1 }] }, 'filter.must[0].foo'],
    ['clause of the wrong type', { must: 'a' }, 'filter.must'],
    ['condition of the wrong type', { must: [5] }, 'filter.must[0]'],
    ['field condition without a condition', { must: [{ key: 'a' }] }, 'filter.must[0]'],
    ['field condition with only nulls', { must: [{ key: 'a', match: null, range: null }] }, 'filter.must[0]'],
    ['key not a string', { must: [{ key: 5, match: { value: 1 } }] }, 'filter.must[0].key'],
    ['invalid key path', { must: [{ key: 'a..b', match: { value: 1 } }] }, 'filter.must[0].key'],
    ['match with no variant', { must: [{ key: 'a', match: {} }] }, 'filter.must[0].match'],
    [
      'match with two variants',
      { must: [{ key: 'a', match: { value: 1, any: [1] } }] },
      'filter.must[0].match',
    ],
    ['match.value float', { must: [{ key: 'a', match: { value: 1.5 } }] }, 'filter.must[0].match.value'],
    ['match.value null', { must: [{ key: 'a', match: { value: null } }] }, 'filter.must[0].match.value'],
    [
      'match.value object',
      { must: [{ key: 'a', match: { value: { x: 1 } } }] },
      'filter.must[0].match.value',
    ],
    ['match.any not an array', { must: [{ key: 'a', match: { any: 'x' } }] }, 'filter.must[0].match.any'],
    [
      'match.any mixed types',
      { must: [{ key: 'a', match: { any: ['x', 1] } }] },
      'filter.must[0].match.any[1]',
    ],
    [
      'match.except floats',
      { must: [{ key: 'a', match: { except: [1, 2.5] } }] },
      'filter.must[0].match.except[1]',
    ],
    ['match.any booleans', { must: [{ key: 'a', match: { any: [true] } }] }, 'filter.must[0].match.any[0]'],
    ['match.text not a string', { must: [{ key: 'a', match: { text: 1 } }] }, 'filter.must[0].match.text'],
    [
      'range bound a string and a number',
      { must: [{ key: 'a', range: { gt: 1, lt: '2020-01-01' } }] },
      'filter.must[0].range.gt',
    ],
    ['range bad datetime', { must: [{ key: 'a', range: { gt: 'yesterday' } }] }, 'filter.must[0].range.gt'],
    [
      'range non-finite',
      { must: [{ key: 'a', range: { lt: Number.POSITIVE_INFINITY } }] },
      'filter.must[0].range.lt',
    ],
    ['range unknown bound', { must: [{ key: 'a', range: { gt: 1, eq: 2 } }] }, 'filter.must[0].range.eq'],
    [
      'values_count negative',
      { must: [{ key: 'a', values_count: { gt: -1 } }] },
      'filter.must[0].values_count.gt',
    ],
    [
      'values_count fraction',
      { must: [{ key: 'a', values_count: { lt: 1.5 } }] },
      'filter.must[0].values_count.lt',
    ],
    ['is_empty flag not boolean', { must: [{ key: 'a', is_empty: 'yes' }] }, 'filter.must[0].is_empty'],
    ['is_empty condition with a bare key', { must: [{ is_empty: 'a' }] }, 'filter.must[0].is_empty'],
    [
      'is_empty condition extra key',
      { must: [{ is_empty: { key: 'a', x: 1 } }] },
      'filter.must[0].is_empty.x',
    ],
    [
      'is_null condition beside another kind',
      { must: [{ is_null: { key: 'a' }, has_id: [1] }] },
      'filter.must[0].has_id',
    ],
    ['has_id not an array', { must: [{ has_id: 1 }] }, 'filter.must[0].has_id'],
    ['has_id negative', { must: [{ has_id: [1, -1] }] }, 'filter.must[0].has_id[1]'],
    ['has_id fraction', { must: [{ has_id: [1.5] }] }, 'filter.must[0].has_id[0]'],
    ['has_id 2^53', { must: [{ has_id: [2 ** 53] }] }, 'filter.must[0].has_id[0]'],
    ['has_id numeric string', { must: [{ has_id: ['7'] }] }, 'filter.must[0].has_id[0]'],
    ['has_vector not a string', { must: [{ has_vector: 1 }] }, 'filter.must[0].has_vector'],
    ['nested without a filter', { must: [{ nested: { key: 'a' } }] }, 'filter.must[0].nested.filter'],
    ['nested unknown key', { must: [{ nested: { key: 'a', filter: {}, x: 1 } }] }, 'filter.must[0].nested.x'],
    [
      'nested bad inner filter',
      { must: [{ nested: { key: 'a', filter: { must: [{ key: 'b' }] } } }] },
      'filter.must[0].nested.filter.must[0]',
    ],
    ['min_should without conditions', { min_should: { min_count: 1 } }, 'filter.min_should.conditions'],
    [
      'min_should negative count',
      { min_should: { conditions: [ok], min_count: -1 } },
      'filter.min_should.min_count',
    ],
    ['min_should missing count', { min_should: { conditions: [ok] } }, 'filter.min_should.min_count'],
    [
      'min_should unknown key',
      { min_should: { conditions: [ok], min_count: 1, max: 2 } },
      'filter.min_should.max',
    ],
    [
      'min_should bad condition',
      { min_should: { conditions: [ok, { key: 'x' }], min_count: 1 } },
      'filter.min_should.conditions[1]',
    ],
    [
      'geo latitude out of range',
      { must: [{ key: 'g', geo_radius: { center: { lon: 0, lat: 91 }, radius: 1 } }] },
      'filter.must[0].geo_radius.center.lat',
    ],
    [
      'geo negative radius',
      { must: [{ key: 'g', geo_radius: { center: { lon: 0, lat: 0 }, radius: -1 } }] },
      'filter.must[0].geo_radius.radius',
    ],
    [
      'geo point extra key',
      {
        must: [
          {
            key: 'g',
            geo_bounding_box: { top_left: { lon: 0, lat: 0, alt: 1 }, bottom_right: { lon: 1, lat: 1 } },
          },
        ],
      },
      'filter.must[0].geo_bounding_box.top_left.alt',
    ],
    [
      'polygon ring not closed',
      { must: [{ key: 'g', geo_polygon: { exterior: poly(4, false) } }] },
      'filter.must[0].geo_polygon.exterior.points',
    ],
    [
      'polygon ring too short',
      { must: [{ key: 'g', geo_polygon: { exterior: poly(3, true) } }] },
      'filter.must[0].geo_polygon.exterior.points',
    ],
    [
      'polygon interior bad',
      { must: [{ key: 'g', geo_polygon: { exterior: poly(4, true), interiors: [poly(4, false)] } }] },
      'filter.must[0].geo_polygon.interiors[0].points',
    ],
  ])('%s', (_name, input, path) => {
    const err = rejection(input);
    expect(err.code).toBe('INVALID_FILTER');
    expect(err.details?.path).toBe(path);
    expect(err.message.startsWith(`${path}:`)).toBe(true);
  });

  it('names paths under the caller-given root', () => {
    const err = rejection({ must: [{ key: 'a', match: { valeu: 1 } }] }, 'searches[2].filter');
    expect(err.details?.path).toBe('searches[2].filter.must[0].match.valeu');
  });

  it('refuses filters nested deeper than MAX_FILTER_DEPTH instead of overflowing the stack', () => {
    let deep: unknown = { must: [ok] };
    for (let i = 0; i < MAX_FILTER_DEPTH + 5; i++) deep = { must: [deep] };
    expect(rejection(deep).code).toBe('INVALID_FILTER');
    let fine: unknown = { must: [ok] };
    for (let i = 0; i < MAX_FILTER_DEPTH - 1; i++) fine = { must: [fine] };
    expect(() => parseFilter(fine)).not.toThrow();
  });
});

describe('parseFilter normalises', () => {
  it('lone conditions into lists, ids into their normal form, datetimes into microseconds', () => {
    const f = parseFilter({
      must: { key: 'a.b[]', range: { gte: '2020-01-01T00:00:00Z', lt: null } },
      should: [{ has_id: [3, 'urn:uuid:550E8400-E29B-41D4-A716-446655440000', 3] }],
    });
    expect(f.must).toHaveLength(1);
    expect(f.must?.[0]).toEqual({
      type: 'field',
      key: { text: 'a.b[]', first: 'a', rest: ['b', -1] },
      range: { type: 'datetime', gte: Date.UTC(2020, 0, 1) * 1000 },
    });
    expect(f.should?.[0]).toEqual({ type: 'has_id', ids: [3, '550e8400-e29b-41d4-a716-446655440000'] });
    expect(f.must_not).toBeUndefined();
    expect(f.min_should).toBeUndefined();
  });

  it('keeps an empty should distinct from an absent one', () => {
    expect(parseFilter({ should: [] }).should).toEqual([]);
    expect(parseFilter({}).should).toBeUndefined();
  });

  it('accepts null for every optional field', () => {
    const f = parseFilter({
      must: [{ key: 'a', match: null, range: { gt: null, gte: 1, lt: null, lte: null }, is_empty: null }],
      must_not: null,
      min_should: null,
      should: [{ key: 'g', geo_polygon: { exterior: poly(4, true), interiors: null } }],
    });
    expect(f.must?.[0]).toEqual({
      type: 'field',
      key: { text: 'a', first: 'a', rest: [] },
      range: { type: 'number', gte: 1 },
    });
  });

  it('does not mutate its input', () => {
    const input = { must: [{ key: 'a', match: { any: ['x', 'x', 'y'] } }] };
    const copy = structuredClone(input);
    parseFilter(input);
    expect(input).toEqual(copy);
  });
});
