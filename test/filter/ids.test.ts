import { describe, expect, it } from 'vitest';
import { DitherError } from '../../src/errors.js';
import { comparePointIds, isValidPointId, normalizePointId } from '../../src/filter/ids.js';

const UUID = '550e8400-e29b-41d4-a716-446655440000';

describe('point ids', () => {
  it.each<[unknown, number | string]>([
    [0, 0],
    [-0, 0],
    [1, 1],
    [2 ** 53 - 1, 2 ** 53 - 1],
    [UUID, UUID],
    [UUID.toUpperCase(), UUID],
    ['550E8400e29B41d4A716446655440000', UUID],
    [`urn:uuid:${UUID}`, UUID],
    [`{${UUID.toUpperCase()}}`, UUID],
  ])('accepts %j and normalises it to %j', (input, expected) => {
    expect(isValidPointId(input)).toBe(true);
    const out = normalizePointId(input);
    expect(out).toBe(expected);
    expect(Object.is(out, -0)).toBe(false);
  });

  it.each<[string, unknown]>([
    ['negative integer', -1],
    ['fraction', 1.5],
    ['2^53 (no longer exact)', 2 ** 53],
    ['NaN', Number.NaN],
    ['Infinity', Number.POSITIVE_INFINITY],
    ['numeric string', '1'],
    ['empty string', ''],
    ['non-hex uuid', 'g50e8400-e29b-41d4-a716-446655440000'],
    ['misplaced hyphen', '550e840-0e29b-41d4-a716-446655440000'],
    ['uuid one digit short', '550e8400-e29b-41d4-a716-44665544000'],
    ['urn with the simple form', 'urn:uuid:550e8400e29b41d4a716446655440000'],
    ['unclosed brace', `{${UUID}`],
    ['null', null],
    ['undefined', undefined],
    ['object', { id: 1 }],
    ['bigint', 1n],
    ['boolean', true],
  ])('rejects a %s with INVALID_ID', (_name, input) => {
    expect(isValidPointId(input)).toBe(false);
    let caught: unknown;
    try {
      normalizePointId(input, 'points[3].id');
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(DitherError);
    expect((caught as DitherError).code).toBe('INVALID_ID');
    expect((caught as DitherError).message.startsWith('points[3].id')).toBe(true);
  });

  it('orders integers before UUIDs, integers numerically and UUIDs by value', () => {
    const ids = [
      UUID,
      10,
      '00000000-0000-0000-0000-000000000001',
      2,
      'ffffffff-0000-0000-0000-000000000000',
      0,
    ];
    expect([...ids].sort(comparePointIds)).toEqual([
      0,
      2,
      10,
      '00000000-0000-0000-0000-000000000001',
      UUID,
      'ffffffff-0000-0000-0000-000000000000',
    ]);
    expect(comparePointIds(7, 7)).toBe(0);
    expect(comparePointIds(UUID, UUID)).toBe(0);
  });
});
