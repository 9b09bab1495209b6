import type { Http } from '../http.js';
import { seg } from '../http.js';
import type { GroupTree, GroupTreeNode } from '../types.js';

/** A group with its depth in the tree, in display order (parents before children). */
export interface FlatGroup {
  node: GroupTreeNode;
  depth: number;
  /** Ids of its ancestors, nearest last. */
  path: string[];
}

export const loadGroupTree = (http: Http, domain: string) =>
  http.get<GroupTree>(`/domains/${seg(domain)}/groups`);

/** The tree in display order, each node with its depth. */
export function flatten(nodes: readonly GroupTreeNode[], depth = 0, path: string[] = []): FlatGroup[] {
  return nodes.flatMap((node) => [
    { node, depth, path },
    ...flatten(node.children, depth + 1, [...path, node.id]),
  ]);
}

/** Every id in a node's subtree, itself included: where it may not be moved to (a cycle). */
export function subtreeIds(node: GroupTreeNode): Set<string> {
  const ids = new Set<string>([node.id]);
  for (const child of node.children) for (const id of subtreeIds(child)) ids.add(id);
  return ids;
}
