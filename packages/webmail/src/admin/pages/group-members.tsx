import { useState } from 'preact/hooks';
import { useI18n } from '../../i18n/index.js';
import { Empty, ErrorState, Loading } from '../components/states.js';
import { useToast } from '../components/toasts.js';
import { useLoad } from '../components/use-list.js';
import { type Http, seg } from '../http.js';
import type { User } from '../types.js';

/** 成员: a group's direct members; add by address (or the part before @domain), remove. */
export function GroupMembers({
  http,
  groupId,
  domain,
  onChanged,
}: {
  http: Http;
  groupId: string;
  domain: string;
  /** Member counts in the tree changed. */
  onChanged: () => void;
}) {
  const { t } = useI18n();
  const toast = useToast();
  const members = useLoad(() => http.get<{ items: User[] }>(`/groups/${seg(groupId)}/members`), groupId);
  const [adding, setAdding] = useState('');

  async function change(run: () => Promise<unknown>, done: string) {
    try {
      await run();
      toast(done);
      members.reload();
      onChanged();
    } catch (e) {
      toast(e instanceof Error ? e.message : String(e), 'error');
    }
  }

  function add(event: Event) {
    event.preventDefault();
    const typed = adding.trim();
    if (!typed) return;
    const address = typed.includes('@') ? typed : `${typed}@${domain}`;
    void change(
      async () => {
        await http.post(`/groups/${seg(groupId)}/members`, { addresses: [address] });
        setAdding('');
      },
      t('console.groups.memberAdded', { name: address }),
    );
  }

  return (
    <>
      <h3>{t('console.groups.members')}</h3>
      <form class="console-search" onSubmit={add}>
        <label for="member-add" class="sr-only">
          {t('console.groups.addMemberLabel')}
        </label>
        <input
          id="member-add"
          value={adding}
          placeholder={t('console.groups.addMemberPlaceholder', { domain })}
          spellcheck={false}
          autoComplete="off"
          onInput={(e) => setAdding(e.currentTarget.value)}
        />
        <button type="submit" class="button">
          {t('console.groups.addMember')}
        </button>
      </form>
      {members.error ? <ErrorState error={members.error} onRetry={members.reload} /> : null}
      {!members.data ? (
        members.error ? null : (
          <Loading />
        )
      ) : members.data.items.length === 0 ? (
        <Empty text={t('console.groups.noMembers')} />
      ) : (
        <ul class="console-members">
          {members.data.items.map((u) => (
            <li key={u.address}>
              <span>
                {u.displayName || u.address}
                {u.displayName && <span class="console-table__sub">{u.address}</span>}
              </span>
              <button
                type="button"
                class="button button--small"
                aria-label={t('console.groups.removeMemberNamed', { name: u.address })}
                onClick={() =>
                  change(
                    () => http.del(`/groups/${seg(groupId)}/members/${seg(u.address)}`),
                    t('console.groups.memberRemoved', { name: u.address }),
                  )
                }
              >
                {t('console.groups.removeMember')}
              </button>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
