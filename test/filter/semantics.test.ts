/**
 * Filter semantics, table-driven. Expected values come from Qdrant's filtering documentation (the city/colour
 * and dinosaur examples) and from its segment condition checker (lib/segment/src/payload_storage), whose
 * behaviour on missing keys, nulls, arrays and type mismatches the rows below pin one by one.
 */
import { describe, expect, it } from 'vitest';
import { compileFilter, matchesFilter, parseFilter } from '../../src/filter/index.js';

type Payload = Record<string, unknown> | undefined;

function check(filter: unknown, payload: Payload, id: number | string = 1): boolean {
  return matchesFilter(parseFilter(filter), id, payload);
}

describe('clauses on the documented city/colour example', () => {
  const points: [number, Payload][] = [
    [1, { city: 'London', color: 'green' }],
    [2, { city: 'London', color: 'red' }],
    [3, { city: 'London', color: 'blue' }],
    [4, { city: 'Berlin', color: 'red' }],
    [5, { city: 'Moscow', color: 'green' }],
    [6, { city: 'Moscow', color: 'blue' }],
  ];
  const london = { key: 'city', match: { value: 'London' } };
  const red = { key: 'color', match: { value: 'red' } };
  const green = { key: 'color', match: { value: 'green' } };
  const ids = (filter: unknown) => {
    const pred = compileFilter(parseFilter(filter));
    return points.filter(([id, p]) => pred(id, p)).map(([id]) => id);
  };

  it.each<[string, unknown, number[]]>([
    ['must is AND', { must: [london, red] }, [2]],
    ['should is OR', { should: [london, red] }, [1, 2, 3, 4]],
    ['must_not excludes every listed condition', { must_not: [london, red] }, [5, 6]],
    ['clauses combine', { must: [london], must_not: [red] }, [1, 3]],
    ['a filter nests as a condition', { must_not: [{ must: [london, red] }] }, [1, 3, 4, 5, 6]],
    ['a lone condition stands for a one-element list', { must: london, must_not: red }, [1, 3]],
    [
      'min_should counts matching conditions',
      { min_should: { conditions: [london, red, green], min_count: 2 } },
      [1, 2],
    ],
    [
      'min_should with min_count 1 is should',
      { min_should: { conditions: [london, red], min_count: 1 } },
      [1, 2, 3, 4],
    ],
    ['min_should needing more than it has', { min_should: { conditions: [london, red], min_count: 3 } }, []],
    ['min_count 0 always holds', { min_should: { conditions: [], min_count: 0 } }, [1, 2, 3, 4, 5, 6]],
    ['min_should over no conditions with min_count 1', { min_should: { conditions: [], min_count: 1 } }, []],
    ['empty filter matches all', {}, [1, 2, 3, 4, 5, 6]],
    ['empty must matches all', { must: [] }, [1, 2, 3, 4, 5, 6]],
    ['empty must_not matches all', { must_not: [] }, [1, 2, 3, 4, 5, 6]],
    ['empty should matches nothing (qdrant/qdrant#554)', { should: [] }, []],
    [
      'null clauses are absent',
      { must: null, should: null, must_not: null, min_should: null },
      [1, 2, 3, 4, 5, 6],
    ],
    ['an empty object condition is an empty filter', { must: [{}] }, [1, 2, 3, 4, 5, 6]],
    ['should and must together', { should: [red, green], must: [london] }, [1, 2]],
  ])('%s', (_name, filter, expected) => {
    expect(ids(filter)).toEqual(expected);
  });
});

/** Rows: [name, condition, payload, expected]; each condition is evaluated as `{ must: [condition] }`. */
type Row = [string, unknown, Payload, boolean];

function table(rows: Row[]) {
  it.each(rows)('%s', (_name, condition, payload, expected) => {
    expect(check({ must: [condition] }, payload)).toBe(expected);
  });
}

