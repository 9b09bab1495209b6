import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { companyLdif, people, personDn } from '../../../../test/harness/directory-fixture.js';
import { type Slapd, startSlapd } from '../../../../test/harness/slapd.js';
import type { LdapSourceConfig } from '../config/index.js';
import { createLogger } from '../telemetry/index.js';
import { createLdapAuthenticator } from './authenticator.js';
import { withConnection } from './connection.js';
import { readDirectory } from './read.js';
import { resolveSource } from './source.js';

const SUFFIX = 'dc=example,dc=com';
const log = createLogger({ level: 'silent' });

// ldaps:// and StartTLS with a CA of our own (caFile); without it the certificate is refused.
describe('LDAP over TLS', () => {
  let slapd: Slapd;
  const [ann] = people(1) as [ReturnType<typeof people>[number]];
  const config = (extra: Partial<LdapSourceConfig>): LdapSourceConfig => ({
    name: 'tls',
    preset: 'openldap',
    url: '',
    startTls: false,
    caFile: '',
    bindDn: `cn=jdmail,ou=services,${SUFFIX}`,
    bindPassword: 'service-secret',
    bindPasswordFile: '',
    bindPasswordEnv: '',
    baseDn: SUFFIX,
    userBaseDns: [`ou=people,${SUFFIX}`],
    groupBaseDns: [],
    userFilter: '',
    groupFilter: '',
    syncGroups: false,
    attributes: { externalId: 'dn' },
    domain: 'example.com',
    disableGraceSeconds: 0,
    maxDisablePercent: 10,
    pageSize: 100,
    timeoutMs: 3000,
    ...extra,
  });
  const user = { id: 'u1', address: ann.mail, source: 'tls', externalId: null, dn: personDn(ann, SUFFIX) };

  beforeAll(async () => {
    slapd = await startSlapd({ tls: true });
    await slapd.add(companyLdif(SUFFIX, [ann]));
  });
  afterAll(() => slapd?.stop());

  it.each([
    ['StartTLS', () => ({ url: slapd.url, startTls: true, caFile: slapd.caFile ?? '' })],
    ['ldaps://', () => ({ url: slapd.ldapsUrl ?? '', caFile: slapd.caFile ?? '' })],
  ])('binds and reads over %s, trusting the configured CA', async (_name, extra) => {
    const source = resolveSource(config(extra()));
    const auth = createLdapAuthenticator({ sources: [source], cacheTtlMs: 0, log });
    expect(await auth.verify(user, ann.password)).toBe(true);
    expect(await auth.verify(user, 'wrong')).toBe(false);
    const contents = await withConnection(source, (client) => readDirectory(client, source, { since: null }));
    expect(contents.users.map((u) => u.address)).toEqual([ann.mail]);
  });

  it('refuses a server whose certificate it cannot verify: a temporary failure, not a wrong password', async () => {
    const source = resolveSource(config({ url: slapd.ldapsUrl ?? '' }));
    const auth = createLdapAuthenticator({ sources: [source], cacheTtlMs: 0, log });
    await expect(auth.verify(user, ann.password)).rejects.toMatchObject({ code: 'DIRECTORY_UNAVAILABLE' });
    const noCa = resolveSource(config({ url: `ldap://localhost:${slapd.port}`, startTls: true }));
    await expect(
      withConnection(noCa, (client) => readDirectory(client, noCa, { since: null })),
    ).rejects.toMatchObject({ code: 'DIRECTORY_UNAVAILABLE' });
  });
});
