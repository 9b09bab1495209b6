import { describe, expect, it } from 'vitest';
import { ENTERPRISE_SCHEMA, GROUP_CATALOG, USER_CATALOG } from '../catalog.js';
import { ScimError } from '../errors.js';
import { matches, parseFilter, requiredEquality } from './index.js';

const babs = {
  id: 'u1',
  externalId: 'AbC',
  userName: 'bjensen@example.com',
  displayName: "Babs O'Malley",
  active: true,
  emails: [
    { value: 'bjensen@example.com', type: 'work', primary: true },
    { value: 'babs@example.org', type: 'other' },
  ],
  [ENTERPRISE_SCHEMA]: { department: 'Tour Operations' },
  meta: { created: '2026-01-02T00:00:00.000Z', lastModified: '2026-03-04T00:00:00.000Z', version: 'W/"x"' },
};
const test = (filter: string, resource: object = babs) =>
  matches(parseFilter(filter, USER_CATALOG), resource, USER_CATALOG);

describe('SCIM filters (RFC 7644 §3.4.2.2)', () => {
  it('compares with every operator, strings case-insensitively unless caseExact', () => {
    expect(test('userName eq "BJENSEN@example.com"')).toBe(true);
    expect(test('displayName co "o\'malley"')).toBe(true);
    expect(test('userName sw "bj" and userName ew ".com"')).toBe(true);
    expect(test('userName ne "bjensen@example.com"')).toBe(false);
    expect(test('externalId eq "abc"')).toBe(false); // caseExact
    expect(test('externalId eq "AbC"')).toBe(true);
    expect(test('meta.lastModified gt "2026-03-01T00:00:00Z"')).toBe(true);
    expect(test('meta.created ge "2026-01-02T00:00:00Z" and meta.created lt "2026-01-03T00:00:00Z"')).toBe(
      true,
    );
    expect(test('active eq false')).toBe(false);
    expect(test('active eq "True"')).toBe(true); // Entra ID's string booleans
    expect(test(`${ENTERPRISE_SCHEMA}:department eq "tour operations"`)).toBe(true);
    expect(test('urn:ietf:params:scim:schemas:core:2.0:User:userName sw "b"')).toBe(true);
  });

  it('binds and tighter than or, and not negates the whole group', () => {
    expect(test('userName eq "x" or userName eq "bjensen@example.com" and active eq false')).toBe(false);
    expect(test('(userName eq "x" or userName eq "bjensen@example.com") and active eq true')).toBe(true);
    // not (A or B) is (not A) and (not B): true only when neither holds.
    expect(test('not (userName eq "x" or displayName co "malley")')).toBe(false);
    expect(test('not (userName eq "x" or displayName eq "y")')).toBe(true);
    expect(test('not (active eq true)')).toBe(false);
  });

  it('matches a multi-valued attribute element-wise with [ ], any element with a dotted path', () => {
    expect(test('emails[type eq "work" and value co "@example.com"]')).toBe(true);
    // The same element must satisfy both: the work email is not at example.org.
    expect(test('emails[type eq "work" and value co "example.org"]')).toBe(false);
    expect(test('emails.value eq "babs@example.org"')).toBe(true);
    expect(test('emails eq "babs@example.org"')).toBe(true); // the value sub-attribute (RFC 7644 §3.4.2.2)
    expect(test('emails pr and groups pr')).toBe(false);
    expect(test('externalId pr')).toBe(true);
    expect(test('externalId pr', { ...babs, externalId: undefined })).toBe(false);
    expect(test('externalId ne "zzz"', { userName: 'x' })).toBe(true);
  });

  it('refuses malformed filters with invalidFilter', () => {
    for (const bad of [
      '',
      '   ',
      'userName',
      'userName eq',
      'userName eq bare',
      'userName like "x"',
      'userName eq "x" and',
      'and userName eq "x"',
      '(userName eq "x"',
      'userName eq "x")',
      'externalId eq "a\\u0000b"',
      'not userName eq "x"',
      'eq "x"',
      'nickName eq "x"',
      'emails[type eq "work"',
      'displayName[value eq "x"]',
      'name co "x"',
      'active co "t"',
      'active gt true',
      'userName gt null',
      'userName eq "unterminated',
      'userName eq "\\q"',
      'userName eq "x" % 2',
      `${'('.repeat(40)}userName eq "x"${')'.repeat(40)}`,
      `userName eq "${'x'.repeat(4100)}"`,
    ]) {
      let error: unknown;
      try {
        parseFilter(bad, USER_CATALOG);
      } catch (err) {
        error = err;
      }
      expect(error, bad).toBeInstanceOf(ScimError);
      expect(error, bad).toMatchObject({ status: 400, scimType: 'invalidFilter' });
    }
  });

  it('knows each resource type’s own attributes', () => {
    expect(() => parseFilter('members.value eq "u1"', GROUP_CATALOG)).not.toThrow();
    expect(() => parseFilter('userName eq "x"', GROUP_CATALOG)).toThrow(ScimError);
    expect(() => parseFilter('members[value eq "u1"]', USER_CATALOG)).toThrow(ScimError);
  });

  it('finds the equality a list can look up instead of scanning', () => {
    const f = (s: string) => parseFilter(s, USER_CATALOG);
    expect(requiredEquality(f('userName eq "a@b.c"'), 'username')).toBe('a@b.c');
    expect(requiredEquality(f('active eq true and userName eq "a@b.c"'), 'username')).toBe('a@b.c');
    expect(requiredEquality(f('emails[value eq "a@b.c"]'), 'emails.value')).toBe('a@b.c');
    expect(requiredEquality(f('userName eq "a@b.c" or active eq true'), 'username')).toBeUndefined();
    expect(requiredEquality(f('not (userName eq "a@b.c")'), 'username')).toBeUndefined();
    expect(requiredEquality(f('userName co "a@b.c"'), 'username')).toBeUndefined();
  });
});
