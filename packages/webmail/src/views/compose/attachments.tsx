import type { I18n } from '../../i18n/index.js';
import type { ComposeText } from './compose-text.js';

/** Where an attachment's bytes are on the server, as a send or draft names them. */
export type AttachmentSource = { uploadId: string } | { fromMessage: string; attachmentId?: string };

/** One attachment of the message being written. */
export interface PendingAttachment {
  key: string;
  name: string;
  size: number;
  state: 'uploading' | 'ready' | 'failed';
  /** 0–100 while uploading. */
  percent: number;
  source?: AttachmentSource;
  error?: string;
  abort?: () => void;
}

interface Props {
  items: PendingAttachment[];
  onRemove: (item: PendingAttachment) => void;
  onPick: (files: FileList) => void;
  limit: number | null;
  text: ComposeText;
  i18n: I18n;
}

/** The file picker and the list of attachments with a progress bar each. */
export function AttachmentList({ items, onRemove, onPick, limit, text, i18n }: Props) {
  return (
    <section class="compose-attachments" aria-label={text('attach.list')}>
      <div class="compose-attachments__bar">
        <label class="button compose-attachments__pick">
          <svg
            aria-hidden="true"
            width="16"
            height="16"
            viewBox="0 0 24 24"
            fill="none"
            stroke="currentColor"
            stroke-width="2"
          >
            <path d="M21 11l-8.5 8.5a5 5 0 0 1-7-7L14 4a3.5 3.5 0 0 1 5 5l-8.5 8.5a2 2 0 0 1-3-3L15 7" />
          </svg>{' '}
          {text('attach.add')}
          <input
            type="file"
            multiple
            class="visually-hidden"
            data-testid="attach-input"
            onChange={(e) => {
              const input = e.target as HTMLInputElement;
              if (input.files?.length) onPick(input.files);
              input.value = '';
            }}
          />
        </label>
        {limit !== null && (
          <span class="compose-attachments__limit">{text('attach.limit', { limit: i18n.size(limit) })}</span>
        )}
      </div>
      {items.length > 0 && (
        <ul class="compose-attachments__list">
          {items.map((a) => (
            <li key={a.key} class={`upload upload--${a.state}`} data-testid="attachment">
              <span class="upload__name">{a.name}</span>
              <span class="upload__size">{i18n.size(a.size)}</span>
              {a.state === 'uploading' && (
                <progress
                  class="upload__progress"
                  max={100}
                  value={a.percent}
                  aria-label={text('attach.uploading', { name: a.name, percent: a.percent })}
                />
              )}
              {a.state === 'failed' && (
                <span class="upload__error" role="alert">
                  {a.error}
                </span>
              )}
              <button
                type="button"
                class="button button--quiet upload__remove"
                aria-label={
                  a.state === 'uploading'
                    ? text('attach.cancel', { name: a.name })
                    : text('attach.remove', { name: a.name })
                }
                onClick={() => onRemove(a)}
              >
                ×
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
