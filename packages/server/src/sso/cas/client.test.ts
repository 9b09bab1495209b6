import { describe, expect, it } from 'vitest';
import { type CasProviderConfig, createCasClient, mapAddress } from './client.js';

const provider = (over: Partial<CasProviderConfig> = {}): CasProviderConfig => ({
  id: 'campus',
  name: 'Campus',
  url: 'https://cas.example.edu/cas',
  renew: false,
  gateway: false,
  format: 'XML',
  userAttribute: '',
  domain: 'example.edu',
  timeoutMs: 1000,
  logoutFrom: [],
  ...over,
});

const success = (user: string, attrs = '') =>
  `<cas:serviceResponse xmlns:cas="http://www.yale.edu/tp/cas"><cas:authenticationSuccess>` +
  `<cas:user>${user}</cas:user><cas:attributes>${attrs}</cas:attributes></cas:authenticationSuccess></cas:serviceResponse>`;

/** A fetch that answers `body` and records the URLs asked for. */
function fakeFetch(answer: () => Response | Promise<Response>) {
  const urls: string[] = [];
  const f = (async (input: string | URL | Request) => {
    urls.push(String(input));
    return answer();
  }) as typeof fetch;
  return { f, urls };
}

describe('createCasClient', () => {
  it('uses one service URL for login and validation, carrying the redirect path', async () => {
    const { f, urls } = fakeFetch(() => new Response(success('jdoe')));
    const p = provider({ renew: true });
    const cas = createCasClient({ providers: [p], fetch: f });
    const login = new URL(cas.loginUrl('https://mail.example.edu/', p, '/m/42', 'S1'));
    const service = login.searchParams.get('service');
    expect(service).toBe('https://mail.example.edu/auth/cas/campus/callback?redirect=%2Fm%2F42&state=S1');
    expect(login.searchParams.get('renew')).toBe('true');

    const id = await cas.validate('https://mail.example.edu', p, 'ST-1-a', '/m/42', 'S1');
    expect(id).toEqual({ address: 'jdoe@example.edu', casUser: 'jdoe', attributes: {} });
    const validation = new URL(urls[0] ?? '');
    expect(validation.searchParams.get('service')).toBe(service);
    expect(validation.searchParams.get('renew')).toBe('true');
  });

  it('maps the configured attribute to the mailbox', async () => {
    const { f } = fakeFetch(() => new Response(success('u123', '<cas:mail>Jane.Doe@Example.EDU</cas:mail>')));
    const p = provider({ userAttribute: 'mail' });
    const cas = createCasClient({ providers: [p], fetch: f });
    expect((await cas.validate('https://m', p, 'ST-9', '/', 'S')).address).toBe('jane.doe@example.edu');
  });

  it('fails with SSO_FAILED when CAS refuses the ticket or the attribute is missing', async () => {
    const refuse = fakeFetch(
      () =>
        new Response(
          '<cas:serviceResponse xmlns:cas="x"><cas:authenticationFailure code="INVALID_TICKET">no</cas:authenticationFailure></cas:serviceResponse>',
        ),
    );
    const p = provider();
    await expect(
      createCasClient({ providers: [p], fetch: refuse.f }).validate('https://m', p, 'ST-1', '/', 'S'),
    ).rejects.toMatchObject({ code: 'SSO_FAILED', message: expect.stringContaining('INVALID_TICKET') });
    const noMail = fakeFetch(() => new Response(success('u1')));
    const q = provider({ userAttribute: 'mail' });
    await expect(
      createCasClient({ providers: [q], fetch: noMail.f }).validate('https://m', q, 'ST-1', '/', 'S'),
    ).rejects.toMatchObject({ code: 'SSO_FAILED' });
  });

  it('never sends a malformed ticket to CAS', async () => {
    const { f, urls } = fakeFetch(() => new Response(success('x')));
    const p = provider();
    const cas = createCasClient({ providers: [p], fetch: f });
    for (const bad of ['', 'TGT-1', 'ST-a b', `ST-${'x'.repeat(300)}`]) {
      await expect(cas.validate('https://m', p, bad, '/', 'S')).rejects.toMatchObject({ code: 'SSO_FAILED' });
    }
    expect(urls).toEqual([]);
  });

  it('reports an unreachable or confused CAS as SSO_UNAVAILABLE, not as a refusal', async () => {
    const p = provider({ timeoutMs: 50 });
    const down = fakeFetch(() => Promise.reject(new TypeError('fetch failed')));
    await expect(
      createCasClient({ providers: [p], fetch: down.f }).validate('https://m', p, 'ST-1', '/', 'S'),
    ).rejects.toMatchObject({ code: 'SSO_UNAVAILABLE' });
    const html = fakeFetch(() => new Response('<html>maintenance</html>'));
    await expect(
      createCasClient({ providers: [p], fetch: html.f }).validate('https://m', p, 'ST-1', '/', 'S'),
    ).rejects.toMatchObject({ code: 'SSO_UNAVAILABLE' });
    const err = fakeFetch(() => new Response('oops', { status: 500 }));
    await expect(
      createCasClient({ providers: [p], fetch: err.f }).validate('https://m', p, 'ST-1', '/', 'S'),
    ).rejects.toMatchObject({ code: 'SSO_UNAVAILABLE' });
  });
});

describe('mapAddress', () => {
  it.each([
    ['jdoe', 'example.edu', 'jdoe@example.edu'],
    ['JDoe@Example.edu', '', 'jdoe@example.edu'],
    ['jdoe', '', null],
    ['', 'example.edu', null],
    [undefined, 'example.edu', null],
    ['a b', 'example.edu', null],
    ['a@b', 'example.edu', null],
  ])('%j with domain %j → %j', (value, domain, expected) => {
    expect(mapAddress(value, domain)).toBe(expected);
  });
});