describe('match.value', () => {
  const s = { key: 'c', match: { value: 'red' } };
  const n = { key: 'n', match: { value: 5 } };
  const b = { key: 'b', match: { value: true } };
  table([
    ['string equal', s, { c: 'red' }, true],
    ['string different', s, { c: 'blue' }, false],
    ['string in an array', s, { c: ['blue', 'red'] }, true],
    ['string missing', s, {}, false],
    ['string against null', s, { c: null }, false],
    ['string against a number', s, { c: 5 }, false],
    ['no payload at all', s, undefined, false],
    ['integer equal', n, { n: 5 }, true],
    ['integer against a float', n, { n: 5.5 }, false],
    ['integer against its string', n, { n: '5' }, false],
    ['integer in an array', n, { n: [1, 5] }, true],
    ['integer against an array of arrays (not flattened)', n, { n: [[5]] }, false],
    ['bool equal', b, { b: true }, true],
    ['bool against 1', b, { b: 1 }, false],
    ['bool against "true"', b, { b: 'true' }, false],
    ['bool in an array', b, { b: [false, true] }, true],
  ]);
});

describe('match.any', () => {
  const s = { key: 'c', match: { any: ['a', 'b'] } };
  const n = { key: 'n', match: { any: [1, 2] } };
  table([
    ['string in list', s, { c: 'b' }, true],
    ['string not in list', s, { c: 'z' }, false],
    ['array with one listed element', s, { c: ['z', 'a'] }, true],
    ['missing key', s, {}, false],
    ['number against a string list', s, { c: 1 }, false],
    ['integer in list', n, { n: 2 }, true],
    ['float against an integer list', n, { n: 2.5 }, false],
    ['numeric string against an integer list', n, { n: '2' }, false],
    ['empty list matches nothing', { key: 'c', match: { any: [] } }, { c: 'a' }, false],
  ]);
});

describe('match.except', () => {
  const s = { key: 'c', match: { except: ['a', 'b'] } };
  const n = { key: 'n', match: { except: [1, 2] } };
  table([
    ['string not in list', s, { c: 'z' }, true],
    ['string in list', s, { c: 'a' }, false],
    ['missing key does not match', s, {}, false],
    ['null does not match', s, { c: null }, false],
    ['empty array does not match (no element)', s, { c: [] }, false],
    ['array with an unlisted element', s, { c: ['a', 'z'] }, true],
    ['array of listed elements only', s, { c: ['a', 'b'] }, false],
    ['array of nulls', s, { c: [null] }, false],
    ['number against a string list', s, { c: 5 }, true],
    ['boolean against a string list', s, { c: true }, true],
    ['object against a string list', s, { c: { x: 1 } }, true],
    ['nested array element', s, { c: [['a']] }, true],
    ['integer not in list', n, { n: 3 }, true],
    ['integer in list', n, { n: 1 }, false],
    ['float against an integer list', n, { n: 1.5 }, true],
    ['string against an integer list', n, { n: '1' }, true],
    ['empty list: any value', { key: 'c', match: { except: [] } }, { c: 'x' }, true],
    ['empty list: still not null', { key: 'c', match: { except: [] } }, { c: null }, false],
  ]);
});

describe('match.text, text_any, phrase (substring search, no full-text index)', () => {
  table([
    ['text is a substring', { key: 't', match: { text: 'ondo' } }, { t: 'London' }, true],
    ['text absent', { key: 't', match: { text: 'ondo' } }, { t: 'Paris' }, false],
    ['text against a number', { key: 't', match: { text: '5' } }, { t: 5 }, false],
    ['text in an array', { key: 't', match: { text: 'ondo' } }, { t: ['Paris', 'London'] }, true],
    ['text_any: one token found', { key: 't', match: { text_any: 'xyz ondo' } }, { t: 'London' }, true],
    ['text_any: no token found', { key: 't', match: { text_any: 'xyz abc' } }, { t: 'London' }, false],
    ['text_any: blank text has no token', { key: 't', match: { text_any: '   ' } }, { t: 'London' }, false],
    ['phrase', { key: 't', match: { phrase: 'big red' } }, { t: 'a big red dog' }, true],
    ['phrase out of order', { key: 't', match: { phrase: 'red big' } }, { t: 'a big red dog' }, false],
  ]);
});

