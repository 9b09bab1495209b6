/**
 * LDIF for a test company directory, made in code so tests can have
 * thousands of users (enough to need paged results) and load them with one
 * `ldapadd`. Every user's password is `pw-<uid>`.
 */

export const DEPARTMENTS = [
  ['Engineering'],
  ['Engineering', 'Platform'],
  ['Engineering', 'Web'],
  ['Sales'],
  ['Support'],
] as const;

export interface Person {
  uid: string;
  cn: string;
  mail: string;
  /** OU path below ou=people, top first. */
  department: readonly string[];
  password: string;
}

/** `uid=…,ou=Platform,ou=Engineering,ou=people,<suffix>` */
export function personDn(p: Pick<Person, 'uid' | 'department'>, suffix: string): string {
  return [`uid=${p.uid}`, ...[...p.department].reverse().map((d) => `ou=${d}`), 'ou=people', suffix].join(
    ',',
  );
}

/** `count` people named u00000 … spread over {@link DEPARTMENTS}. */
export function people(count: number, domain = 'example.com'): Person[] {
  return Array.from({ length: count }, (_, i) => {
    const uid = `u${String(i).padStart(5, '0')}`;
    return {
      uid,
      cn: `User ${i}`,
      mail: `${uid}@${domain}`,
      department: DEPARTMENTS[i % DEPARTMENTS.length] as readonly string[],
      password: `pw-${uid}`,
    };
  });
}

export function personLdif(p: Person, suffix: string): string {
  return [
    `dn: ${personDn(p, suffix)}`,
    'objectClass: inetOrgPerson',
    `uid: ${p.uid}`,
    `cn: ${p.cn}`,
    `sn: ${p.cn.split(' ').at(-1)}`,
    `mail: ${p.mail}`,
    `userPassword: ${p.password}`,
    '',
    '',
  ].join('\n');
}

/**
 * The organisation skeleton (ou=people with the department OUs, ou=groups,
 * ou=services with the read-only service account `cn=jdmail`, password
 * `service-secret`) and the given people.
 */
export function companyLdif(suffix: string, persons: Person[]): string {
  const ous = new Set<string>();
  for (const d of DEPARTMENTS) for (let i = 1; i <= d.length; i++) ous.add(d.slice(0, i).join('/'));
  const ou = (path: string) =>
    `dn: ${[...path.split('/')]
      .reverse()
      .map((x) => `ou=${x}`)
      .join(',')},ou=people,${suffix}\nobjectClass: organizationalUnit\nou: ${path.split('/').at(-1)}\n\n`;
  return [
    `dn: ou=people,${suffix}\nobjectClass: organizationalUnit\nou: people\n\n`,
    `dn: ou=groups,${suffix}\nobjectClass: organizationalUnit\nou: groups\n\n`,
    `dn: ou=services,${suffix}\nobjectClass: organizationalUnit\nou: services\n\n`,
    `dn: cn=jdmail,ou=services,${suffix}\nobjectClass: organizationalRole\nobjectClass: simpleSecurityObject\ncn: jdmail\nuserPassword: service-secret\n\n`,
    ...[...ous].sort((a, b) => a.split('/').length - b.split('/').length).map(ou),
    ...persons.map((p) => personLdif(p, suffix)),
  ].join('');
}

/** A groupOfNames under ou=groups (member is required: an empty group lists the service account). */
export function groupLdif(suffix: string, cn: string, members: string[], mail?: string): string {
  const list = members.length ? members : [`cn=jdmail,ou=services,${suffix}`];
  return [
    `dn: cn=${cn},ou=groups,${suffix}`,
    'objectClass: groupOfNames',
    ...(mail ? ['objectClass: extensibleObject', `mail: ${mail}`] : []),
    `cn: ${cn}`,
    ...list.map((m) => `member: ${m}`),
    '',
    '',
  ].join('\n');
}
