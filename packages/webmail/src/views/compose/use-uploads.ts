import { useCallback, useRef, useState } from 'preact/hooks';
import { ApiError } from '../../api/client.js';
import type { I18n } from '../../i18n/index.js';
import type { PendingAttachment } from './attachments.js';
import type { ComposeApi } from './compose-api.js';
import type { ComposeText } from './compose-text.js';

let seq = 0;

/** Bytes a file takes in a message, base64-encoded in lines of 76, plus room for headers. */
const encodedSize = (n: number) => Math.ceil((n * 4) / 3) * (78 / 76) + 16 * 1024;

/**
 * The attachments of the message being written: each file is uploaded as soon as it is picked
 * or dropped (one XMLHttpRequest per file, with progress), checked against the server's message
 * size limit first once it is known (the first answer of the upload route tells it).
 */
export function useUploads(api: ComposeApi | null, text: ComposeText, i18n: I18n, onChange: () => void) {
  const [items, setItems] = useState<PendingAttachment[]>([]);
  const [limit, setLimit] = useState<number | null>(null);
  const current = useRef(items);
  current.current = items;

  const update = useCallback(
    (key: string, patch: Partial<PendingAttachment>) =>
      setItems((list) => list.map((a) => (a.key === key ? { ...a, ...patch } : a))),
    [],
  );

  const addFiles = useCallback(
    (files: Iterable<File>) => {
      if (!api) return;
      let total = current.current.filter((a) => a.state !== 'failed').reduce((n, a) => n + a.size, 0);
      const added: PendingAttachment[] = [];
      for (const file of files) {
        const key = `u${++seq}`;
        const item: PendingAttachment = {
          key,
          name: file.name,
          size: file.size,
          state: 'uploading',
          percent: 0,
        };
        total += file.size;
        // Base64 in the message: 4/3, plus CRLF every 76 characters (RFC 2045 §6.8).
        if (limit !== null && (file.size > limit || encodedSize(total) > limit)) {
          const vars = {
            name: file.name,
            size: i18n.size(file.size > limit ? file.size : total),
            limit: i18n.size(limit),
          };
          added.push({
            ...item,
            state: 'failed',
            error: text(file.size > limit ? 'attach.tooLarge' : 'attach.totalTooLarge', vars),
          });
          total -= file.size;
          continue;
        }
        const job = api.upload(file, (loaded, all) =>
          update(key, { percent: Math.round((loaded / (all || 1)) * 100) }),
        );
        item.abort = job.abort;
        added.push(item);
        job.done.then(
          ({ upload, limit: max }) => {
            if (max) setLimit(max);
            update(key, { state: 'ready', percent: 100, source: { uploadId: upload.id }, abort: undefined });
            onChange();
          },
          (e: unknown) => {
            if (e instanceof ApiError && e.code === 'ABORTED') return;
            const max = (e as { limit?: number | null }).limit;
            if (max) setLimit(max);
            const reason =
              e instanceof ApiError && e.status === 413 && max
                ? text('attach.tooLarge', {
                    name: file.name,
                    size: i18n.size(file.size),
                    limit: i18n.size(max),
                  })
                : text('attach.failed', {
                    name: file.name,
                    reason: e instanceof ApiError && e.detail ? e.detail : text('error.network'),
                  });
            update(key, { state: 'failed', error: reason, abort: undefined });
          },
        );
      }
      setItems((list) => [...list, ...added]);
    },
    [api, limit, i18n, text, update, onChange],
  );

  const remove = useCallback(
    (item: PendingAttachment) => {
      item.abort?.();
      setItems((list) => list.filter((a) => a.key !== item.key));
      // An upload nobody will send is deleted now rather than in a day.
      if (item.source && 'uploadId' in item.source) api?.deleteUpload(item.source.uploadId).catch(() => {});
      onChange();
    },
    [api, onChange],
  );

  /** Attachments carried over from a stored message (forward, draft). */
  const carry = useCallback(
    (list: { name: string; size: number; fromMessage: string; attachmentId?: string }[]) => {
      setItems(
        list.map((c) => ({
          key: `c${++seq}`,
          name: c.name,
          size: c.size,
          state: 'ready' as const,
          percent: 100,
          source:
            c.attachmentId === undefined
              ? { fromMessage: c.fromMessage }
              : { fromMessage: c.fromMessage, attachmentId: c.attachmentId },
        })),
      );
    },
    [],
  );

  return { items, setItems, limit, addFiles, remove, carry };
}