describe('range', () => {
  const r = { key: 'n', range: { gt: 1, lte: 3 } };
  table([
    ['at the open lower bound', r, { n: 1 }, false],
    ['just above it', r, { n: 1.0001 }, true],
    ['at the closed upper bound', r, { n: 3 }, true],
    ['above', r, { n: 3.5 }, false],
    ['numeric string', r, { n: '2' }, false],
    ['boolean', r, { n: true }, false],
    ['null', r, { n: null }, false],
    ['missing', r, {}, false],
    ['array with one value inside', r, { n: [0, 2] }, true],
    ['array with none inside', r, { n: [0, 5] }, false],
    ['gte and lt', { key: 'n', range: { gte: 1, lt: 3 } }, { n: 1 }, true],
    ['lt excludes the bound', { key: 'n', range: { gte: 1, lt: 3 } }, { n: 3 }, false],
    ['null bounds are absent', { key: 'n', range: { gt: null, lt: 3 } }, { n: -100 }, true],
    ['empty range: any number', { key: 'n', range: {} }, { n: 0 }, true],
    ['empty range: not a string', { key: 'n', range: {} }, { n: 'x' }, false],
  ]);
});

describe('datetime range', () => {
  const feb = { key: 't', range: { gte: '2020-02-01T00:00:00Z', lt: '2020-03-01T00:00:00Z' } };
  table([
    ['inside', feb, { t: '2020-02-15T00:00:00Z' }, true],
    ['at the open upper bound', feb, { t: '2020-03-01T00:00:00Z' }, false],
    ['a microsecond before it', feb, { t: '2020-02-29T23:59:59.999999Z' }, true],
    ['at the closed lower bound', feb, { t: '2020-02-01T00:00:00Z' }, true],
    ['a payload without offset is UTC', feb, { t: '2020-02-15 10:00:00' }, true],
    ['a bare date', feb, { t: '2020-02-15' }, true],
    ['an offset moves it out', feb, { t: '2020-02-01T01:00:00+02:00' }, false],
    ['an unparsable string', feb, { t: 'not a date' }, false],
    ['a number (epoch seconds) is not a datetime', feb, { t: 1581724800 }, false],
    ['array of datetimes', feb, { t: ['2019-01-01', '2020-02-02'] }, true],
    [
      'bounds with offsets',
      { key: 't', range: { gt: '2020-02-01T01:00:00+01:00' } },
      { t: '2020-02-01T00:00:01Z' },
      true,
    ],
  ]);
});

describe('values_count', () => {
  table([
    ['array long enough', { key: 'a', values_count: { gte: 2 } }, { a: [1, 2] }, true],
    ['array too short', { key: 'a', values_count: { gte: 2 } }, { a: [1] }, false],
    ['a scalar counts 1', { key: 'a', values_count: { gte: 2 } }, { a: 5 }, false],
    ['a scalar counts 1 (lte 1)', { key: 'a', values_count: { lte: 1 } }, { a: 'x' }, true],
    ['missing counts 0', { key: 'a', values_count: { lt: 1 } }, {}, true],
    ['null counts 0', { key: 'a', values_count: { lt: 1 } }, { a: null }, true],
    ['[] counts 0', { key: 'a', values_count: { lte: 0 } }, { a: [] }, true],
    ['missing fails a lower bound', { key: 'a', values_count: { gt: 0 } }, {}, false],
    ['per resolved value', { key: 'a[].b', values_count: { gt: 1 } }, { a: [{ b: 1 }, { b: [1, 2] }] }, true],
  ]);
});

