/** A scripted fetch for the SDK's tests: records each call and answers from a queue. */
export interface Call {
  url: URL;
  method: string;
  headers: Record<string, string>;
  body: unknown;
}

/** JSON bodies parsed; form bodies (the token request) as their parameters; else undefined. */
function parseBody(body: unknown): unknown {
  if (typeof body !== 'string') return undefined;
  try {
    return JSON.parse(body);
  } catch {
    return Object.fromEntries(new URLSearchParams(body));
  }
}

export type Answer = Response | Error | ((call: Call) => Response | Promise<Response>);

export function scriptedFetch(...answers: Answer[]) {
  const calls: Call[] = [];
  const fetch = async (input: string | URL | Request, init: RequestInit = {}): Promise<Response> => {
    const call: Call = {
      url: new URL(String(input)),
      method: init.method ?? 'GET',
      headers: Object.fromEntries(Object.entries((init.headers ?? {}) as Record<string, string>)),
      body: parseBody(init.body),
    };
    calls.push(call);
    const answer = answers.shift();
    if (answer === undefined) throw new Error(`unexpected request ${call.method} ${call.url}`);
    if (answer instanceof Error) throw answer;
    return typeof answer === 'function' ? answer(call) : answer;
  };
  return { fetch: fetch as typeof globalThis.fetch, calls };
}

export const json = (status: number, body: unknown, headers: Record<string, string> = {}): Response =>
  new Response(status === 204 ? null : JSON.stringify(body), {
    status,
    headers: { 'content-type': status >= 400 ? 'application/problem+json' : 'application/json', ...headers },
  });

export const problem = (
  status: number,
  code: string,
  extra: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): Response =>
  json(
    status,
    {
      type: `/docs/errors#${code}`,
      title: code,
      status,
      detail: `${code} detail`,
      code,
      ...extra,
    },
    headers,
  );
