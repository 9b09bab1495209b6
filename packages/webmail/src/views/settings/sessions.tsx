import { useCallback, useEffect, useState } from 'preact/hooks';
import type { Api } from '../../api/client.js';
import type { SessionInfo } from '../../api/types.js';
import { useI18n } from '../../i18n/index.js';
import { useAnnounce } from '../live.js';

const SHORT: Intl.DateTimeFormatOptions = { dateStyle: 'short', timeStyle: 'short' };

/** The user's signed-in sessions: which, where, when; end one, or every other one. */
export function SessionsSection(props: { api: Api; address: string }) {
  const { t, date, plural } = useI18n();
  const announce = useAnnounce();
  const [items, setItems] = useState<SessionInfo[] | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const load = useCallback(() => {
    props.api.listSessions(props.address).then(
      (list) => {
        setItems(list);
        setFailure(null);
      },
      () => setFailure(t('settings.loadFailed')),
    );
  }, [props.api, props.address, t]);
  useEffect(load, [load]);

  const end = async (which: { ids: string[] } | { allOthers: true }) => {
    setBusy(true);
    try {
      const { ended } = await props.api.endSessions(props.address, which);
      announce(plural(ended, 'settings.sessions.ended.one', 'settings.sessions.ended.other'));
    } catch {
      setFailure(t('settings.notSaved'));
    } finally {
      setBusy(false);
      load();
    }
  };

  if (items === null)
    return failure ? (
      <p class="notice notice--error" role="alert">
        {failure}
      </p>
    ) : (
      <p aria-busy="true">{t('common.loading')}</p>
    );
  const others = items.filter((s) => !s.current);
  const device = (s: SessionInfo) => t(`settings.sessions.channel.${s.channel}`);
  return (
    <div class="settings__form">
      <p class="settings__intro">{t('settings.sessions.intro')}</p>
      {failure && (
        <p class="notice notice--error" role="alert">
          {failure}
        </p>
      )}
      <table class="sessions">
        <thead>
          <tr>
            <th scope="col">{t('settings.sessions.device')}</th>
            <th scope="col">{t('settings.sessions.method')}</th>
            <th scope="col">{t('settings.sessions.lastSeen')}</th>
            <th scope="col">{t('settings.sessions.ip')}</th>
            <th scope="col">
              <span class="sr-only">{t('settings.sessions.actions')}</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {items.map((s) => (
            <tr key={s.id} data-session={s.id} class={s.current ? 'sessions__current' : undefined}>
              <td>
                <span class="sessions__device">{device(s)}</span>
                {s.current && <span class="badge sessions__badge">{t('settings.sessions.current')}</span>}
                <span class="sessions__agent" title={s.userAgent}>
                  {s.userAgent}
                </span>
              </td>
              <td>{t(`settings.sessions.method.${s.method}`)}</td>
              <td>
                <time dateTime={s.lastSeenAt}>{date(s.lastSeenAt, SHORT)}</time>
              </td>
              <td>{s.ip}</td>
              <td>
                {!s.current && (
                  <button
                    type="button"
                    class="button"
                    disabled={busy}
                    aria-label={t('settings.sessions.endLabel', {
                      device: device(s),
                      when: date(s.lastSeenAt),
                    })}
                    onClick={() => void end({ ids: [s.id] })}
                  >
                    {t('settings.sessions.end')}
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {others.length === 0 && <p class="field__hint">{t('settings.sessions.noOthers')}</p>}
      <div class="settings__save">
        <button
          type="button"
          class="button button--primary"
          disabled={busy || others.length === 0}
          onClick={() => void end({ allOthers: true })}
        >
          {t('settings.sessions.endOthers')}
        </button>
        <button type="button" class="button" onClick={load}>
          {t('settings.sessions.refresh')}
        </button>
      </div>
    </div>
  );
}