describe('is_empty and is_null conditions', () => {
  const empty = { is_empty: { key: 'k' } };
  const isNull = { is_null: { key: 'k' } };
  table([
    ['is_empty: missing', empty, {}, true],
    ['is_empty: null', empty, { k: null }, true],
    ['is_empty: []', empty, { k: [] }, true],
    ['is_empty: [null] is not empty', empty, { k: [null] }, false],
    ['is_empty: 0', empty, { k: 0 }, false],
    ['is_empty: empty string', empty, { k: '' }, false],
    ['is_empty: empty object', empty, { k: {} }, false],
    [
      'is_empty: every projected value empty',
      { is_empty: { key: 'a[].b' } },
      { a: [{ b: [] }, { b: null }] },
      true,
    ],
    [
      'is_empty: one projected value set',
      { is_empty: { key: 'a[].b' } },
      { a: [{ b: 1 }, { b: [] }] },
      false,
    ],
    ['is_empty: projection over []', { is_empty: { key: 'a[].b' } }, { a: [] }, true],
    ['is_empty: no payload', empty, undefined, true],
    ['is_null: null', isNull, { k: null }, true],
    ['is_null: missing is not null', isNull, {}, false],
    ['is_null: [] is not null', isNull, { k: [] }, false],
    ['is_null: array holding null', isNull, { k: [null, 1] }, true],
    ['is_null: [true]', isNull, { k: [true] }, false],
    ['is_null: 0', isNull, { k: 0 }, false],
    ['is_null: a projected null', { is_null: { key: 'a[].b' } }, { a: [{ b: 1 }, { b: null }] }, true],
  ]);
});

describe('is_empty / is_null as field-condition flags', () => {
  table([
    ['is_empty true: missing', { key: 'k', is_empty: true }, {}, true],
    ['is_empty true: []', { key: 'k', is_empty: true }, { k: [] }, true],
    ['is_empty true: 1', { key: 'k', is_empty: true }, { k: 1 }, false],
    ['is_empty false: missing', { key: 'k', is_empty: false }, {}, false],
    ['is_empty false: 1', { key: 'k', is_empty: false }, { k: 1 }, true],
    ['is_empty false: null', { key: 'k', is_empty: false }, { k: null }, false],
    ['is_null true: null', { key: 'k', is_null: true }, { k: null }, true],
    ['is_null true: missing', { key: 'k', is_null: true }, {}, false],
    ['is_null true: [1, null]', { key: 'k', is_null: true }, { k: [1, null] }, true],
    ['is_null false: missing', { key: 'k', is_null: false }, {}, true],
    ['is_null false: 1', { key: 'k', is_null: false }, { k: 1 }, true],
    ['is_null false: null', { key: 'k', is_null: false }, { k: null }, false],
    // Per value, like every field condition (qdrant/qdrant#10621): unlike the is_empty condition above.
    [
      'is_empty true: one projected value empty',
      { key: 'a[].b', is_empty: true },
      { a: [{ b: 1 }, { b: [] }] },
      true,
    ],
  ]);
});

describe('several conditions in one field condition (Qdrant precedence)', () => {
  table([
    ['match OR range: match holds', { key: 'n', match: { value: 1 }, range: { gt: 5 } }, { n: 1 }, true],
    ['match OR range: range holds', { key: 'n', match: { value: 1 }, range: { gt: 5 } }, { n: 9 }, true],
    ['match OR range: neither', { key: 'n', match: { value: 1 }, range: { gt: 5 } }, { n: 3 }, false],
    [
      'values_count decides alone',
      { key: 'n', match: { value: 1 }, values_count: { gt: 1 } },
      { n: 1 },
      false,
    ],
    ['is_empty over match', { key: 'n', match: { value: 1 }, is_empty: true }, { n: 1 }, false],
  ]);
});

