import { useState } from 'preact/hooks';
import { useI18n } from '../../i18n/index.js';
import { subtreeIds } from '../components/group-tree.js';
import { useToast } from '../components/toasts.js';
import { type Http, seg } from '../http.js';
import type { GroupTreeNode } from '../types.js';

interface Props {
  http: Http;
  roots: GroupTreeNode[];
  selectedId: string | null;
  onSelect: (id: string) => void;
  /** After a drag-and-drop move: reload the tree. */
  onMoved: () => void;
}

const DRAG_TYPE = 'application/x-jdmail-group';

/**
 * The tree: expand/collapse per node, select to open its panel, and drag a
 * node onto another (or onto the top-level zone) to move it there. Dragging
 * is a mouse convenience; the panel's "Move to…" does the same by keyboard.
 */
export function GroupTreeView({ http, roots, selectedId, onSelect, onMoved }: Props) {
  const { t, plural } = useI18n();
  const toast = useToast();
  const [collapsed, setCollapsed] = useState<Set<string>>(new Set());
  const [dragging, setDragging] = useState<GroupTreeNode | null>(null);
  const [over, setOver] = useState<string | null>(null);

  async function move(node: GroupTreeNode, parent: GroupTreeNode | null) {
    if (parent && subtreeIds(node).has(parent.id)) {
      toast(t('console.groups.cycle', { name: node.name }), 'error');
      return;
    }
    if ((node.parentId ?? null) === (parent?.id ?? null)) return;
    try {
      await http.patch(`/groups/${seg(node.id)}`, { parentId: parent?.id ?? null });
      toast(
        parent
          ? t('console.groups.moved', { name: node.name, parent: parent.name })
          : t('console.groups.movedTop', { name: node.name }),
      );
      onMoved();
    } catch (e) {
      toast(e instanceof Error ? e.message : String(e), 'error');
    }
  }

  const dropProps = (target: GroupTreeNode | null) => {
    const key = target?.id ?? '';
    return {
      onDragOver: (e: DragEvent) => {
        if (!dragging || (target && subtreeIds(dragging).has(target.id))) return;
        e.preventDefault();
        if (e.dataTransfer) e.dataTransfer.dropEffect = 'move';
        setOver(key);
      },
      onDragLeave: () => setOver((o) => (o === key ? null : o)),
      onDrop: (e: DragEvent) => {
        e.preventDefault();
        e.stopPropagation();
        setOver(null);
        const node = dragging;
        setDragging(null);
        if (node) void move(node, target);
      },
    };
  };

  function renderNode(node: GroupTreeNode) {
    const open = !collapsed.has(node.id);
    const hasChildren = node.children.length > 0;
    return (
      <li key={node.id} data-group={node.name}>
        {/* biome-ignore lint/a11y/noStaticElementInteractions: dragging is a mouse shortcut; the panel's "Move to…" is the keyboard way */}
        <div
          class={`console-tree__row${selectedId === node.id ? ' is-selected' : ''}${over === node.id ? ' is-over' : ''}`}
          draggable
          data-group-row={node.name}
          onDragStart={(e) => {
            e.dataTransfer?.setData(DRAG_TYPE, node.id);
            if (e.dataTransfer) e.dataTransfer.effectAllowed = 'move';
            setDragging(node);
          }}
          onDragEnd={() => {
            setDragging(null);
            setOver(null);
          }}
          {...dropProps(node)}
        >
          {hasChildren ? (
            <button
              type="button"
              class="console-tree__toggle"
              aria-expanded={open}
              aria-label={t(open ? 'console.groups.collapse' : 'console.groups.expand', { name: node.name })}
              onClick={() => {
                const next = new Set(collapsed);
                if (open) next.add(node.id);
                else next.delete(node.id);
                setCollapsed(next);
              }}
            >
              <span aria-hidden="true">{open ? '▾' : '▸'}</span>
            </button>
          ) : (
            <span class="console-tree__spacer" aria-hidden="true" />
          )}
          <button
            type="button"
            class="console-tree__name"
            aria-current={selectedId === node.id ? 'true' : undefined}
            onClick={() => onSelect(node.id)}
          >
            {node.name}
          </button>
          <span class="console-tree__meta">
            {t(node.kind === 'department' ? 'console.groups.kind.department' : 'console.groups.kind.group')} ·{' '}
            {plural(node.memberCount, 'console.groups.memberCountOne', 'console.groups.memberCount')}
          </span>
        </div>
        {hasChildren && open && <ul>{node.children.map(renderNode)}</ul>}
      </li>
    );
  }

  return (
    <>
      <ul class="console-tree" aria-label={t('console.groups.tree')}>
        {roots.map(renderNode)}
      </ul>
      {dragging && (
        <p
          class={`console-tree__top${over === '' ? ' is-over' : ''}`}
          data-testid="drop-top"
          {...dropProps(null)}
        >
          {t('console.groups.dropTop')}
        </p>
      )}
    </>
  );
}
