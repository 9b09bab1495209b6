/** A request of the matrix: method, path (with query) and a JSON or form body. */
export interface Req {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  body?: unknown;
  /** `application/x-www-form-urlencoded` instead of JSON (the OAuth endpoints). */
  form?: Record<string, string>;
}

export interface Res {
  status: number;
  /** The parsed JSON body, or undefined (redirects, raw messages, 204). */
  json: unknown;
  headers: Headers;
}

/** Sends `req` to `base` with `headers`, never following redirects. */
export async function send(base: string, req: Req, headers: Record<string, string> = {}): Promise<Res> {
  const h: Record<string, string> = { ...headers };
  let body: string | undefined;
  if (req.form) {
    h['content-type'] = 'application/x-www-form-urlencoded';
    body = new URLSearchParams(req.form).toString();
  } else if (req.body !== undefined) {
    h['content-type'] = 'application/json';
    body = JSON.stringify(req.body);
  }
  const res = await fetch(base + req.path, { method: req.method, headers: h, body, redirect: 'manual' });
  // An event stream never ends: its status and headers are the answer.
  if ((res.headers.get('content-type') ?? '').startsWith('text/event-stream')) {
    await res.body?.cancel();
    return { status: res.status, json: undefined, headers: res.headers };
  }
  const text = await res.text();
  const type = res.headers.get('content-type') ?? '';
  const json = /json/.test(type) && text ? JSON.parse(text) : undefined;
  return { status: res.status, json, headers: res.headers };
}

/** Runs `tasks` with at most `limit` at a time (the CI machine has two cores, shared). */
export async function pool<T>(limit: number, tasks: (() => Promise<T>)[]): Promise<T[]> {
  const out: T[] = new Array(tasks.length);
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const i = next++;
      out[i] = await (tasks[i] as () => Promise<T>)();
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
  return out;
}
