import { type Catalog, resolvePath } from '../catalog.js';
import { ScimError } from '../errors.js';
import { COMPARE_OPS, type CompareOp, type FilterNode, type FilterValue } from './ast.js';
import { type Token, tokenize } from './tokens.js';

/** Longer filters are refused: IdPs send one or two comparisons. */
export const MAX_FILTER_LENGTH = 4096;
const MAX_DEPTH = 32;
const KEYWORDS = new Set(['and', 'or', 'not', 'pr', ...COMPARE_OPS]);
/** Multi-valued complex attributes: comparing the attribute itself compares its `value` (RFC 7644 §3.4.2.2). */
const MULTI_VALUED = new Set(['emails', 'groups', 'members']);

const invalid = (detail: string) => new ScimError(400, 'invalidFilter', detail);

/** Splits a catalogue key into the segments of the resource's JSON (an extension URN is one segment). */
export function segments(catalog: Catalog, key: string): string[] {
  for (const ext of catalog.extensions) {
    const urn = ext.toLowerCase();
    if (key === urn) return [urn];
    if (key.startsWith(`${urn}.`)) return [urn, ...key.slice(urn.length + 1).split('.')];
  }
  return key.split('.');
}

/**
 * Parses a SCIM filter (RFC 7644 §3.4.2.2, Figure 1) against a resource
 * type's attributes: `and` binds tighter than `or`, `not` negates a
 * parenthesized filter, `attr[filter]` matches one element of a
 * multi-valued attribute. Anything else — an unknown attribute, a missing
 * value, a comparison the attribute's type does not support, trailing
 * tokens — is 400 `invalidFilter`.
 */
export function parseFilter(text: string, catalog: Catalog): FilterNode {
  if (text.trim() === '') throw invalid('the filter is empty');
  if (text.length > MAX_FILTER_LENGTH)
    throw invalid(`the filter is longer than ${MAX_FILTER_LENGTH} characters`);
  const tokens = tokenize(text);
  let pos = 0;
  const peek = (): Token | undefined => tokens[pos];
  const isWord = (tok: Token | undefined, w: string) => tok?.t === 'word' && tok.v.toLowerCase() === w;
  const expect = (t: '(' | ')' | ']') => {
    if (peek()?.t !== t) throw invalid(`expected '${t}' ${where()}`);
    pos++;
  };
  const where = () => {
    const tok = peek();
    return tok ? `at ${tok.at + 1}` : 'at the end';
  };

  function or(depth: number, parent: string | null): FilterNode {
    let left = and(depth, parent);
    while (isWord(peek(), 'or')) {
      pos++;
      left = { kind: 'or', left, right: and(depth, parent) };
    }
    return left;
  }
  function and(depth: number, parent: string | null): FilterNode {
    let left = unary(depth, parent);
    while (isWord(peek(), 'and')) {
      pos++;
      left = { kind: 'and', left, right: unary(depth, parent) };
    }
    return left;
  }
  function unary(depth: number, parent: string | null): FilterNode {
    if (depth > MAX_DEPTH) throw invalid('the filter is nested too deeply');
    const negate = isWord(peek(), 'not');
    if (negate) pos++;
    if (negate || peek()?.t === '(') {
      expect('(');
      const inner = or(depth + 1, parent);
      expect(')');
      return negate ? { kind: 'not', expr: inner } : inner;
    }
    return attributeExpression(depth, parent);
  }
  function attributeExpression(depth: number, parent: string | null): FilterNode {
    const tok = peek();
    if (tok?.t !== 'word' || KEYWORDS.has(tok.v.toLowerCase()))
      throw invalid(`expected an attribute name ${where()}`);
    pos++;
    const written = parent ? `${parent}.${tok.v}` : tok.v;
    const key = resolvePath(catalog, written);
    if (!key) throw invalid(`unknown attribute '${tok.v}'`);
    if (peek()?.t === '[') {
      if (parent || !MULTI_VALUED.has(key)) throw invalid(`'${tok.v}' is not a multi-valued attribute`);
      pos++;
      const inner = or(depth + 1, key);
      expect(']');
      return { kind: 'valuePath', path: segments(catalog, key), filter: inner };
    }
    return comparison(key, tok.v);
  }
  function comparison(key: string, written: string): FilterNode {
    const opTok = peek();
    const op = opTok?.t === 'word' ? opTok.v.toLowerCase() : '';
    pos++;
    const target = MULTI_VALUED.has(key) ? `${key}.value` : key;
    if (op === 'pr') return { kind: 'present', path: segments(catalog, key) };
    if (!COMPARE_OPS.has(op)) throw invalid(`expected an operator after '${written}' ${where()}`);
    const value = literal();
    checkComparable(target, op as CompareOp, value, written);
    return { kind: 'compare', path: segments(catalog, target), op: op as CompareOp, value };
  }
  function literal(): FilterValue {
    const tok = peek();
    pos++;
    if (tok?.t === 'string' || tok?.t === 'number') return tok.v;
    if (tok?.t === 'word') {
      const w = tok.v.toLowerCase();
      if (w === 'true') return true;
      if (w === 'false') return false;
      if (w === 'null') return null;
    }
    throw invalid(
      `expected a value (a "string", a number, true, false or null) ${tok ? `at ${tok.at + 1}` : 'at the end'}`,
    );
  }
  function checkComparable(key: string, op: CompareOp, value: FilterValue, written: string): void {
    const type = catalog.attributes.get(key)?.type;
    const ordering = op !== 'eq' && op !== 'ne';
    // RFC 7644 §3.4.2.2: gt/ge/lt/le and co/sw/ew on a boolean (or complex) attribute are invalidFilter.
    if (type === 'complex') throw invalid(`'${written}' is complex: compare one of its sub-attributes`);
    if (type === 'boolean' && (ordering || typeof value === 'number'))
      throw invalid(`'${written}' is a boolean: only eq and ne with true or false`);
    if (ordering && (value === null || typeof value === 'boolean'))
      throw invalid(`'${op}' needs a string or a number`);
  }

  const tree = or(0, null);
  if (pos < tokens.length) throw invalid(`unexpected '${describe(tokens[pos] as Token)}' ${where()}`);
  return tree;
}

const describe = (tok: Token): string => ('v' in tok ? String(tok.v) : tok.t);
