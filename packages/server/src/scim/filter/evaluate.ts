import type { Catalog } from '../catalog.js';
import type { CompareOp, FilterNode, FilterValue } from './ast.js';

type Json = unknown;

/** The values at `path` in `resource` (keys case-insensitive; arrays flattened: any element may match). */
function valuesAt(resource: Json, path: readonly string[]): Json[] {
  let current: Json[] = [resource];
  for (const segment of path) {
    const next: Json[] = [];
    for (const value of current) {
      if (value === null || typeof value !== 'object' || Array.isArray(value)) continue;
      const entry = Object.entries(value).find(([k]) => k.toLowerCase() === segment);
      if (!entry || entry[1] === undefined || entry[1] === null) continue;
      if (Array.isArray(entry[1])) next.push(...entry[1]);
      else next.push(entry[1]);
    }
    current = next;
  }
  return current;
}

const isPresent = (v: Json) =>
  v !== '' && !(typeof v === 'object' && v !== null && Object.keys(v).length === 0);

/** RFC 7644 §3.4.2.2: strings compare case-insensitively unless the attribute is caseExact; dates as instants. */
function compareOne(
  actual: Json,
  op: CompareOp,
  expected: FilterValue,
  caseExact: boolean,
  date: boolean,
): boolean {
  if (expected === null) return op === 'eq' ? actual === null : op === 'ne' ? actual !== null : false;
  if (typeof actual === 'boolean') {
    // Entra ID sends booleans as strings ("False"); they mean the boolean.
    const want = typeof expected === 'string' ? expected.toLowerCase() === 'true' : expected;
    return op === 'eq' ? actual === want : op === 'ne' ? actual !== want : false;
  }
  if (date && typeof actual === 'string' && typeof expected === 'string') {
    const a = Date.parse(actual);
    const b = Date.parse(expected);
    if (!Number.isNaN(a) && !Number.isNaN(b)) return order(a, op, b);
  }
  if (typeof actual === 'number' && typeof expected === 'number') return order(actual, op, expected);
  if (typeof actual !== 'string' || typeof expected !== 'string') return op === 'ne';
  const a = caseExact ? actual : actual.toLowerCase();
  const b = caseExact ? expected : expected.toLowerCase();
  if (op === 'co') return a.includes(b);
  if (op === 'sw') return a.startsWith(b);
  if (op === 'ew') return a.endsWith(b);
  return order(a, op, b);
}

function order<T extends string | number>(a: T, op: CompareOp, b: T): boolean {
  switch (op) {
    case 'eq':
      return a === b;
    case 'ne':
      return a !== b;
    case 'gt':
      return a > b;
    case 'ge':
      return a >= b;
    case 'lt':
      return a < b;
    case 'le':
      return a <= b;
    default:
      return false;
  }
}

/** Whether `resource` (its SCIM JSON) matches `node`. `ne` on an absent attribute matches. */
export function matches(node: FilterNode, resource: Json, catalog: Catalog): boolean {
  switch (node.kind) {
    case 'and':
      return matches(node.left, resource, catalog) && matches(node.right, resource, catalog);
    case 'or':
      return matches(node.left, resource, catalog) || matches(node.right, resource, catalog);
    case 'not':
      return !matches(node.expr, resource, catalog);
    case 'present':
      return valuesAt(resource, node.path).some(isPresent);
    case 'valuePath': {
      // The inner filter's paths are absolute (`emails.type`): test each element as a resource of its own.
      const prefix = node.path.length;
      const strip = (n: FilterNode): FilterNode => rebase(n, prefix);
      return valuesAt(resource, node.path).some((element) => matches(strip(node.filter), element, catalog));
    }
    case 'compare': {
      const key = node.path.join('.');
      const info = catalog.attributes.get(key);
      const values = valuesAt(resource, node.path);
      if (values.length === 0) return node.op === 'ne';
      const test = (v: Json) =>
        compareOne(v, node.op, node.value, info?.caseExact ?? false, info?.type === 'dateTime');
      return node.op === 'ne' ? values.every(test) : values.some(test);
    }
  }
}

/** The same filter with `prefix` leading segments dropped from every path (for a valuePath's elements). */
function rebase(node: FilterNode, prefix: number): FilterNode {
  switch (node.kind) {
    case 'and':
    case 'or':
      return { ...node, left: rebase(node.left, prefix), right: rebase(node.right, prefix) };
    case 'not':
      return { ...node, expr: rebase(node.expr, prefix) };
    case 'present':
    case 'compare':
    case 'valuePath':
      return { ...node, path: node.path.slice(prefix) } as FilterNode;
  }
}