describe('key paths in conditions', () => {
  const m = (key: string, value: unknown) => ({ key, match: { value } });
  table([
    ['dotted key into an object', m('a.b', 'x'), { a: { b: 'x' } }, true],
    ['dotted key does not look through arrays', m('a.b', 'x'), { a: [{ b: 'x' }] }, false],
    ['[] projects over array elements', m('a[].b', 'x'), { a: [{ b: 'y' }, { b: 'x' }] }, true],
    ['[N] picks one element', m('a[1].b', 'x'), { a: [{ b: 'y' }, { b: 'x' }] }, true],
    ['[N] misses the others', m('a[0].b', 'x'), { a: [{ b: 'y' }, { b: 'x' }] }, false],
    ['a[] over scalars', m('a[]', 'y'), { a: ['x', 'y'] }, true],
    ['a[] over a non-array', m('a[]', 'y'), { a: 'y' }, false],
    ['quoted key with a dot', m('"a.b"', 'x'), { 'a.b': 'x' }, true],
    ['quoted key is not a path', m('"a.b"', 'x'), { a: { b: 'x' } }, false],
    ['deep projection', m('a[].b[].c', 3), { a: [{ b: [{ c: 1 }] }, { b: [{ c: 2 }, { c: 3 }] }] }, true],
    ['inherited properties are not payload', { is_empty: { key: 'constructor' } }, {}, true],
    ['toString is not a payload key', m('toString', 'x'), {}, false],
    ['nor is a nested constructor', { is_null: { key: 'a.constructor' } }, { a: {} }, false],
    ['__proto__ is not a payload key', { is_empty: { key: '__proto__' } }, {}, true],
    ['unless the JSON has one', m('__proto__', 'x'), JSON.parse('{"__proto__": "x"}'), true],
    [
      'objects without a prototype',
      m('a.b', 'x'),
      { a: Object.assign(Object.create(null), { b: 'x' }) },
      true,
    ],
  ]);
});

describe('has_id and has_vector', () => {
  const uuid = '550e8400-e29b-41d4-a716-446655440000';
  const hasId = parseFilter({ must: [{ has_id: [1, 3, uuid.toUpperCase()] }] });
  it.each<[number | string, boolean]>([
    [1, true],
    [2, false],
    [3, true],
    [uuid, true],
    ['00000000-0000-0000-0000-000000000000', false],
  ])('has_id with mixed ids: %j → %s', (id, expected) => {
    expect(matchesFilter(hasId, id, {})).toBe(expected);
  });

  it('has_id [] matches nothing and must_not has_id excludes', () => {
    expect(check({ must: [{ has_id: [] }] }, {}, 1)).toBe(false);
    expect(check({ must_not: [{ has_id: [1] }] }, {}, 1)).toBe(false);
    expect(check({ must_not: [{ has_id: [1] }] }, {}, 2)).toBe(true);
  });

  it('has_vector holds for the vectors every point carries', () => {
    expect(check({ must: [{ has_vector: '' }] }, {})).toBe(true);
    expect(check({ must: [{ has_vector: 'image' }] }, {})).toBe(false);
    const f = parseFilter({ must: [{ has_vector: 'image' }] });
    expect(matchesFilter(f, 1, {}, { vectorNames: ['image', 'text'] })).toBe(true);
  });
});

describe('nested', () => {
  // The documented dinosaur example: flattened keys may be satisfied by different array elements,
  // nested requires one element to satisfy the whole inner filter.
  const trex = {
    dinosaur: 't-rex',
    diet: [
      { food: 'leaves', likes: false },
      { food: 'meat', likes: true },
    ],
  };
  const diplo = {
    dinosaur: 'diplodocus',
    diet: [
      { food: 'leaves', likes: true },
      { food: 'meat', likes: false },
    ],
  };
  const flattened = {
    must: [
      { key: 'diet[].food', match: { value: 'meat' } },
      { key: 'diet[].likes', match: { value: true } },
    ],
  };
  const inner = {
    must: [
      { key: 'food', match: { value: 'meat' } },
      { key: 'likes', match: { value: true } },
    ],
  };
  const nested = { must: [{ nested: { key: 'diet', filter: inner } }] };

  it.each<[string, unknown, Payload, boolean]>([
    ['flattened keys match t-rex', flattened, trex, true],
    ['flattened keys also match diplodocus', flattened, diplo, true],
    ['nested matches t-rex', nested, trex, true],
    ['nested does not match diplodocus', nested, diplo, false],
    ['nested key may end in []', { must: [{ nested: { key: 'diet[]', filter: inner } }] }, trex, true],
    ['nested over a non-array', nested, { diet: { food: 'meat', likes: true } }, false],
    ['nested over a missing key', nested, {}, false],
    ['nested skips non-object elements', nested, { diet: ['meat', { food: 'meat', likes: true }] }, true],
    [
      'must_not inside nested: some element avoids it',
      {
        must: [{ nested: { key: 'diet', filter: { must_not: [{ key: 'likes', match: { value: true } }] } } }],
      },
      trex,
      true,
    ],
    [
      'must_not outside nested: no element may satisfy it',
      {
        must_not: [{ nested: { key: 'diet', filter: { must: [{ key: 'likes', match: { value: true } }] } } }],
      },
      trex,
      false,
    ],
    [
      'has_id never holds inside nested',
      { must: [{ nested: { key: 'diet', filter: { must: [{ has_id: [1] }] } } }] },
      trex,
      false,
    ],
    [
      'nested inside nested',
      {
        must: [
          {
            nested: {
              key: 'a',
              filter: {
                must: [{ nested: { key: 'b', filter: { must: [{ key: 'c', match: { value: 1 } }] } } }],
              },
            },
          },
        ],
      },
      { a: [{ b: [{ c: 2 }] }, { b: [{ c: 1 }] }] },
      true,
    ],
    [
      'nested keys inside the element',
      { must: [{ nested: { key: 'a.list', filter: { must: [{ key: 'x.y', match: { value: 1 } }] } } }] },
      { a: { list: [{ x: { y: 2 } }, { x: { y: 1 } }] } },
      true,
    ],
  ])('%s', (_name, filter, payload, expected) => {
    expect(check(filter, payload, 1)).toBe(expected);
  });
});

