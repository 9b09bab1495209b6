import type { FilterNode } from './ast.js';

/**
 * The value a filter requires `path` to equal (`userName eq "x"`, also as
 * one side of an `and`), or undefined: lets a list fetch one candidate
 * instead of scanning, and then still checks the whole filter on it.
 */
export function requiredEquality(node: FilterNode, path: string): string | undefined {
  if (node.kind === 'compare')
    return node.op === 'eq' && node.path.join('.') === path && typeof node.value === 'string'
      ? node.value
      : undefined;
  if (node.kind === 'and') return requiredEquality(node.left, path) ?? requiredEquality(node.right, path);
  if (node.kind === 'valuePath' && node.path.join('.') === path.split('.')[0])
    return requiredEquality(node.filter, path);
  return undefined;
}
