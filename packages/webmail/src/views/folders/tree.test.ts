import { describe, expect, it } from 'vitest';
import type { Mailbox } from '../../api/types.js';
import {
  buildFolders,
  canMoveUnder,
  flatten,
  folderOf,
  joinName,
  kindOf,
  leafOf,
  parentOf,
  validLeaf,
} from './tree.js';

const box = (name: string, specialUse: string | null = null, unread = 0): Mailbox => ({
  id: name,
  name,
  specialUse,
  total: unread,
  unread,
  size: 0,
  subscribed: true,
});

describe('folder tree', () => {
  const list = [
    box('项目/2026', null, 2),
    box('Trash', '\\Trash'),
    box('INBOX', null, 5),
    box('Sent Messages', '\\Sent'),
    box('项目'),
    box('Archive', '\\Archive'),
    box('Junk', '\\Junk'),
    box('Drafts', '\\Drafts'),
    box('INBOX/Receipts'),
    box('Clients/Acme/Orders'),
    box('Clients'),
    box('Clients/Acme'),
  ];

  it('puts the standard folders first by special use, in a fixed order, whatever their names', () => {
    const set = buildFolders(list);
    expect(set.standard.map((s) => [s.kind, s.mailbox.name])).toEqual([
      ['inbox', 'INBOX'],
      ['drafts', 'Drafts'],
      ['sent', 'Sent Messages'],
      ['archive', 'Archive'],
      ['junk', 'Junk'],
      ['trash', 'Trash'],
    ]);
    expect(kindOf(box('inbox'))).toBe('inbox');
    expect(kindOf(box('Gesendet', '\\Sent'))).toBe('sent');
    expect(kindOf(box('Projects'))).toBeNull();
  });

  it('nests the user’s own folders by the delimiter, with the last level as label', () => {
    const rows = flatten(buildFolders(list).own).map((n) => [n.mailbox.name, n.label, n.depth]);
    // Sorted as a Chinese reader expects (zh-CN collation: Chinese by pinyin, before Latin).
    expect(rows).toEqual([
      ['项目', '项目', 0],
      ['项目/2026', '2026', 1],
      ['Clients', 'Clients', 0],
      ['Clients/Acme', 'Acme', 1],
      ['Clients/Acme/Orders', 'Orders', 2],
      ['INBOX/Receipts', 'INBOX/Receipts', 0],
    ]);
  });

  it('splits and joins names, finds a kind’s folder', () => {
    expect(parentOf('项目/2026')).toBe('项目');
    expect(parentOf('项目')).toBeNull();
    expect(leafOf('a/b/c')).toBe('c');
    expect(joinName('项目', '2026')).toBe('项目/2026');
    expect(joinName(null, '项目')).toBe('项目');
    expect(folderOf(list, 'trash')).toBe('Trash');
    expect(folderOf([box('INBOX')], 'junk')).toBeNull();
  });

  it('refuses to move a folder under itself, its subfolders or where it already is', () => {
    expect(canMoveUnder('Clients', 'Clients/Acme')).toBe(false);
    expect(canMoveUnder('Clients', 'Clients')).toBe(false);
    expect(canMoveUnder('Clients/Acme', 'Clients')).toBe(false);
    expect(canMoveUnder('Clients/Acme', '项目')).toBe(true);
    expect(canMoveUnder('Clients/Acme', null)).toBe(true);
    expect(canMoveUnder('Clients', null)).toBe(false);
    expect(canMoveUnder('Client', 'Clients')).toBe(true);
  });

  it('accepts one level of a name only', () => {
    expect(validLeaf('合同')).toBe(true);
    expect(validLeaf('  ')).toBe(false);
    expect(validLeaf('a/b')).toBe(false);
    expect(validLeaf('a*')).toBe(false);
    expect(validLeaf('a\tb')).toBe(false);
  });
});
