import { useState } from 'preact/hooks';
import type { Api } from '../../api/client.js';
import type { UserSettings } from '../../api/types.js';
import { useI18n } from '../../i18n/index.js';
import { Check, describedBy, Field, type FieldErrors, SaveBar, useSave } from './form.js';

const MAX_TARGETS = 10;
const LOOKS_LIKE_ADDRESS = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Forwarding: on or off, the addresses (one per line), and whether INBOX keeps a copy. */
export function ForwardingSection(props: {
  api: Api;
  address: string;
  settings: UserSettings;
  onSaved: (s: UserSettings) => void;
}) {
  const { t } = useI18n();
  const f = props.settings.forwarding;
  const [enabled, setEnabled] = useState(f.enabled);
  const [to, setTo] = useState(f.to.join('\n'));
  const [keepCopy, setKeepCopy] = useState(f.keepCopy);
  const list = () =>
    to
      .split(/[\n,;，；]+/)
      .map((a) => a.trim())
      .filter(Boolean);
  // The server names the bad address by its index: put it in words with the address itself.
  const { busy, saved, failure, errors, save } = useSave(props.onSaved, (field) =>
    field === 'forwarding.to' ? 'settings.forwarding.needAddress' : 'settings.invalid',
  );
  const [badAddress, setBadAddress] = useState<string | null>(null);

  const submit = (e: Event) => {
    e.preventDefault();
    const addresses = list();
    const local: FieldErrors = {};
    const bad = addresses.find((a) => !LOOKS_LIKE_ADDRESS.test(a));
    if (bad) local['forwarding.to'] = t('settings.forwarding.badAddress', { address: bad });
    else if (addresses.length > MAX_TARGETS) local['forwarding.to'] = t('settings.forwarding.tooMany');
    else if (enabled && addresses.length === 0) local['forwarding.to'] = t('settings.forwarding.needAddress');
    setBadAddress(null);
    void save(async () => {
      try {
        return await props.api.updateSettings(props.address, {
          forwarding: { enabled, to: addresses, keepCopy },
        });
      } catch (err) {
        const index = /^forwarding\.to\[(\d+)\]$/.exec(
          (err as { fields?: { field: string }[] }).fields?.[0]?.field ?? '',
        );
        if (index) setBadAddress(addresses[Number(index[1])] ?? null);
        throw err;
      }
    }, local);
  };

  const indexed = Object.keys(errors).find((k) => k.startsWith('forwarding.to['));
  const error =
    errors['forwarding.to'] ??
    (indexed ? t('settings.forwarding.badAddress', { address: badAddress ?? '' }) : undefined);

  return (
    <form class="settings__form" onSubmit={submit} noValidate>
      <p class="settings__intro">{t('settings.forwarding.intro')}</p>
      <Check
        id="settings-forward-on"
        label={t('settings.forwarding.enabled')}
        checked={enabled}
        onChange={setEnabled}
      />
      <Field
        id="settings-forward-to"
        label={t('settings.forwarding.to')}
        hint={t('settings.forwarding.toHint')}
        error={error}
      >
        <textarea
          id="settings-forward-to"
          rows={4}
          value={to}
          spellcheck={false}
          autoComplete="off"
          aria-invalid={error ? true : undefined}
          aria-describedby={describedBy('settings-forward-to', true, error)}
          onInput={(e) => setTo((e.currentTarget as HTMLTextAreaElement).value)}
        />
      </Field>
      <Check
        id="settings-forward-keep"
        label={t('settings.forwarding.keepCopy')}
        checked={keepCopy}
        onChange={setKeepCopy}
      />
      <p class="notice notice--info">{t('settings.forwarding.note')}</p>
      <SaveBar busy={busy} saved={saved} failure={failure} />
    </form>
  );
}
