import { useCallback, useState } from 'preact/hooks';
import { useI18n } from '../../i18n/index.js';
import { DomainScope } from '../components/domain-picker.js';
import { loadGroupTree } from '../components/group-tree.js';
import { Empty, ErrorState, Loading } from '../components/states.js';
import { useToast } from '../components/toasts.js';
import { useLoad } from '../components/use-list.js';
import { consolePath } from '../route.js';
import { CreateGroupDialog } from './group-create.js';
import { GroupPanel } from './group-panel.js';
import { GroupTreeView } from './group-tree-view.js';
import type { PageProps } from './types.js';

function Organization({ http, domain, rest, navigate }: PageProps & { domain: string }) {
  const { t } = useI18n();
  const toast = useToast();
  const tree = useLoad(() => loadGroupTree(http, domain), domain);
  const [creating, setCreating] = useState(false);
  const selectedId = rest[1] ?? null;
  const select = (id: string | null) =>
    navigate(consolePath('groups', id ? [domain, id] : [domain]), { replace: true });

  if (tree.error) return <ErrorState error={tree.error} onRetry={tree.reload} />;
  if (!tree.data) return <Loading />;
  return (
    <div class="console-split">
      <section class="console-panel console-split__tree" aria-labelledby="tree-title">
        <div class="console-panel__head">
          <h2 id="tree-title">{t('console.groups.tree')}</h2>
          <button type="button" class="button button--primary" onClick={() => setCreating(true)}>
            {t('console.groups.create')}
          </button>
        </div>
        {tree.data.items.length === 0 ? (
          <Empty text={t('console.groups.none')} />
        ) : (
          <GroupTreeView
            http={http}
            roots={tree.data.items}
            selectedId={selectedId}
            onSelect={select}
            onMoved={tree.reload}
          />
        )}
      </section>
      <GroupPanel
        key={selectedId ?? 'none'}
        http={http}
        domain={domain}
        roots={tree.data.items}
        groupId={selectedId}
        onChanged={tree.reload}
        onDeleted={() => {
          select(null);
          tree.reload();
        }}
      />
      {creating && (
        <CreateGroupDialog
          http={http}
          domain={domain}
          parent={null}
          onClose={() => setCreating(false)}
          onCreated={(g) => {
            toast(t('console.groups.created', { name: g.name }));
            tree.reload();
            select(g.id);
          }}
        />
      )}
    </div>
  );
}

/** 组织架构: a domain's departments and groups as a tree (`/admin/groups/<domain>/<group id>`). */
export function GroupsPage(props: PageProps) {
  const { rest, navigate } = props;
  const select = useCallback(
    (domain: string, replace: boolean) => navigate(consolePath('groups', [domain]), { replace }),
    [navigate],
  );
  return (
    <DomainScope http={props.http} selected={rest[0]} onSelect={select}>
      {(domain) => <Organization key={domain} {...props} domain={domain} />}
    </DomainScope>
  );
}
