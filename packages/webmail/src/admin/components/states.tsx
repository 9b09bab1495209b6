import { useI18n } from '../../i18n/index.js';
import { ApiError } from '../http.js';

/** A failure as the user should read it: the server's own explanation when there is one. */
export function useErrorText(): (error: unknown) => string {
  const { t } = useI18n();
  return (error) => {
    if (error instanceof ApiError) {
      if (error.status === 0) return t('common.unreachable');
      if (error.status === 404) return t('console.error.notFound');
      if (error.status === 403) return t('console.error.forbidden');
      return t('console.error.failed', { detail: error.detail || error.code });
    }
    // Our own checks (a form's "fix the marked fields") are already in the user's language.
    return error instanceof Error ? error.message : t('console.error.failed', { detail: String(error) });
  };
}

export function Loading() {
  const { t } = useI18n();
  return (
    <p class="console-state" aria-busy="true">
      {t('common.loading')}
    </p>
  );
}

export function ErrorState({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const { t } = useI18n();
  const text = useErrorText();
  return (
    <div class="console-state console-state--error" role="alert">
      <p>{text(error)}</p>
      {onRetry && (
        <button type="button" class="button" onClick={onRetry}>
          {t('common.tryAgain')}
        </button>
      )}
    </div>
  );
}

export function Empty({ text }: { text: string }) {
  return <p class="console-state console-state--empty">{text}</p>;
}
