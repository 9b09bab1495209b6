import { type Static, Type } from 'typebox';
import type { Group, GroupTreeNode } from '../../directory/index.js';
import { AddressString, DomainName, Nullable, ref } from './common.js';
import { UserModel } from './user.js';

export const GroupKind = Type.Unsafe<'department' | 'group'>({
  type: 'string',
  enum: ['department', 'group'],
  description: '`department`: part of the organisation tree; `group`: any other set of users',
});

const groupFields = {
  id: Type.String(),
  domain: Type.String(),
  name: Type.String(),
  kind: GroupKind,
  parentId: Nullable(Type.String({ description: 'Parent group; null at the top level' })),
  address: Nullable(Type.String({ description: 'Distribution address: mail to it reaches every member' })),
  sortOrder: Type.Integer({ description: 'Position among siblings (ascending)' }),
  memberCount: Type.Integer({
    minimum: 0,
    description: 'Direct members (in the department tree of /directory/departments: enabled ones only)',
  }),
  source: Nullable(
    Type.String({ description: 'Directory source (LDAP/AD) it is synced from; null if made in jdmail' }),
  ),
};

export const GroupModel = Type.Object(groupFields, {
  $id: 'Group',
  title: 'Group',
  description: 'A department or group within one domain',
});

export const GroupTreeNodeModel = Type.Object(
  {
    ...groupFields,
    children: Type.Array(Type.Unsafe<GroupTreeJson>({ $ref: 'GroupTreeNode' }), {
      description: 'Subgroups, by sortOrder then name',
    }),
  },
  { $id: 'GroupTreeNode', title: 'GroupTreeNode', description: 'A group with its subgroups' },
);

export const GroupTree = Type.Object(
  {
    domain: Type.String(),
    items: Type.Array(ref(GroupTreeNodeModel), { description: 'Top-level groups' }),
  },
  { $id: 'GroupTree', title: 'GroupTree', description: "A domain's groups as a tree" },
);

export const CreateGroupBody = Type.Object(
  {
    domain: DomainName('Domain the group belongs to'),
    name: Type.String({ minLength: 1, maxLength: 256 }),
    kind: {
      ...GroupKind,
      description:
        'Required: `department` (the org chart; users’ departments) or `group` (a mailing list, a team: any other set of users)',
    },
    parentId: Type.Optional(Nullable(Type.String({ maxLength: 64 }))),
    address: Type.Optional(Nullable(AddressString('Distribution address in the same domain'))),
    sortOrder: Type.Optional(Type.Integer()),
  },
  { $id: 'CreateGroupRequest', title: 'CreateGroupRequest', additionalProperties: false },
);

export const UpdateGroupBody = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 256 })),
    parentId: Type.Optional(Nullable(Type.String({ maxLength: 64 }))),
    address: Type.Optional(Nullable(AddressString('Distribution address in the same domain'))),
    sortOrder: Type.Optional(Type.Integer()),
  },
  {
    $id: 'UpdateGroupRequest',
    title: 'UpdateGroupRequest',
    additionalProperties: false,
    minProperties: 1,
    description: 'Only the given fields change; `parentId: null` moves the group to the top level',
  },
);

export const GroupMembers = Type.Object(
  { items: Type.Array(ref(UserModel)) },
  { $id: 'GroupMembers', title: 'GroupMembers', description: 'The direct members of a group' },
);

export const AddMembersBody = Type.Object(
  { addresses: Type.Array(AddressString('Address of a user to add'), { minItems: 1, maxItems: 1000 }) },
  { $id: 'AddMembersRequest', title: 'AddMembersRequest', additionalProperties: false },
);

export type GroupJson = Static<typeof GroupModel>;
export type GroupTreeJson = GroupJson & { children: GroupTreeJson[] };

export const toGroupJson = (g: Group): GroupJson => ({
  id: g.id,
  domain: g.domain,
  name: g.name,
  kind: g.kind,
  parentId: g.parentId,
  address: g.address,
  sortOrder: g.sortOrder,
  memberCount: g.memberCount,
  source: g.source,
});

export const toGroupTreeJson = (n: GroupTreeNode): GroupTreeJson => ({
  ...toGroupJson(n),
  children: n.children.map(toGroupTreeJson),
});
