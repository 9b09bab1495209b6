import { useEffect, useState } from 'preact/hooks';
import type { UserSettings } from '../../api/types.js';
import { type MessageKey, useI18n } from '../../i18n/index.js';
import { settingsPath } from '../../router.js';
import { useFocusOnChange } from '../focus.js';
import { useMail } from '../mail-context.js';
import { AutoReplySection } from './auto-reply.js';
import { ForwardingSection } from './forwarding.js';
import { GeneralSection } from './general.js';
import { PasswordSection } from './password.js';
import { SessionsSection } from './sessions.js';
import { SignatureSection } from './signature.js';
import './settings.css';

/** The sections, in the order the menu shows them; the URL is `/settings/<id>`. */
export const SETTINGS_SECTIONS = [
  { id: 'general', label: 'settings.section.general' },
  { id: 'signature', label: 'settings.section.signature' },
  { id: 'auto-reply', label: 'settings.section.autoReply' },
  { id: 'forwarding', label: 'settings.section.forwarding' },
  { id: 'password', label: 'settings.section.password' },
  { id: 'sessions', label: 'settings.section.sessions' },
] as const satisfies readonly { id: string; label: MessageKey }[];

/** The settings screen (`/settings/<section>`): a menu of sections and the chosen one's form. */
export function SettingsPage({ section }: { section: string }) {
  const { t } = useI18n();
  const { api, address } = useMail();
  const [settings, setSettings] = useState<UserSettings | null>(null);
  const [failed, setFailed] = useState(false);
  const current = SETTINGS_SECTIONS.find((s) => s.id === section) ?? SETTINGS_SECTIONS[0];
  const heading = useFocusOnChange<HTMLHeadingElement>(`settings-${current.id}`);

  useEffect(() => {
    api.userSettings(address).then(setSettings, () => setFailed(true));
  }, [api, address]);
  useEffect(() => {
    document.title = t('common.title', { title: `${t(current.label)} · ${t('settings.title')}` });
  }, [current, t]);

  const props = settings ? { api, address, settings, onSaved: setSettings } : null;
  let body: preact.ComponentChildren;
  if (failed)
    body = (
      <p class="notice notice--error" role="alert">
        {t('settings.loadFailed')}
      </p>
    );
  else if (!props) body = <p aria-busy="true">{t('common.loading')}</p>;
  else if (current.id === 'general') body = <GeneralSection {...props} />;
  else if (current.id === 'signature') body = <SignatureSection {...props} />;
  else if (current.id === 'auto-reply') body = <AutoReplySection {...props} />;
  else if (current.id === 'forwarding') body = <ForwardingSection {...props} />;
  else if (current.id === 'password') body = <PasswordSection {...props} />;
  else body = <SessionsSection api={api} address={address} />;

  return (
    <div class="settings" data-section={current.id}>
      <nav class="settings__nav" aria-label={t('settings.sections')}>
        <p class="settings__title">{t('settings.title')}</p>
        <ul>
          {SETTINGS_SECTIONS.map((s) => (
            <li key={s.id}>
              <a href={settingsPath(s.id)} aria-current={s.id === current.id ? 'page' : undefined}>
                {t(s.label)}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <section class="settings__body" aria-labelledby="settings-heading">
        <h1 id="settings-heading" tabIndex={-1} ref={heading}>
          {t(current.label)}
        </h1>
        {body}
      </section>
    </div>
  );
}
