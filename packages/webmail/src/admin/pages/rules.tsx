import type { components } from '@jdmail/sdk';
import { useEffect, useState } from 'preact/hooks';
import { useI18n } from '../../i18n/index.js';
import { useDomains } from '../components/domain-picker.js';
import { ErrorState, Loading, useErrorText } from '../components/states.js';
import { useToast } from '../components/toasts.js';
import { useLoad } from '../components/use-list.js';
import { consolePath } from '../route.js';
import type { PageProps } from './types.js';
import './ops.css';

type StoredRules = components['schemas']['StoredRules'];
type TestResult = components['schemas']['RulesTestResult'];

/** The rules as the editor shows them: the API's JSON, two-space indented. */
const pretty = (rules: unknown) => JSON.stringify({ rules }, null, 2);

/** Parses the editor's text; a mistake is the user's to fix, said in their language. */
function parse(text: string, invalid: string): { rules: unknown[] } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new Error(`${invalid} ${(e as Error).message}`);
  }
  if (!value || typeof value !== 'object' || !Array.isArray((value as { rules?: unknown }).rules))
    throw new Error(invalid);
  return value as { rules: unknown[] };
}

/** Try the edited rules on one stored message (nothing is changed). */
function RulesTest({
  http,
  text,
  scope,
}: Pick<PageProps, 'http'> & { text: string; scope: 'system' | 'domain' }) {
  const { t } = useI18n();
  const errorText = useErrorText();
  const [user, setUser] = useState('');
  const [messageId, setMessageId] = useState('');
  const [result, setResult] = useState<TestResult | null>(null);
  const [error, setError] = useState<unknown>(null);
  return (
    <section class="console-panel" aria-labelledby="rules-test-title">
      <h2 id="rules-test-title">{t('admin.rules.test')}</h2>
      <p class="console-muted">{t('admin.rules.testIntro')}</p>
      <form
        class="console-toolbar"
        onSubmit={async (e) => {
          e.preventDefault();
          setError(null);
          setResult(null);
          try {
            const rules = parse(text, t('admin.rules.invalid'));
            setResult(
              await http.post<TestResult>('/rules/test', {
                user: user.trim(),
                messageId: messageId.trim(),
                rules,
                scope,
              }),
            );
          } catch (err) {
            setError(err);
          }
        }}
      >
        <div class="console-field">
          <label for="rules-test-user">{t('admin.rules.testUser')}</label>
          <input
            id="rules-test-user"
            value={user}
            spellcheck={false}
            onInput={(e) => setUser(e.currentTarget.value)}
          />
        </div>
        <div class="console-field">
          <label for="rules-test-message">{t('admin.rules.testMessage')}</label>
          <input
            id="rules-test-message"
            value={messageId}
            spellcheck={false}
            onInput={(e) => setMessageId(e.currentTarget.value)}
          />
        </div>
        <button type="submit" class="button">
          {t('admin.rules.runTest')}
        </button>
      </form>
      {error ? (
        <p class="console-field__error" role="alert">
          {errorText(error)}
        </p>
      ) : null}
      {result && (
        <div role="status" data-test-result>
          <p>
            {result.matched.length === 0
              ? t('admin.rules.noMatch')
              : t('admin.rules.matched', { names: result.matched.map((m) => m.name).join(', ') })}
          </p>
          {result.actions.length > 0 && (
            <pre class="console-code">{JSON.stringify(result.actions, null, 2)}</pre>
          )}
        </div>
      )}
    </section>
  );
}

/** Global filter rules: the install's (system admins) or a domain's, edited as JSON, saved, tried on a message. */
export function RulesPage({ http, session, query, navigate }: PageProps) {
  const { t, date } = useI18n();
  const toast = useToast();
  const system = session.role === 'admin';
  const domain = query.get('domain') ?? (system ? '' : (session.adminDomains[0] ?? ''));
  const stored = useLoad(() => http.get<StoredRules>('/rules', { domain }), `rules:${domain}`);
  const [text, setText] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [saving, setSaving] = useState(false);
  const errorText = useErrorText();
  const domains = useDomains(http);
  useEffect(() => {
    if (stored.data) setText(pretty(stored.data.rules));
  }, [stored.data]);

  async function save(e: Event) {
    e.preventDefault();
    setError(null);
    setSaving(true);
    try {
      const body = parse(text, t('admin.rules.invalid'));
      const next = await http.put<StoredRules>(
        domain ? `/rules?domain=${encodeURIComponent(domain)}` : '/rules',
        body,
      );
      setText(pretty(next.rules));
      toast(t('admin.rules.saved'));
    } catch (err) {
      setError(err);
    } finally {
      setSaving(false);
    }
  }

  return (
    <>
      <div class="console-toolbar">
        <label class="console-inline-field" for="rules-domain">
          {t('admin.rules.which')}
          <select
            id="rules-domain"
            value={domain}
            onChange={(e) => {
              const d = e.currentTarget.value;
              navigate(consolePath('rules', [], d ? { domain: d } : {}), { replace: true });
            }}
          >
            {system && <option value="">{t('admin.rules.install')}</option>}
            {(domains.data ?? []).map((d) => (
              <option key={d.name} value={d.name}>
                {d.name}
              </option>
            ))}
          </select>
        </label>
      </div>
      {stored.error ? (
        <ErrorState error={stored.error} onRetry={stored.reload} />
      ) : !stored.data ? (
        <Loading />
      ) : (
        <form class="console-form" onSubmit={save}>
          <div class="console-field">
            <label for="rules-text">
              {domain ? t('admin.rules.ofDomain', { domain }) : t('admin.rules.ofInstall')}
            </label>
            <textarea
              id="rules-text"
              class="console-code console-rules"
              rows={18}
              spellcheck={false}
              value={text}
              aria-describedby="rules-hint"
              onInput={(e) => setText(e.currentTarget.value)}
            />
            <p id="rules-hint" class="console-field__hint">
              {stored.data.updatedAt
                ? t('admin.rules.updatedAt', { at: date(stored.data.updatedAt) })
                : t('admin.rules.hint')}
            </p>
          </div>
          {error ? (
            <p class="console-field__error" role="alert">
              {errorText(error)}
            </p>
          ) : null}
          <p class="console-actions console-actions--start">
            <button type="submit" class="button button--primary" disabled={saving} aria-busy={saving}>
              {t('admin.rules.save')}
            </button>
            <button type="button" class="button" onClick={() => setText(pretty(stored.data?.rules ?? []))}>
              {t('admin.rules.revert')}
            </button>
          </p>
        </form>
      )}
      <RulesTest http={http} text={text} scope={domain ? 'domain' : 'system'} />
    </>
  );
}
