import { describe, expect, it } from 'vitest';
import { OAuthError } from './errors.js';
import { grantedScopes } from './service.js';
import { parseForm, parseTokenRequest } from './token-request.js';

const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;
const form = (s: string) => parseForm(s);
const refused = (authorization: string | undefined, body: string) => {
  try {
    parseTokenRequest(authorization, form(body));
  } catch (e) {
    if (e instanceof OAuthError) return [e.error, e.status];
    throw e;
  }
  throw new Error('accepted');
};

describe('parseTokenRequest (RFC 6749 §4.4.2, §2.3.1)', () => {
  it('reads client_secret_basic and client_secret_post', () => {
    expect(
      parseTokenRequest(basic('jdc_a', 'jds_b'), form('grant_type=client_credentials&scope=mail%3Aread')),
    ).toEqual({
      clientId: 'jdc_a',
      clientSecret: 'jds_b',
      scope: 'mail:read',
      authMethod: 'client_secret_basic',
    });
    expect(
      parseTokenRequest(undefined, form('grant_type=client_credentials&client_id=jdc_a&client_secret=jds_b')),
    ).toEqual({
      clientId: 'jdc_a',
      clientSecret: 'jds_b',
      scope: undefined,
      authMethod: 'client_secret_post',
    });
  });

  it('form-decodes the Basic user and password, as §2.3.1 prescribes', () => {
    const r = parseTokenRequest(basic('my%3Aclient', 'a+b%25c'), form('grant_type=client_credentials'));
    expect(r).toMatchObject({ clientId: 'my:client', clientSecret: 'a b%c' });
  });

  it('takes no client id or secret with control characters (Appendix A.1, A.2): no client has one', () => {
    const post = (id: string, secret: string) =>
      `grant_type=client_credentials&client_id=${encodeURIComponent(id)}&client_secret=${encodeURIComponent(secret)}`;
    expect(refused(undefined, post('jdc_\u0000', 'jds_b'))).toEqual(['invalid_client', 401]);
    expect(refused(undefined, post('jdc_a', 'jds_\n'))).toEqual(['invalid_client', 401]);
    expect(refused(basic('jdc_%00', 'jds_b'), 'grant_type=client_credentials')).toEqual([
      'invalid_client',
      401,
    ]);
  });

  it('accepts client_id in the body beside Basic when it names the same client', () => {
    expect(
      parseTokenRequest(basic('jdc_a', 'jds_b'), form('grant_type=client_credentials&client_id=jdc_a'))
        .clientId,
    ).toBe('jdc_a');
    expect(refused(basic('jdc_a', 'jds_b'), 'grant_type=client_credentials&client_id=jdc_x')).toEqual([
      'invalid_request',
      400,
    ]);
  });

  it('treats empty parameters as omitted (§3.1) and ignores unknown ones (§3.2)', () => {
    const r = parseTokenRequest(
      basic('jdc_a', 'jds_b'),
      form('grant_type=client_credentials&scope=&foo=bar'),
    );
    expect(r.scope).toBeUndefined();
    expect(refused(basic('jdc_a', 'jds_b'), 'grant_type=')).toEqual(['invalid_request', 400]);
  });

  it.each([
    ['no grant_type', basic('a', 'b'), 'scope=mail:read', 'invalid_request'],
    ['another grant', basic('a', 'b'), 'grant_type=password&username=u&password=p', 'unsupported_grant_type'],
    ['authorization_code', basic('a', 'b'), 'grant_type=authorization_code&code=x', 'unsupported_grant_type'],
    [
      'a repeated parameter (§3.2)',
      basic('a', 'b'),
      'grant_type=client_credentials&scope=a&scope=b',
      'invalid_request',
    ],
    [
      'two authentication methods',
      basic('a', 'b'),
      'grant_type=client_credentials&client_secret=b',
      'invalid_request',
    ],
    [
      'a scope with a quote (§3.3)',
      basic('a', 'b'),
      'grant_type=client_credentials&scope=mail%22read',
      'invalid_request',
    ],
    [
      'a scope with two spaces',
      basic('a', 'b'),
      'grant_type=client_credentials&scope=a%20%20b',
      'invalid_request',
    ],
    ['no client authentication', undefined, 'grant_type=client_credentials', 'invalid_client'],
    [
      'a public client (no secret)',
      undefined,
      'grant_type=client_credentials&client_id=jdc_a',
      'invalid_client',
    ],
    ['a Bearer header', 'Bearer jdk_x', 'grant_type=client_credentials', 'invalid_client'],
    [
      'Basic without a colon',
      `Basic ${Buffer.from('jdc_a').toString('base64')}`,
      'grant_type=client_credentials',
      'invalid_client',
    ],
    ['Basic with an empty secret', basic('jdc_a', ''), 'grant_type=client_credentials', 'invalid_client'],
    ['Basic with a broken escape', basic('jdc_%zz', 'x'), 'grant_type=client_credentials', 'invalid_client'],
  ])('refuses %s', (_what, authorization, body, error) => {
    const [code, status] = refused(authorization, body);
    expect(code).toBe(error);
    expect(status).toBe(error === 'invalid_client' ? 401 : 400);
  });
});

describe('grantedScopes (§3.3)', () => {
  it('grants all of the app’s scopes when none are asked for, else exactly the subset asked for', () => {
    expect(grantedScopes(['users:read', 'mail:read'], undefined)).toEqual(['users:read', 'mail:read']);
    expect(grantedScopes(['users:read', 'mail:read'], 'mail:read')).toEqual(['mail:read']);
    expect(grantedScopes(['users:read', 'mail:read'], 'mail:read users:read mail:read')).toEqual([
      'users:read',
      'mail:read',
    ]);
  });
  it('refuses scopes the app lacks and scopes that do not exist', () => {
    expect(() => grantedScopes(['mail:read'], 'mail:write')).toThrow(/does not hold the scope "mail:write"/);
    expect(() => grantedScopes(['mail:read'], 'mail:read offline_access')).toThrow(/Unknown scope/);
  });
});
