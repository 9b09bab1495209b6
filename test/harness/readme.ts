import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';

/**
 * Runs a README's shell blocks as a reader would, and checks the outputs it
 * shows. A block takes part when an HTML comment (invisible on GitHub) right
 * before its fence says how:
 *
 * ```md
 * <!-- readme-test: run -->
 * ```sh
 * ./jdmail domain add example.com
 * ```
 * <!-- readme-test: output -->
 * ```text
 * example.com
 * ```
 * ```
 *
 * - `run`: the block runs, in order, in one bash session (what one block
 *   exports the next sees; `&` jobs keep running until the README is done).
 * - `output`: what the last `run` block printed on stdout, line by line;
 *   `…` in a line matches any text, and a line `…` alone any number of lines.
 * - `not-run <why>`: a block the test cannot run as written (it is the
 *   server the test itself starts, say); the reason is required.
 *
 * A fenced shell block without a comment fails the test: every command a
 * README shows is either run or says why not.
 */
export interface ReadmeBlock {
  kind: 'run' | 'output' | 'not-run';
  lang: string;
  code: string;
  /** 1-based line of the fence, for messages. */
  line: number;
  reason?: string;
}

const SHELL_LANGS = new Set(['sh', 'bash', 'shell', 'console']);

export function parseReadme(markdown: string): ReadmeBlock[] {
  const lines = markdown.split('\n');
  const blocks: ReadmeBlock[] = [];
  let pending: { kind: ReadmeBlock['kind']; reason?: string } | null = null;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    const marker = /^<!--\s*readme-test:\s*(run|output|not-run)\b\s*(.*?)\s*-->\s*$/.exec(line);
    if (marker) {
      pending = { kind: marker[1] as ReadmeBlock['kind'], reason: marker[2] || undefined };
      continue;
    }
    const fence = /^(\s*)(```+)\s*([\w-]*)/.exec(line);
    if (!fence) {
      if (line.trim() !== '') pending = null;
      continue;
    }
    const [, indent = '', ticks = '```', lang = ''] = fence;
    const body: string[] = [];
    let j = i + 1;
    for (; j < lines.length && !(lines[j] ?? '').startsWith(`${indent}${ticks}`); j++) {
      body.push((lines[j] ?? '').slice(indent.length));
    }
    if (pending) {
      if (pending.kind === 'not-run' && !pending.reason)
        throw new Error(`line ${i + 1}: "readme-test: not-run" needs a reason`);
      blocks.push({ kind: pending.kind, lang, code: body.join('\n'), line: i + 1, reason: pending.reason });
    } else if (SHELL_LANGS.has(lang)) {
      throw new Error(`line ${i + 1}: a ${lang} block without a readme-test comment (run or not-run <why>)`);
    }
    pending = null;
    i = j;
  }
  return blocks;
}

/** Whether `actual` output matches `expected`, where `…` is a wildcard (see {@link parseReadme}). */
export function outputMatches(expected: string, actual: string): boolean {
  const trim = (s: string) =>
    s
      .replace(/\s+$/, '')
      .split('\n')
      .map((l) => l.replace(/\s+$/, ''));
  const exp = trim(expected);
  const act = trim(actual);
  const lineRe = (l: string) =>
    new RegExp(
      `^${l
        .split('…')
        .map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
        .join('.*')}$`,
    );
  const match = (e: number, a: number): boolean => {
    if (e === exp.length) return a === act.length;
    if (exp[e] === '…') {
      for (let k = a; k <= act.length; k++) if (match(e + 1, k)) return true;
      return false;
    }
    return a < act.length && lineRe(exp[e] ?? '').test(act[a] ?? '') && match(e + 1, a + 1);
  };
  return match(0, 0);
}

export interface RunReadmeOptions {
  cwd: string;
  env: Record<string, string>;
  /** Text replaced in every `run` block before it runs (a port the test chose for one the README names). */
  replace?: [string | RegExp, string][];
  timeoutMs?: number;
}

export interface BlockResult {
  block: ReadmeBlock;
  stdout: string;
}

const MARK = '@@readme-block-end@@';

/**
 * Runs a README's `run` blocks in one bash session and returns each block's
 * stdout, paired with the `output` block that follows it (if any). Fails
 * when a command fails (`set -e`), naming the block's line.
 */
export async function runReadme(path: string, options: RunReadmeOptions): Promise<BlockResult[]> {
  const blocks = parseReadme(await readFile(path, 'utf8'));
  const runs = blocks.filter((b) => b.kind === 'run');
  const script = [
    'set -eo pipefail',
    ...runs.flatMap((b) => {
      let code = b.code;
      for (const [from, to] of options.replace ?? []) code = code.replaceAll(from, to);
      return [`echo "[readme line ${b.line}]" >&2`, code, `echo ${MARK}`];
    }),
  ].join('\n');
  const { stdout, stderr, code } = await bash(script, options);
  const parts = stdout.split(`${MARK}\n`);
  if (code !== 0) {
    const at = /\[readme line (\d+)\][^[]*$/.exec(stderr)?.[1] ?? '?';
    throw new Error(`${path}: the block at line ${at} failed (exit ${code}):\n${stderr.slice(-3000)}`);
  }
  return runs.map((block, i) => ({ block, stdout: parts[i] ?? '' }));
}

/**
 * Each `output` block of the README with the stdout of the `run` block
 * before it. `replace` is applied to the expected text as it was to the
 * commands (a URL the README names is the test server's).
 */
export function expectedOutputs(
  path: string,
  markdown: string,
  results: BlockResult[],
  replace: [string | RegExp, string][] = [],
) {
  const blocks = parseReadme(markdown);
  const pairs: { expected: string; actual: string; line: number }[] = [];
  let last: BlockResult | undefined;
  for (const b of blocks) {
    if (b.kind === 'run') last = results.find((r) => r.block.line === b.line);
    if (b.kind === 'output') {
      if (!last) throw new Error(`${path}:${b.line}: an output block before any run block`);
      let expected = b.code;
      for (const [from, to] of replace) expected = expected.replaceAll(from, to);
      pairs.push({ expected, actual: last.stdout, line: b.line });
    }
  }
  return pairs;
}

function bash(script: string, options: RunReadmeOptions) {
  return new Promise<{ stdout: string; stderr: string; code: number | null }>((resolve) => {
    // Its own process group, so `&` jobs the README starts end with it.
    const child = spawn('bash', ['-c', script], {
      cwd: options.cwd,
      env: { ...process.env, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => {
      stdout += c;
    });
    child.stderr.on('data', (c) => {
      stderr += c;
    });
    const killGroup = () => {
      try {
        if (child.pid) process.kill(-child.pid, 'SIGTERM');
      } catch {
        // already gone
      }
    };
    const timer = setTimeout(killGroup, options.timeoutMs ?? 90_000);
    let exitCode: number | null = null;
    // The script is done when bash exits; its `&` jobs may still hold stdout open until they are ended.
    child.on('exit', (code) => {
      exitCode = code;
      clearTimeout(timer);
      killGroup();
    });
    child.on('close', () => resolve({ stdout, stderr, code: exitCode }));
  });
}