describe('geo', () => {
  const berlin = { lon: 13.404954, lat: 52.520008 };
  const moscow = { lon: 37.6173, lat: 55.7558 };
  const box = { top_left: { lon: 13.08835, lat: 52.67551 }, bottom_right: { lon: 13.76116, lat: 52.33826 } };
  const ring = (pts: [number, number][]) => ({ points: pts.map(([lon, lat]) => ({ lon, lat })) });
  const square = ring([
    [0, 0],
    [10, 0],
    [10, 10],
    [0, 10],
    [0, 0],
  ]);
  const hole = ring([
    [4, 4],
    [6, 4],
    [6, 6],
    [4, 6],
    [4, 4],
  ]);
  table([
    ['bounding box contains Berlin', { key: 'loc', geo_bounding_box: box }, { loc: berlin }, true],
    ['bounding box excludes Moscow', { key: 'loc', geo_bounding_box: box }, { loc: moscow }, false],
    [
      'any element of an array of points',
      { key: 'loc', geo_bounding_box: box },
      { loc: [moscow, berlin] },
      true,
    ],
    ['not a geo point', { key: 'loc', geo_bounding_box: box }, { loc: [13.4, 52.5] }, false],
    [
      'box across the antimeridian',
      {
        key: 'loc',
        geo_bounding_box: { top_left: { lon: 170, lat: 10 }, bottom_right: { lon: -170, lat: -10 } },
      },
      { loc: { lon: 179, lat: 0 } },
      true,
    ],
    [
      'radius: Berlin–Moscow is about 1 610 km (inside 1 700 km)',
      { key: 'loc', geo_radius: { center: berlin, radius: 1_700_000 } },
      { loc: moscow },
      true,
    ],
    [
      'radius: not inside 1 500 km',
      { key: 'loc', geo_radius: { center: berlin, radius: 1_500_000 } },
      { loc: moscow },
      false,
    ],
    ['polygon inside', { key: 'loc', geo_polygon: { exterior: square } }, { loc: { lon: 2, lat: 2 } }, true],
    [
      'polygon outside',
      { key: 'loc', geo_polygon: { exterior: square } },
      { loc: { lon: 12, lat: 2 } },
      false,
    ],
    [
      'polygon hole',
      { key: 'loc', geo_polygon: { exterior: square, interiors: [hole] } },
      { loc: { lon: 5, lat: 5 } },
      false,
    ],
    [
      'polygon ring around the hole',
      { key: 'loc', geo_polygon: { exterior: square, interiors: [hole] } },
      { loc: { lon: 3, lat: 5 } },
      true,
    ],
  ]);
});
