import { useState } from 'preact/hooks';
import type { Api } from '../../api/client.js';
import type { UserSettings } from '../../api/types.js';
import { type MessageKey, useI18n } from '../../i18n/index.js';
import { Check, describedBy, Field, type FieldErrors, SaveBar, useSave } from './form.js';

/** An ISO time as a `datetime-local` value in this browser's time zone, and back. */
const toLocalInput = (iso: string | null): string => {
  if (!iso) return '';
  const d = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
};
const fromLocalInput = (value: string): string | null => (value ? new Date(value).toISOString() : null);

const explain = (field: string): MessageKey => {
  if (field === 'vacation.text') return 'settings.autoReply.needText';
  if (field === 'vacation.endsAt') return 'settings.autoReply.endAfterStart';
  if (field === 'vacation.days') return 'settings.autoReply.daysRange';
  return 'settings.invalid';
};

/** The auto-reply (vacation): on or off, its dates, subject, text, and how often one sender hears it. */
export function AutoReplySection(props: {
  api: Api;
  address: string;
  settings: UserSettings;
  onSaved: (s: UserSettings) => void;
}) {
  const { t } = useI18n();
  const v = props.settings.vacation;
  const [enabled, setEnabled] = useState(v.enabled);
  const [startsAt, setStartsAt] = useState(toLocalInput(v.startsAt));
  const [endsAt, setEndsAt] = useState(toLocalInput(v.endsAt));
  const [subject, setSubject] = useState(v.subject);
  const [text, setText] = useState(v.text);
  const [days, setDays] = useState(String(v.days));
  const { busy, saved, failure, errors, save } = useSave(props.onSaved, explain);

  const submit = (e: Event) => {
    e.preventDefault();
    const local: FieldErrors = {};
    const n = Number(days);
    if (!Number.isInteger(n) || n < 1 || n > 365) local['vacation.days'] = t('settings.autoReply.daysRange');
    if (enabled && !text.trim()) local['vacation.text'] = t('settings.autoReply.needText');
    if (startsAt && endsAt && new Date(endsAt) <= new Date(startsAt))
      local['vacation.endsAt'] = t('settings.autoReply.endAfterStart');
    void save(
      () =>
        props.api.updateSettings(props.address, {
          vacation: {
            enabled,
            subject: subject.trim(),
            text,
            startsAt: fromLocalInput(startsAt),
            endsAt: fromLocalInput(endsAt),
            days: n,
          },
        }),
      local,
    );
  };

  const input = (id: string, field: string, hint: boolean) => ({
    id,
    'aria-invalid': errors[field] ? true : undefined,
    'aria-describedby': describedBy(id, hint, errors[field]),
  });

  return (
    <form class="settings__form" onSubmit={submit} noValidate>
      <p class="settings__intro">{t('settings.autoReply.intro')}</p>
      <Check
        id="settings-vacation-on"
        label={t('settings.autoReply.enabled')}
        checked={enabled}
        onChange={setEnabled}
      />
      <div class="settings__row">
        <Field
          id="settings-vacation-start"
          label={`${t('settings.autoReply.startsAt')} (${t('settings.optional')})`}
          error={errors['vacation.startsAt']}
        >
          <input
            type="datetime-local"
            value={startsAt}
            {...input('settings-vacation-start', 'vacation.startsAt', false)}
            onInput={(e) => setStartsAt((e.currentTarget as HTMLInputElement).value)}
          />
        </Field>
        <Field
          id="settings-vacation-end"
          label={`${t('settings.autoReply.endsAt')} (${t('settings.optional')})`}
          error={errors['vacation.endsAt']}
        >
          <input
            type="datetime-local"
            value={endsAt}
            {...input('settings-vacation-end', 'vacation.endsAt', false)}
            onInput={(e) => setEndsAt((e.currentTarget as HTMLInputElement).value)}
          />
        </Field>
      </div>
      <p class="field__hint">{t('settings.autoReply.whenHint')}</p>
      <Field
        id="settings-vacation-subject"
        label={t('settings.autoReply.subject')}
        hint={t('settings.autoReply.subjectHint')}
        error={errors['vacation.subject']}
      >
        <input
          type="text"
          maxLength={200}
          value={subject}
          {...input('settings-vacation-subject', 'vacation.subject', true)}
          onInput={(e) => setSubject((e.currentTarget as HTMLInputElement).value)}
        />
      </Field>
      <Field id="settings-vacation-text" label={t('settings.autoReply.text')} error={errors['vacation.text']}>
        <textarea
          rows={6}
          maxLength={10_000}
          value={text}
          {...input('settings-vacation-text', 'vacation.text', false)}
          onInput={(e) => setText((e.currentTarget as HTMLTextAreaElement).value)}
        />
      </Field>
      <Field id="settings-vacation-days" label={t('settings.autoReply.days')} error={errors['vacation.days']}>
        <input
          type="number"
          min={1}
          max={365}
          inputMode="numeric"
          class="input--short"
          value={days}
          {...input('settings-vacation-days', 'vacation.days', false)}
          onInput={(e) => setDays((e.currentTarget as HTMLInputElement).value)}
        />
      </Field>
      <p class="notice notice--info">{t('settings.autoReply.rules')}</p>
      <SaveBar busy={busy} saved={saved} failure={failure} />
    </form>
  );
}
