import { describe, expect, it } from 'vitest';
import { formatGeneralizedTime, guidToBytes, guidToString, parseGeneralizedTime } from './values.js';

describe('GeneralizedTime', () => {
  it.each([
    ['20240131120000Z', Date.UTC(2024, 0, 31, 12, 0, 0)],
    ['20240131120000.0Z', Date.UTC(2024, 0, 31, 12, 0, 0)],
    ['20240131120000.5Z', Date.UTC(2024, 0, 31, 12, 0, 0, 500)],
    ['202401311200Z', Date.UTC(2024, 0, 31, 12, 0, 0)],
    ['20240131140000+0200', Date.UTC(2024, 0, 31, 12, 0, 0)],
    ['20240131070000-05', Date.UTC(2024, 0, 31, 12, 0, 0)],
  ])('parses %s', (text, ms) => {
    expect(parseGeneralizedTime(text)).toBe(ms);
  });

  it('rejects what is not a time and formats whole seconds in UTC', () => {
    expect(parseGeneralizedTime('yesterday')).toBeNull();
    expect(parseGeneralizedTime('2024-01-31T12:00:00Z')).toBeNull();
    expect(formatGeneralizedTime(Date.UTC(2024, 0, 31, 12, 0, 0, 999))).toBe('20240131120000Z');
  });
});

describe('AD objectGUID', () => {
  it('reads the first three groups little-endian and converts back', () => {
    const bytes = Buffer.from('000102030405060708090a0b0c0d0e0f', 'hex');
    expect(guidToString(bytes)).toBe('03020100-0504-0706-0809-0a0b0c0d0e0f');
    expect(guidToBytes('03020100-0504-0706-0809-0a0b0c0d0e0f')).toEqual(bytes);
    expect(guidToBytes('not-a-guid')).toBeNull();
  });
});
