import { fold } from './facts.js';
import type { StringTest } from './schema.js';

/**
 * Whether `value` matches the wildcard `pattern` (`*` any run, `?` one
 * character), both already folded. The greedy algorithm with one saved
 * star: at most value × pattern steps, never exponential.
 */
export function wildcardMatch(value: string, pattern: string): boolean {
  let v = 0;
  let p = 0;
  let star = -1;
  let mark = 0;
  while (v < value.length) {
    if (p < pattern.length && (pattern[p] === '?' || pattern[p] === value[v])) {
      v++;
      p++;
    } else if (p < pattern.length && pattern[p] === '*') {
      star = p++;
      mark = v;
    } else if (star !== -1) {
      p = star + 1;
      v = ++mark;
    } else {
      return false;
    }
  }
  while (p < pattern.length && pattern[p] === '*') p++;
  return p === pattern.length;
}

/** Whether the folded `value` passes every test of `test`; an empty test passes nothing. */
export function testString(value: string, test: StringTest): boolean {
  const checks: boolean[] = [];
  if (test.is !== undefined) checks.push(value === fold(test.is));
  if (test.contains !== undefined) checks.push(value.includes(fold(test.contains)));
  if (test.startsWith !== undefined) checks.push(value.startsWith(fold(test.startsWith)));
  if (test.endsWith !== undefined) checks.push(value.endsWith(fold(test.endsWith)));
  if (test.matches !== undefined) checks.push(wildcardMatch(value, fold(test.matches)));
  if (test.in !== undefined) checks.push(test.in.some((p) => fold(p) === value));
  return checks.length > 0 && checks.every(Boolean);
}
