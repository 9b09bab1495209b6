import type { components } from '@jdmail/sdk';
import { ApiError, toError } from '../../api/client.js';

type Schemas = components['schemas'];
export type SendRequest = Schemas['SendRequest'];
export type DraftRequest = Schemas['DraftRequest'];
export type Upload = Schemas['Upload'];
export type AddressBookEntry = Schemas['AddressBookEntry'];
export type MessageSummary = Schemas['MessageSummary'];

const enc = encodeURIComponent;

/** The REST calls of the compose screen, signed in by the session cookie plus its CSRF token. */
export function createComposeApi(address: string, csrfToken: string, doFetch: typeof fetch = fetch) {
  const user = `/api/v1/users/${enc(address)}`;
  async function call<T>(method: string, path: string, body?: unknown, keepalive = false): Promise<T> {
    let res: Response;
    try {
      res = await doFetch(path, {
        method,
        credentials: 'same-origin',
        cache: 'no-store',
        keepalive,
        headers: {
          accept: 'application/json',
          'x-csrf-token': csrfToken,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch {
      throw new ApiError(0, 'NETWORK', '');
    }
    if (!res.ok) throw await toError(res);
    return (res.status === 204 ? undefined : await res.json()) as T;
  }

  return {
    send: (body: SendRequest) => call<{ id: string; messageId: string }>('POST', `${user}/send`, body),
    createDraft: (body: DraftRequest, keepalive = false) =>
      call<MessageSummary>('POST', `${user}/drafts`, body, keepalive),
    replaceDraft: (id: string, body: DraftRequest, keepalive = false) =>
      call<MessageSummary>('PUT', `${user}/drafts/${enc(id)}`, body, keepalive),
    deleteMessage: (id: string) => call<void>('DELETE', `${user}/messages/${enc(id)}`),
    deleteUpload: (id: string) => call<void>('DELETE', `${user}/uploads/${enc(id)}`),
    addressBook: (q: string, signal?: AbortSignal) =>
      doFetch(`/api/v1/directory/address-book?limit=8&q=${enc(q)}`, {
        credentials: 'same-origin',
        headers: { accept: 'application/json' },
        signal,
      }).then(async (res) => {
        if (!res.ok) throw await toError(res);
        return ((await res.json()) as { items: AddressBookEntry[] }).items;
      }),
    /**
     * Uploads a file with XMLHttpRequest, whose `upload.onprogress` fetch lacks: the body is the
     * file itself (streamed by the browser from disk), its name in `?name=`.
     */
    upload(file: File, onProgress: (loaded: number, total: number) => void) {
      const xhr = new XMLHttpRequest();
      const done = new Promise<{ upload: Upload; limit: number | null }>((resolve, reject) => {
        xhr.open('POST', `${user}/uploads?name=${enc(file.name || 'attachment')}`);
        xhr.setRequestHeader('x-csrf-token', csrfToken);
        xhr.setRequestHeader('content-type', file.type || 'application/octet-stream');
        xhr.setRequestHeader('accept', 'application/json');
        xhr.upload.onprogress = (e) => onProgress(e.loaded, e.total || file.size);
        xhr.onload = () => {
          let body: { code?: string; detail?: string } & Partial<Upload> = {};
          try {
            body = JSON.parse(xhr.responseText);
          } catch {}
          const max = Number(xhr.getResponseHeader('x-max-size'));
          const limit = Number.isFinite(max) && max > 0 ? max : null;
          if (xhr.status === 201) resolve({ upload: body as Upload, limit });
          else
            reject(
              Object.assign(new ApiError(xhr.status, body.code ?? `HTTP_${xhr.status}`, body.detail ?? ''), {
                limit,
              }),
            );
        };
        xhr.onerror = () => reject(new ApiError(0, 'NETWORK', ''));
        xhr.onabort = () => reject(new ApiError(0, 'ABORTED', ''));
        xhr.send(file);
      });
      return { done, abort: () => xhr.abort() };
    },
  };
}

export type ComposeApi = ReturnType<typeof createComposeApi>;
