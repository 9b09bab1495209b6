import type { components, operations } from './generated/api.js';

type Schemas = components['schemas'];

/** Query parameters of an operation, from the OpenAPI document. */
type QueryOf<Op extends keyof operations> = NonNullable<operations[Op]['parameters']['query']>;

export type Domain = Schemas['Domain'];
export type User = Schemas['User'];
export type BatchCreateUsersResult = Schemas['BatchCreateUsersResult'];
export type Group = Schemas['Group'];
export type GroupTreeNode = Schemas['GroupTreeNode'];
export type Mailbox = Schemas['Mailbox'];
export type Address = Schemas['Address'];
export type MessageSummary = Schemas['MessageSummary'];
export type MessageDetail = Schemas['MessageDetail'];
export type Attachment = Schemas['Attachment'];
export type UnreadCount = Schemas['UnreadCount'];
export type UnreadCountResult = Schemas['UnreadCountResult'];
export type SendResult = Schemas['SendResult'];
export type Problem = Schemas['Problem'];
export type App = Schemas['App'];
export type ApiKey = Schemas['ApiKey'];
export type ApiKeyCredentials = Schemas['ApiKeyCredentials'];
export type AppCredentials = Schemas['AppCredentials'];
export type LoginLink = Schemas['LoginLink'];
export type WidgetToken = Schemas['WidgetToken'];
export type Session = Schemas['Session'];
/** A user's own settings (`client.settings`). */
export type UserSettings = Schemas['UserSettings'];
export type UpdateUserSettingsInput = Schemas['UpdateUserSettings'];
export type ChangePasswordResult = Schemas['ChangePasswordResult'];
export type EndSessionsResult = Schemas['EndSessionsResult'];
export type DirectorySyncRun = Schemas['DirectorySyncRun'];
export type DirectorySyncReport = Schemas['DirectorySyncReport'];
export type AddressBookEntry = Schemas['AddressBookEntry'];
export type DepartmentTree = Schemas['DepartmentTree'];
export type QueueEntry = Schemas['QueueEntry'];
export type QueueRecipient = Schemas['QueueRecipient'];
export type TraceEvent = Schemas['TraceEvent'];
/** An event of the log: a CloudEvents 1.0 envelope whose `data` is typed by `type`. */
export type CloudEvent = Schemas['CloudEvent'];
/** The CloudEvent of one type: `EventOf<'message.new'>['data']` is a new message's data. */
export type EventOf<T extends CloudEvent['type']> = Extract<CloudEvent, { type: T }>;
export type EventPage = Schemas['EventPage'];
/** A department in the tree of `jd.directory.departments`: the same node as `jd.groups.tree`'s, departments only. */
export type DepartmentNode = GroupTreeNode;

export type CreateUserInput = Schemas['CreateUserRequest'];
export type UpdateUserInput = Schemas['UpdateUserRequest'];
export type CreateGroupInput = Schemas['CreateGroupRequest'];
export type UpdateGroupInput = Schemas['UpdateGroupRequest'];
export type UpdateMessageInput = Schemas['UpdateMessageRequest'];
/** One action on many messages (`jd.mail.batch`). */
export type MessageBatchInput = Schemas['MessageBatchRequest'];
export type MessageBatchResult = Schemas['MessageBatchResult'];
/** Options of `jd.mail.createMailbox`. */
export type CreateMailboxOptions = Partial<Omit<Schemas['CreateMailboxRequest'], 'name'>>;
/** Flags and keywords `jd.mail.setFlags` sets; absent fields stay as they are, `keywords` is replaced whole. */
export type MessageFlagsInput = Omit<Schemas['UpdateMessageRequest'], 'mailbox'>;
export type SendRequest = Schemas['SendRequest'];
export type SendAttachment = Schemas['SendAttachment'];
/**
 * An attachment's bytes: a base64 string (as the API takes it), or bytes the SDK encodes:
 * a `Uint8Array` (Node's `Buffer` is one), an `ArrayBuffer`, or a `Blob` (a browser `File`).
 */
