import { describe, expect, it } from 'vitest';
import {
  CasResponseError,
  loginUrl,
  logoutUrl,
  parseLogoutRequest,
  parseValidation,
  validateUrl,
} from './protocol.js';

const SERVICE = 'https://mail.example.com/auth/cas/campus/callback?redirect=%2Fm%2F1';

describe('CAS URLs', () => {
  it('builds /login with the service encoded once (§2.1)', () => {
    const url = new URL(loginUrl('https://cas.example.edu/cas/', SERVICE));
    expect(url.pathname).toBe('/cas/login');
    expect(url.searchParams.get('service')).toBe(SERVICE);
    expect(url.searchParams.has('renew')).toBe(false);
  });

  it('sends renew or gateway, and renew wins when both are asked for', () => {
    expect(new URL(loginUrl('https://c/cas', SERVICE, { gateway: true })).searchParams.get('gateway')).toBe(
      'true',
    );
    const both = new URL(loginUrl('https://c/cas', SERVICE, { renew: true, gateway: true })).searchParams;
    expect(both.get('renew')).toBe('true');
    expect(both.has('gateway')).toBe(false);
  });

  it('builds /p3/serviceValidate and /logout (§2.8, §2.3)', () => {
    const v = new URL(validateUrl('https://c/cas', SERVICE, 'ST-1-abc', { renew: true, format: 'JSON' }));
    expect(v.pathname).toBe('/cas/p3/serviceValidate');
    expect(Object.fromEntries(v.searchParams)).toEqual({
      service: SERVICE,
      ticket: 'ST-1-abc',
      renew: 'true',
      format: 'JSON',
    });
    expect(logoutUrl('https://c/cas', 'https://mail/')).toBe(
      'https://c/cas/logout?service=https%3A%2F%2Fmail%2F',
    );
  });
});

describe('parseValidation (XML, §2.5.2 / §2.8)', () => {
  it('reads the user and every attribute, repeated ones as lists', () => {
    const body = `<?xml version="1.0"?>
      <cas:serviceResponse xmlns:cas="http://www.yale.edu/tp/cas">
        <cas:authenticationSuccess>
          <cas:user>jdoe</cas:user>
          <cas:attributes>
            <cas:mail>jdoe@example.edu</cas:mail>
            <cas:memberOf>staff</cas:memberOf>
            <cas:memberOf>faculty</cas:memberOf>
            <cas:isFromNewLogin>true</cas:isFromNewLogin>
            <cas:displayName>J &amp; Doe</cas:displayName>
          </cas:attributes>
        </cas:authenticationSuccess>
      </cas:serviceResponse>`;
    expect(parseValidation(body)).toEqual({
      ok: true,
      user: 'jdoe',
      attributes: {
        mail: ['jdoe@example.edu'],
        memberOf: ['staff', 'faculty'],
        isFromNewLogin: ['true'],
        displayName: ['J & Doe'],
      },
    });
  });

  it('reads the name/value attribute style and any namespace prefix', () => {
    const body = `<x:serviceResponse xmlns:x="http://www.yale.edu/tp/cas"><x:authenticationSuccess>
      <x:user>jdoe</x:user><x:attributes><x:attribute name="mail" value="j@e.edu"/></x:attributes>
      </x:authenticationSuccess></x:serviceResponse>`;
    expect(parseValidation(body)).toEqual({ ok: true, user: 'jdoe', attributes: { mail: ['j@e.edu'] } });
  });

  it('reads a failure with its code (§2.5.3)', () => {
    const body = `<cas:serviceResponse xmlns:cas="http://www.yale.edu/tp/cas">
      <cas:authenticationFailure code="INVALID_TICKET">Ticket ST-1856339 not recognized</cas:authenticationFailure>
      </cas:serviceResponse>`;
    expect(parseValidation(body)).toEqual({
      ok: false,
      code: 'INVALID_TICKET',
      description: 'Ticket ST-1856339 not recognized',
    });
  });

  it('refuses what is not a service response', () => {
    expect(() => parseValidation('<html><body>502 Bad Gateway</body></html>')).toThrow(CasResponseError);
    expect(() => parseValidation('<cas:serviceResponse xmlns:cas="x"/>')).toThrow(CasResponseError);
    expect(() => parseValidation('not xml at all <<<')).toThrow(CasResponseError);
    const noUser =
      '<serviceResponse><authenticationSuccess><user></user></authenticationSuccess></serviceResponse>';
    expect(() => parseValidation(noUser)).toThrow(/without a user/);
  });

  it('refuses a document type (no entity expansion)', () => {
    const bomb = `<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>
      <serviceResponse><authenticationSuccess><user>&b;</user></authenticationSuccess></serviceResponse>`;
    expect(() => parseValidation(bomb)).toThrow(/document type/);
  });
});

describe('parseValidation (JSON, §2.5.4)', () => {
  it('reads success and failure', () => {
    const ok = JSON.stringify({
      serviceResponse: {
        authenticationSuccess: { user: 'jdoe', attributes: { mail: 'j@e.edu', memberOf: ['a', 'b'], n: 3 } },
      },
    });
    expect(parseValidation(ok)).toEqual({
      ok: true,
      user: 'jdoe',
      attributes: { mail: ['j@e.edu'], memberOf: ['a', 'b'], n: ['3'] },
    });
    const bad = JSON.stringify({
      serviceResponse: { authenticationFailure: { code: 'INVALID_SERVICE', description: 'wrong service' } },
    });
    expect(parseValidation(bad)).toEqual({
      ok: false,
      code: 'INVALID_SERVICE',
      description: 'wrong service',
    });
  });

  it('refuses broken JSON and JSON without a user', () => {
    expect(() => parseValidation('{"serviceResponse":')).toThrow(CasResponseError);
    expect(() => parseValidation('{"serviceResponse":{"authenticationSuccess":{}}}')).toThrow(
      CasResponseError,
    );
  });
});

describe('parseLogoutRequest (Appendix C)', () => {
  it('returns the SessionIndex (the service ticket) of a SAML LogoutRequest', () => {
    const body = `<samlp:LogoutRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol"
      xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="LR-1" Version="2.0" IssueInstant="2026-11-29T10:00:00Z">
      <saml:NameID>@NOT_USED@</saml:NameID><samlp:SessionIndex>ST-42-xyz</samlp:SessionIndex></samlp:LogoutRequest>`;
    expect(parseLogoutRequest(body)).toBe('ST-42-xyz');
  });

  it('returns null for anything else', () => {
    expect(parseLogoutRequest('')).toBeNull();
    expect(parseLogoutRequest('<LogoutRequest><NameID>x</NameID></LogoutRequest>')).toBeNull();
    expect(parseLogoutRequest('<<<')).toBeNull();
  });
});
