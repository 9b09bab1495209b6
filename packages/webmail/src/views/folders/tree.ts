import type { Mailbox } from '../../api/types.js';

/** IMAP's hierarchy delimiter as the API spells mailbox names (`Projects/2026`). */
export const DELIMITER = '/';

/** The standard folders, in the order the sidebar shows them. */
export const STANDARD_KINDS = ['inbox', 'drafts', 'sent', 'archive', 'junk', 'trash'] as const;
export type StandardKind = (typeof STANDARD_KINDS)[number];

const BY_SPECIAL_USE: Record<string, StandardKind> = {
  '\\Drafts': 'drafts',
  '\\Sent': 'sent',
  '\\Archive': 'archive',
  '\\Junk': 'junk',
  '\\Trash': 'trash',
};

/** The standard folder a mailbox is (INBOX by name, RFC 9051 §5.1; the others by RFC 6154 special use), or null. */
export function kindOf(m: Pick<Mailbox, 'name' | 'specialUse'>): StandardKind | null {
  if (m.name.toUpperCase() === 'INBOX') return 'inbox';
  return (m.specialUse && BY_SPECIAL_USE[m.specialUse]) || null;
}

/** One of the user's own folders and the folders under it. */
export interface FolderNode {
  mailbox: Mailbox;
  /** The last level of the name, as shown in the tree. */
  label: string;
  depth: number;
  children: FolderNode[];
}

export interface FolderSet {
  /** The standard folders the user has, in {@link STANDARD_KINDS} order. */
  standard: { kind: StandardKind; mailbox: Mailbox }[];
  /** The user's own folders as a tree, each level sorted by name (Chinese by pinyin order of the locale's collator). */
  own: FolderNode[];
}

export const parentOf = (name: string): string | null => {
  const at = name.lastIndexOf(DELIMITER);
  return at === -1 ? null : name.slice(0, at);
};

export const leafOf = (name: string): string => name.slice(name.lastIndexOf(DELIMITER) + 1);

export const joinName = (parent: string | null, leaf: string): string =>
  parent ? `${parent}${DELIMITER}${leaf}` : leaf;

/** Sorts mailboxes into the standard folders and a tree of the user's own. */
export function buildFolders(list: readonly Mailbox[], collator = new Intl.Collator('zh-CN')): FolderSet {
  const standard: FolderSet['standard'] = [];
  const own: Mailbox[] = [];
  for (const m of list) {
    const kind = kindOf(m);
    if (kind && !standard.some((s) => s.kind === kind)) standard.push({ kind, mailbox: m });
    else own.push(m);
  }
  standard.sort((a, b) => STANDARD_KINDS.indexOf(a.kind) - STANDARD_KINDS.indexOf(b.kind));
  const nodes = new Map<string, FolderNode>();
  for (const m of own) nodes.set(m.name, { mailbox: m, label: m.name, depth: 0, children: [] });
  const roots: FolderNode[] = [];
  for (const node of nodes.values()) {
    const parent = parentOf(node.mailbox.name);
    const up = parent === null ? undefined : nodes.get(parent);
    if (up) {
      node.label = leafOf(node.mailbox.name);
      up.children.push(node);
    } else roots.push(node); // a root, or under a standard folder (INBOX/x): shown with its full name
  }
  const order = (items: FolderNode[], depth: number) => {
    items.sort((a, b) => collator.compare(a.label, b.label));
    for (const n of items) {
      n.depth = depth;
      order(n.children, depth + 1);
    }
  };
  order(roots, 0);
  return { standard, own: roots };
}

/** The tree in display order, one entry per visible row. */
export function flatten(nodes: readonly FolderNode[]): FolderNode[] {
  return nodes.flatMap((n) => [n, ...flatten(n.children)]);
}

/** The name of the user's folder of a kind (Trash, Junk …), or null when they have none. */
export function folderOf(list: readonly Mailbox[], kind: StandardKind): string | null {
  return list.find((m) => kindOf(m) === kind)?.name ?? null;
}

/** Whether `name` may move under `parent` (null: to the top): never under itself or its own subfolder. */
export function canMoveUnder(name: string, parent: string | null): boolean {
  if (parent === null) return parentOf(name) !== null;
  return parent !== name && !parent.startsWith(`${name}${DELIMITER}`) && parentOf(name) !== parent;
}

/** A folder name the user typed is one level: no delimiter, not empty, no IMAP wildcards. */
export function validLeaf(leaf: string): boolean {
  const s = leaf.trim();
  return s.length > 0 && s.length <= 200 && !/[/*%\p{Cc}]/u.test(s);
}
