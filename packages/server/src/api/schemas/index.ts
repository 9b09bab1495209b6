import type { TSchema } from 'typebox';
import { CreateDomainBody, DomainModel, DomainPage } from './domain.js';
import {
  AddMembersBody,
  CreateGroupBody,
  GroupMembers,
  GroupModel,
  GroupTree,
  GroupTreeNodeModel,
  UpdateGroupBody,
} from './group.js';
import {
  AddressModel,
  AttachmentModel,
  HeaderModel,
  MailboxList,
  MailboxModel,
  MessageDetailModel,
  MessagePage,
  MessageSummaryModel,
  SendBody,
  SendResult,
  UnreadCount,
  UnreadCounts,
  UnreadCountsBody,
  UpdateMessageBody,
} from './mail.js';
import { FieldError, Problem } from './problem.js';
import { CreateUserBody, UpdateUserBody, UserModel, UserPage } from './user.js';

/** Every named model, registered once with `app.addSchema` and emitted as an OpenAPI component. */
export const MODELS: readonly TSchema[] = [
  FieldError,
  Problem,
  DomainModel,
  CreateDomainBody,
  DomainPage,
  UserModel,
  CreateUserBody,
  UpdateUserBody,
  UserPage,
  GroupModel,
  GroupTreeNodeModel,
  GroupTree,
  CreateGroupBody,
  UpdateGroupBody,
  GroupMembers,
  AddMembersBody,
  AddressModel,
  MailboxModel,
  MailboxList,
  MessageSummaryModel,
  MessagePage,
  AttachmentModel,
  HeaderModel,
  MessageDetailModel,
  UpdateMessageBody,
  UnreadCount,
  UnreadCountsBody,
  UnreadCounts,
  SendBody,
  SendResult,
];
