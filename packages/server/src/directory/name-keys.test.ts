import { describe, expect, it } from 'vitest';
import { nameKeyQuery, nameKeysOf } from './name-keys.js';

describe('nameKeysOf', () => {
  it('gives full pinyin and initials of a Chinese name', () => {
    expect(nameKeysOf('张三')).toBe('zhangsan zs');
    expect(nameKeysOf('欧阳娜娜')).toBe('ouyangnana oynn');
  });

  it('reads a surname as a surname', () => {
    expect(nameKeysOf('单田芳').startsWith('shan')).toBe(true);
  });

  it('keeps Latin parts of a mixed name and leaves Latin-only names without keys', () => {
    expect(nameKeysOf('Tom 王')).toContain('wang');
    expect(nameKeysOf('Alice Smith')).toBe('');
  });

  it('normalizes a query as the keys are written', () => {
    expect(nameKeyQuery('Zhang San')).toBe('zhangsan');
  });
});
