import type { ErrorCode } from '../../shared/index.js';

/**
 * What each error code means and what a client should do about it, for the
 * error reference at `/docs/errors`. Typed over every code, so a code added
 * to the catalogue without its explanation does not compile.
 */
export const ERROR_HELP: Record<ErrorCode, string> = {
  INTERNAL:
    'The server failed. Nothing the request did is half-done: retry later, and if it persists, the server’s log (by the time of the request) says why.',
  VALIDATION_FAILED:
    'The request names a field that is missing, malformed or out of range. `errors` lists each field (`address`, `query.limit`, `to[0]` …) with what is wrong; fix them and send again.',
  BAD_REQUEST:
    'The request cannot be read: the body is not JSON, or a header is malformed. Do not retry it unchanged.',
  NOT_FOUND: 'No such route, or an object the caller may not see. Check the method and path.',
  PAYLOAD_TOO_LARGE:
    'The request body is larger than this route takes. Routes open to anyone take a few KB, others `api.defaultBodyLimit`, the send route `api.bodyLimit`.',
  RATE_LIMITED:
    'Too many attempts: wait for the number of seconds in `Retry-After` (failed sign-ins, wrong keys). A valid key is never refused for others’ failures.',
  UNAVAILABLE: 'The server is starting, stopping or overloaded. Retry after a short wait.',
  STORAGE_FULL:
    'The server’s disk is full. Nothing was changed; retry later (reading mail still works). Administrators: free space or grow the volume.',
  UNAUTHENTICATED:
    'No credentials, or wrong ones: send `Authorization: Bearer <API key or app token>` (or Basic with a user’s address and password). An expired app token says `invalid_token`: get a new one.',
  FORBIDDEN:
    'The caller may see the object but not do this to it: a domain admin editing a system admin, a restricted caller doing something install-wide, or granting rights it lacks.',
  INSUFFICIENT_SCOPE:
    'The key or token lacks the scope the route needs (the route’s documentation names it). Use a key with that scope; the answer says nothing about the object.',
  CSRF_FAILED:
    'A state-changing request with the webmail’s session cookie must send the session’s `csrfToken` in `X-CSRF-Token`.',
  DOMAIN_NOT_FOUND:
    'No such domain — or one the caller may not manage: another tenant’s domain answers exactly like a missing one. When a body names an address, `field` says which.',
  DOMAIN_EXISTS: 'The domain is already served by this install.',
  DOMAIN_NOT_EMPTY: 'The domain still has users; delete or move them first.',
  USER_NOT_FOUND: 'No such user, or one in a domain the caller may not see (the two answer alike).',
  ADDRESS_TAKEN:
    'The address already belongs to a user, an alias or a group in one of the caller’s domains. Choose another, or change the holder first.',
  USER_DISABLED: 'The user is disabled: they cannot sign in and get no mail until an admin enables them.',
  GROUP_NOT_FOUND: 'No such group or department, or one in a domain the caller may not see.',
  GROUP_EXISTS: 'A group with this name already exists under the same parent.',
  GROUP_CYCLE: 'A group cannot be moved under itself or one of its own subgroups.',
  GROUP_NOT_EMPTY: 'The group still has subgroups; move or delete them first.',
  ALIAS_NOT_FOUND: 'No such alias.',
  USER_EXTERNALLY_MANAGED:
    'The user’s source of truth is outside jdmail — an LDAP/AD directory or an identity provider over SCIM (`source`). Their password lives there, so jdmail refuses to set one; change it in that directory or IdP.',
  EXTERNAL_ID_TAKEN:
    'Another user or group of the same domain already has this SCIM `externalId`. An identity provider gives each object its own; check the IdP’s mappings.',
  API_KEY_NOT_FOUND:
    'No such API key: never made, revoked, past its rotation’s grace period, or restricted to a domain the caller may not see.',
  APP_NOT_FOUND: 'No such app, or one the caller may not see.',
  DIRECTORY_UNAVAILABLE:
    'The company directory (LDAP/AD) cannot be reached to check the password. Temporary: try again; this is never “wrong password”.',
  SESSION_NOT_FOUND: 'No such web session (it may have ended already).',
  CURRENT_PASSWORD_WRONG:
    'A password change gave a wrong current password. It counts as a failed sign-in: after several, the login guard makes the user wait (429).',
  DIRECTORY_SOURCE_NOT_FOUND: 'No directory source of that name is configured (`ldap.sources`).',
  SYNC_RUN_NOT_FOUND: 'No directory sync run with that id.',
  MAILBOX_NOT_FOUND:
    'The user has no mailbox of that name (`INBOX` in any case; other names are case-sensitive).',
  MAILBOX_EXISTS:
    'A mailbox of the user already has this name (`INBOX` in any case counts as INBOX). Choose another name, or rename or delete the existing one first.',
  MAILBOX_NAME_INVALID:
    'Mailbox names are UTF-8 with levels separated by `/`: no empty level (no leading, trailing or double `/`), no control characters, `*` or `%`, at most 512 bytes and 32 levels; a mailbox cannot be renamed into itself.',
  MAILBOX_HAS_CHILDREN:
    'The mailbox has mailboxes under it. Delete (or move) those first; a mailbox is never deleted with its children.',
  MAILBOX_LIMIT: 'The user already has the most mailboxes one user may have (10,000). Delete some first.',
  MAILBOX_PROTECTED:
    'INBOX, Sent, Drafts, Junk and Trash cannot be deleted or renamed: mail is filed into them by name. (INBOX can be renamed: its messages move to the new mailbox and INBOX stays, empty.)',
  SPECIAL_USE_INVALID:
    'The special use is not one a mailbox can be made with (`\\Archive`, `\\Drafts`, `\\Junk`, `\\Sent`, `\\Trash`), or another of the user’s mailboxes already has it.',
  MESSAGE_NOT_FOUND: 'No such message in this user’s mail (it may have been deleted).',
  ATTACHMENT_NOT_FOUND: 'The message has no part with that id; take ids from the message’s `attachments`.',
  UPLOAD_NOT_FOUND:
    'No upload of this user has that id: it was deleted, it expired (uploads are kept 24 hours), or it is another user’s. Upload the file again.',
  QUOTA_EXCEEDED: 'A recipient’s mailbox is full. The sender can retry once they have made room.',
  MESSAGE_TOO_LARGE: 'The message is larger than `smtp.maxMessageSize`.',
  HEADER_TOO_LARGE:
    'The message’s header section is over the intake bound (512 KiB or 5,000 lines): shorten display names or recipient lists.',
  RECIPIENT_NOT_LOCAL: 'The recipient is not in a domain this server serves.',
  RECIPIENT_UNKNOWN: 'No user, alias or group has this address.',
  SENDER_NOT_ALLOWED: 'The sender address is not the user’s own address or alias.',
  SEND_RATE_LIMITED:
    'The sender, or all senders of their domain together, sent as many messages or to as many recipients in the last hour as `sending.*` allows. Nothing was sent; retry after `Retry-After` seconds.',
  MAIL_AUTH_REJECTED:
    'The MX refused a message: it failed DMARC for a domain whose policy is reject, or claims a local sender without an aligned SPF or DKIM pass.',
  MAIL_AUTH_TEMPFAIL:
    'A DNS failure kept the MX from authenticating a message; the sending server should retry.',
  FILTER_REJECTED:
    'The filter refused a message: a virus was found, a rule says reject, or (outbound, `filter.outboundSpam: reject`) it scored as spam. Over SMTP the answer says which (e.g. `554 5.7.1 virus: NAME`); the send API answers 422 with the same text. Nothing was sent.',
  FILTER_TEMPFAIL:
    'A filter stage could not run (clamd down, rules over their time budget); the sending server should retry.',
  INVALID_CURSOR: 'The `cursor` is not one this list gave out: pass `nextCursor` back as it came.',
  SYNC_TOKEN_EXPIRED:
    'The delta-sync token can no longer be answered exactly (a folder it knew was deleted or recreated, or the change journal was pruned past it). Drop your copy and sync again without `since`.',
  EVENT_STREAMS_EXCEEDED:
    'This credential already holds the most event streams allowed (`sse.maxStreamsPerCredential`). Close one, or share one stream in your integration.',
  IDEMPOTENCY_KEY_IN_USE:
    'An earlier request with this `Idempotency-Key` is still running. Retry shortly with the same key: you will get its result.',
  IDEMPOTENCY_KEY_REUSED:
    'This `Idempotency-Key` was used for a different request within 24 hours. Use a new key for a new message.',
  QUEUE_ENTRY_NOT_FOUND:
    'No such entry in the outbound queue, or one outside the domains the caller administers. An entry leaves the queue once every recipient is delivered or has failed: its trace (`GET /api/v1/messages/trace`) tells what happened.',
  EVENTS_CURSOR_EXPIRED:
    'Events after this cursor were removed by the retention (`events.retentionDays`), so following it would miss some. Resync: read the current state (users, messages) again, then follow the log from `oldest` - 1, which the problem gives.',
  WEBHOOK_NOT_FOUND:
    'No such webhook endpoint, or one outside the domains the caller administers (an install-wide endpoint is seen only by unrestricted callers).',
  WEBHOOK_TARGET_REFUSED:
    'The endpoint URL names, or its host name resolves to, a loopback, private, link-local, multicast or unspecified address (IPv4 or IPv6). Use a public address, or set `webhooks.allowPrivateTargets` on a closed network.',
  QUARANTINE_ENTRY_NOT_FOUND:
    'No such message in quarantine, or one for recipients outside the domains the caller administers. A released or deleted message leaves the quarantine.',
  ORIGIN_NOT_ALLOWED:
    'A widget token (or a CORS preflight) came from a web page whose origin is not in the minting app’s `allowedOrigins`. Add the portal’s origin (`https://portal.example.com`, no path) to the app, or embed the widget on a listed page. No CORS headers are sent with this answer.',
  NO_ALLOWED_ORIGINS:
    'Widget tokens work only from the origins listed on the app that mints them, and this app lists none. Set `allowedOrigins` on the app (`PATCH /api/v1/apps/{clientId}`), then mint again.',
  SSO_FAILED:
    'Single sign-on did not complete (refused, replayed or foreign ticket or token, unknown or disabled user).',
  SSO_UNAVAILABLE: 'The identity provider cannot be reached. Try again later.',
  UNSUPPORTED_MEDIA_TYPE: 'Send request bodies as `application/json` (the token endpoint: a form).',
};
