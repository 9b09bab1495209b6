import { useI18n } from '../../i18n/index.js';
import type { StandardKind } from './tree.js';

/** What the toolbar asks its list to do with the ticked messages. */
export interface ToolbarHandlers {
  read: (read: boolean) => void;
  flag: (flagged: boolean) => void;
  move: () => void;
  /** To Trash, or (in Trash) delete forever after confirmation. */
  delete: () => void;
  restore: () => void;
  junk: () => void;
  notJunk: () => void;
}

/**
 * The actions on the ticked messages, shown while any is ticked. Which ones
 * depends on the folder: Trash offers Restore and Delete forever, Junk
 * offers Not junk; elsewhere Delete moves to Trash.
 */
export function ListToolbar({
  count,
  kind,
  canJunk,
  on,
}: {
  count: number;
  kind: StandardKind | null;
  canJunk: boolean;
  on: ToolbarHandlers;
}) {
  const { t } = useI18n();
  const b = (label: string, action: () => void, extra = '', shortcut?: string) => (
    <button
      type="button"
      class={`button button--small ${extra}`}
      onClick={action}
      aria-keyshortcuts={shortcut}
    >
      {label}
    </button>
  );
  return (
    <div class="bulkbar" role="toolbar" aria-label={t('mail.bulk.label', { n: count })}>
      <span class="bulkbar__count" aria-hidden="true">
        {t('mail.bulk.count', { n: count })}
      </span>
      {b(t('mail.action.markRead'), () => on.read(true), '', 'i')}
      {b(t('mail.action.markUnread'), () => on.read(false), '', 'u')}
      {b(t('mail.action.flag'), () => on.flag(true), '', 's')}
      {b(t('mail.action.unflag'), () => on.flag(false))}
      {b(t('mail.action.moveTo'), on.move, '', 'v')}
      {kind === 'trash' && b(t('mail.action.restore'), on.restore)}
      {kind === 'junk'
        ? b(t('mail.action.notJunk'), on.notJunk)
        : canJunk && kind !== 'trash' && b(t('mail.action.junk'), on.junk, '', '!')}
      {b(
        kind === 'trash' ? t('mail.action.deleteForever') : t('mail.action.delete'),
        on.delete,
        'button--danger',
        '#',
      )}
    </div>
  );
}
