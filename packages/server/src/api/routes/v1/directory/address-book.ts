import { Type } from 'typebox';
import type { AddressBook } from '../../../../directory/index.js';
import { AppError, normalizeDomain } from '../../../../shared/index.js';
import { principalOf, readableAddressBooks } from '../../../auth/index.js';
import type { Principal } from '../../../auth/principal.js';
import { Cursor, DomainName, Limit, ref } from '../../../schemas/common.js';
import {
  AddressBookPage,
  DepartmentTree,
  toAddressBookEntryJson,
  toDepartmentJson,
} from '../../../schemas/directory.js';
import { op, problems } from '../../op.js';
import type { V1Plugin } from '../deps.js';

const CALLERS =
  'every user for their own domain (webmail autocomplete), domain admins for theirs, keys for theirs';

function service(s: AddressBook | undefined): AddressBook {
  if (!s) throw new AppError('UNAVAILABLE', 'The address book is not available on this server');
  return s;
}

/** A domain the caller named: DOMAIN_NOT_FOUND when they may not read its address book (as if it did not exist). */
function readable(visible: ReadonlySet<string> | null, domain: string): string {
  if (visible && !visible.has(domain))
    throw new AppError('DOMAIN_NOT_FOUND', `domain ${domain} does not exist`);
  return domain;
}

/** The domain a departments request is about: the one named, else the caller's own. */
function departmentsDomain(p: Principal, visible: ReadonlySet<string> | null, named: string | undefined) {
  if (named !== undefined) return readable(visible, normalizeDomain(named));
  if (p.kind === 'user') return p.domain;
  if (p.domain !== null) return p.domain;
  throw new AppError('VALIDATION_FAILED', 'query.domain: required for a key that sees every domain', {
    field: 'query.domain',
  });
}

/** `/directory/address-book` and `/directory/departments`: the global address book and the org tree. */
export const addressBookRoutes: V1Plugin = async (app, { directory, addressBook }) => {
  app.get(
    '/directory/address-book',
    op(
      {
        operationId: 'searchAddressBook',
        tag: 'directory',
        summary: 'Search the global address book',
        description:
          'Enabled users and groups with a distribution address, ordered by address. `q` matches name, ' +
          'address or (users) department, and a Chinese name also by its pinyin, full or initials ' +
          '(`zhangsan`, `zs` → 张三; keys stored with the name, so a large directory answers as fast as ' +
          'a name search); `group` lists the direct members of one department or group.',
        scope: 'directory:read',
        callers: CALLERS,
      },
      {
        querystring: Type.Object({
          q: Type.Optional(
            Type.String({ minLength: 1, maxLength: 256, description: 'Substring to search for' }),
          ),
          domain: Type.Optional(DomainName('Only this domain')),
          group: Type.Optional(
            Type.String({
              minLength: 1,
              maxLength: 64,
              description: 'Only members of this department or group',
            }),
          ),
          limit: Type.Optional(Limit),
          cursor: Type.Optional(Cursor),
        }),
        response: { 200: ref(AddressBookPage, 'A page of entries'), ...problems(400, 403, 404, 422) },
      },
    ),
    async (request) => {
      const visible = readableAddressBooks(principalOf(request));
      const { q, limit = 50, cursor } = request.query;
      const domain =
        request.query.domain === undefined
          ? undefined
          : readable(visible, normalizeDomain(request.query.domain));
      let groupId: string | undefined;
      if (request.query.group !== undefined) {
        const group = await directory.getGroup(request.query.group);
        if (visible && !visible.has(group.domain)) throw new AppError('GROUP_NOT_FOUND');
        groupId = group.id;
      }
      const page = await service(addressBook).search({
        q,
        domain,
        groupId,
        visibleDomains: visible,
        limit,
        cursor,
      });
      return { items: page.items.map(toAddressBookEntryJson), nextCursor: page.nextCursor };
    },
  );

  app.get(
    '/directory/departments',
    op(
      {
        operationId: 'getDepartments',
        tag: 'directory',
        summary: 'Get the department tree',
        description:
          'The departments of a domain (default: the caller’s own) as a tree, with enabled member counts — ' +
          'the data behind an org chart. Members: `GET /directory/address-book?group={id}`.',
        scope: 'directory:read',
        callers: CALLERS,
      },
      {
        querystring: Type.Object({ domain: Type.Optional(DomainName('The domain (default: your own)')) }),
        response: { 200: ref(DepartmentTree, 'The tree'), ...problems(403, 404, 422) },
      },
    ),
    async (request) => {
      const principal = principalOf(request);
      const visible = readableAddressBooks(principal);
      const domain = departmentsDomain(principal, visible, request.query.domain);
      await directory.getDomain(domain);
      const roots = await service(addressBook).departments(domain);
      return { domain, items: roots.map(toDepartmentJson) };
    },
  );
};
