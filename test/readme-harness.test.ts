import { describe, expect, it } from 'vitest';
import { outputMatches, parseReadme } from './harness/readme.js';

// The README runner's own rules (test/harness/readme.ts), on small inputs.
describe('parseReadme', () => {
  it('takes blocks by the comment before them, and refuses an unmarked shell block', () => {
    const md = [
      '<!-- readme-test: run -->',
      '```sh',
      'echo hi',
      '```',
      '<!-- readme-test: output -->',
      '```text',
      'hi',
      '```',
      '```js',
      'const x = 1;',
      '```',
      '<!-- readme-test: not-run it starts a server -->',
      '```sh',
      './jdmail start',
      '```',
    ].join('\n');
    expect(parseReadme(md).map((b) => [b.kind, b.code, b.line, b.reason])).toEqual([
      ['run', 'echo hi', 2, undefined],
      ['output', 'hi', 6, undefined],
      ['not-run', './jdmail start', 13, 'it starts a server'],
    ]);
    expect(() => parseReadme('text\n\n```sh\nrm -rf /\n```\n')).toThrow(/line 3: a sh block without/);
    expect(() => parseReadme('<!-- readme-test: not-run -->\n```sh\nx\n```')).toThrow(/needs a reason/);
    // A comment applies only to the block right after it.
    expect(() => parseReadme('<!-- readme-test: run -->\nprose\n```sh\nx\n```')).toThrow(/without/);
  });
});

describe('outputMatches', () => {
  it.each([
    ['a\nb', 'a\nb\n', true],
    ['a\nb', 'a\nc', false],
    ['id: …', 'id: 01abc', true],
    ['{"id":"…","n":1}', '{"id":"x","n":2}', false],
    ['first\n…\nlast', 'first\n1\n2\nlast', true],
    ['first\n…\nlast', 'first\nlast', true],
    ['first\n…', 'first', true],
    ['a.b', 'axb', false],
    ['x', 'x\ny', false],
  ])('%j against %j → %s', (expected, actual, result) => {
    expect(outputMatches(expected, actual)).toBe(result);
  });
});
