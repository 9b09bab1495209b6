import { Readable } from 'node:stream';
import type { Logger } from 'pino';
import type { Directory } from '../directory/index.js';
import type { DeliveredCopy, DeliveredMessage } from '../mail/index.js';
import { autoReplyMessage, autoReplyRefusal, autoReplySubject } from './auto-reply.js';
import { deliveredTo, forwardRefusal } from './forwarding.js';
import { fieldValue, type HeaderField, headerFields } from './header-fields.js';
import type { SendNew } from './send-new.js';
import type { SettingsStore } from './settings-store.js';
import type { UserSettings } from './types.js';

export interface AfterDeliveryDeps {
  settings: Pick<SettingsStore, 'get' | 'claimAutoReply'>;
  directory: Pick<Directory, 'getUser'>;
  sendNew: SendNew;
  /** The stored message (our trace on top), read again for a forward. */
  readBody(blobId: string): Readable;
  /** Removes a delivered copy (forwarding without keeping a copy). */
  deleteCopy(address: string, messageId: string): Promise<void>;
  hostname: string;
  log: Logger;
  now?: () => number;
}

/** What one copy's step needs of the message, computed once for all copies. */
interface Shared {
  message: DeliveredMessage;
  fields: HeaderField[];
  addressedTo: string[];
}

/**
 * The step after a message is committed to its recipients' mailboxes: each
 * recipient's auto-reply (settings.vacation) and forwarding
 * (settings.forwarding). Every failure is logged and undoes nothing: the
 * delivery stands, and a copy whose forward could not be sent is kept.
 */
export function createAfterDelivery(deps: AfterDeliveryDeps): (message: DeliveredMessage) => Promise<void> {
  const { log } = deps;
  const now = deps.now ?? Date.now;

  async function autoReply(s: Shared, copy: DeliveredCopy, settings: UserSettings, own: Set<string>) {
    const { message } = s;
    const refusal = autoReplyRefusal({
      mailFrom: message.mailFrom,
      fields: s.fields,
      addressedTo: s.addressedTo,
      own,
      junk: copy.junk,
      vacation: settings.vacation,
      now: now(),
    });
    if (refusal) {
      if (refusal !== 'off') log.debug({ user: copy.address, refusal }, 'no auto-reply');
      return;
    }
    const sender = message.mailFrom.toLowerCase();
    if (!(await deps.settings.claimAutoReply(copy.userId, sender, settings.vacation.days, now()))) return;
    const user = await deps.directory.getUser(copy.address);
    const raw = autoReplyMessage({
      from: { address: user.address, name: user.displayName },
      to: sender,
      subject: autoReplySubject(settings.vacation, message.subject),
      text: settings.vacation.text,
      original: { messageId: message.headerMessageId, references: fieldValue(s.fields, 'references') },
      hostname: deps.hostname,
      now: now(),
    });
    // RFC 3834 §3.3: the null return path, so that nothing answers the answer.
    await deps.sendNew({
      mailFrom: '',
      recipients: [sender],
      body: () => Readable.from([Buffer.from(raw, 'utf8')]),
      why: `auto-reply of ${user.address}`,
    });
    log.info({ user: user.address }, 'auto-reply sent');
  }

  async function forward(s: Shared, copy: DeliveredCopy, settings: UserSettings) {
    const f = settings.forwarding;
    if (!f.enabled || f.to.length === 0) return;
    const refusal = forwardRefusal({ fields: s.fields, address: copy.address, junk: copy.junk });
    if (refusal) {
      log.info({ user: copy.address, refusal }, 'message not forwarded');
      return;
    }
    const to = f.to.filter((a) => a !== copy.address);
    try {
      // The user's own address as the return path: SPF checks it against us, and bounces come back to them.
      await deps.sendNew({
        mailFrom: copy.address,
        recipients: to,
        body: () => prefixed(deliveredTo(copy.address), deps.readBody(s.message.blobId)),
        why: `forwarding of ${copy.address}`,
      });
    } catch (err) {
      log.warn({ err, user: copy.address }, 'could not forward; the copy is kept');
      return;
    }
    if (!f.keepCopy) await deps.deleteCopy(copy.address, copy.messageId);
  }

  return async (message) => {
    if (message.copies.length === 0) return;
    const fields = headerFields(message.head);
    const addressedTo = [...message.to, ...message.cc].map((a) => a.address.toLowerCase());
    const shared: Shared = { message, fields, addressedTo };
    for (const copy of message.copies) {
      try {
        const settings = await deps.settings.get(copy.userId);
        if (!settings.vacation.enabled && !settings.forwarding.enabled) continue;
        const user = settings.vacation.enabled ? await deps.directory.getUser(copy.address) : null;
        const own = new Set([copy.address, ...(user?.aliases ?? [])].map((a) => a.toLowerCase()));
        await autoReply(shared, copy, settings, own).catch((err: unknown) =>
          log.warn({ err, user: copy.address }, 'auto-reply failed'),
        );
        await forward(shared, copy, settings);
      } catch (err) {
        log.warn({ err, user: copy.address }, 'the delivery step of a user’s settings failed');
      }
    }
  };
}

/** A stream of `head` then the bytes of `rest`. */
function prefixed(head: string, rest: Readable): Readable {
  return Readable.from(
    (async function* () {
      yield Buffer.from(head, 'utf8');
      for await (const chunk of rest) yield chunk as Buffer;
    })(),
  );
}
