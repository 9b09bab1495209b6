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
  let tested = false;
  const check = (pattern: string | undefined, ok: (p: string) => boolean) => {
    if (pattern === undefined) return true;
    tested = true;
    return ok(fold(pattern));
  };
  return (
    check(test.is, (p) => value === p) &&
    check(test.contains, (p) => value.includes(p)) &&
    check(test.startsWith, (p) => value.startsWith(p)) &&
    check(test.endsWith, (p) => value.endsWith(p)) &&
    check(test.matches, (p) => wildcardMatch(value, p)) &&
    (test.in === undefined || ((tested = true), test.in.some((p) => fold(p) === value))) &&
    tested
  );
}
