import { pinyin } from 'pinyin-pro';

const HAN = /\p{Script=Han}/u;

/**
 * The search keys of a display name written in Chinese: its full pinyin and its initials, lower
 * case, without tones or spaces (`张三` → `zhangsan zs`), so that the address book finds 张三 by
 * `zhangsan`, `zhangs` or `zs` as Chinese mail clients do. Computed when a name is written and
 * stored beside it (`users.name_keys`), never per query. Surnames read as surnames (`单` is
 * `shan`, not `dan`). Empty for a name with no Han characters: its letters already match.
 */
export function nameKeysOf(name: string): string {
  if (!HAN.test(name)) return '';
  const options = { toneType: 'none', type: 'array', surname: 'head', nonZh: 'consecutive' } as const;
  const syllables = pinyin(name, options).map((s) => s.toLowerCase().replace(/\s+/g, ''));
  const initials = pinyin(name, { ...options, pattern: 'first' }).map((s) =>
    s.toLowerCase().replace(/\s+/g, ''),
  );
  return `${syllables.join('')} ${initials.join('')}`;
}

/** A query as the keys are written: lower case, no spaces (`Zhang San` → `zhangsan`). */
export const nameKeyQuery = (q: string): string => q.toLowerCase().replace(/\s+/g, '');