export type AttachmentContent = string | Uint8Array | ArrayBuffer | Blob;
/** What `mail.send` takes: the API's request, with attachments given as bytes or base64. */
export type SendInput = Omit<SendRequest, 'attachments'> & {
  attachments?: SendInputAttachment[];
};
/** A file uploaded beforehand (`jd.mail.upload`), attached by its id. */
export type UploadAttachment = Schemas['UploadAttachment'];
/** An attachment of a stored message (`attachmentId`), or the whole message as `message/rfc822`. */
export type StoredAttachment = Schemas['StoredAttachment'];
/** One attachment of a send or draft: bytes or base64, an upload, or something stored. */
export type SendInputAttachment =
  | (Omit<SendAttachment, 'content'> & { content: AttachmentContent })
  | UploadAttachment
  | StoredAttachment;
/** What `mail.saveDraft` and `mail.replaceDraft` take: a send's fields, all optional. */
export type DraftInput = Partial<Omit<SendInput, 'draftId'>>;
/** A file uploaded to attach (`jd.mail.upload`). */
export type Upload = Schemas['Upload'];
export type CreateAppInput = Schemas['CreateAppRequest'];
export type UpdateAppInput = Schemas['UpdateAppRequest'];
export type CreateApiKeyInput = Schemas['CreateApiKeyRequest'];
export type DirectorySyncRequest = Schemas['DirectorySyncRequest'];

export type ListDomainsParams = QueryOf<'listDomains'>;
export type ListUsersParams = QueryOf<'listUsers'>;
export type ListMessagesParams = QueryOf<'listMessages'>;
export type ListAppsParams = QueryOf<'listApps'>;
export type ListApiKeysParams = QueryOf<'listApiKeys'>;
export type ListDirectorySyncsParams = QueryOf<'listDirectorySyncs'>;
export type AddressBookParams = QueryOf<'searchAddressBook'>;

/** Filter rules (`jd.filter`): a rule, its condition and actions, a stored rule set, a dry run. */
export type Rule = Schemas['Rule'];
/** A rule as written: `enabled` defaults to true. */
export type RuleInput = Omit<Rule, 'enabled'> & { enabled?: boolean };
export type RuleCondition = Schemas['RuleCondition'];
export type RuleAction = Schemas['RuleAction'];
export type StoredRules = Schemas['StoredRules'];
/** What `jd.filter.test` takes: the user, one of their messages, and optionally the rules to try. */
export type TestRulesInput = Omit<Schemas['TestRulesRequest'], 'rules'> & { rules?: { rules: RuleInput[] } };
export type RulesTestResult = Schemas['RulesTestResult'];
export type GroupPolicy = Schemas['GroupPolicy'];
/** A policy as written: absent fields take the open policy's values. */
export type GroupPolicyInput = Partial<GroupPolicy>;
/** What `jd.filter.trainSpam` takes: a message (`raw`, or a user's stored `messageId`) and its class. */
export type SpamTrainInput = Omit<Schemas['SpamTrainRequest'], 'encoding'> & {
  /** How `raw` is written; default `text`. */
  encoding?: 'text' | 'base64';
};
export type SpamTrainResult = Schemas['SpamTrainResult'];
export type ListQueueParams = QueryOf<'listQueue'>;
export type TraceMessagesParams = QueryOf<'traceMessages'>;
export type ListEventsParams = QueryOf<'listEvents'>;
export type ListQuarantineParams = QueryOf<'listQuarantine'>;
export type QuarantineEntry = Schemas['QuarantineEntry'];
export type QuarantineReleaseResult = Schemas['QuarantineReleaseResult'];
export type FilterResult = Schemas['FilterResult'];
export type WebhookEndpoint = Schemas['WebhookEndpoint'];
/** An endpoint and its signing secret, shown once (create, rotate). */
export type WebhookSecret = Schemas['WebhookSecret'];
export type WebhookAttempt = Schemas['WebhookAttempt'];
export type CreateWebhookInput = Schemas['CreateWebhook'];
export type UpdateWebhookInput = Schemas['UpdateWebhook'];
/** The admin console's views (`jd.admin`): the audit log and the dashboard. */
export type AuditEntry = Schemas['AuditEntry'];
export type ListAuditLogParams = QueryOf<'listAuditLog'>;
export type DashboardStats = Schemas['DashboardStats'];
export type DashboardStatsParams = QueryOf<'getDashboardStats'>;
export type SsoProviderStatus = Schemas['SsoProviderStatus'];
export type DirectorySource = Schemas['DirectorySource'];
