// An OA workflow step that mails its outcome: node index.mjs <step id> <from> <to> <file>
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { JdMail } from '@jdmail/sdk';

const [step, from, to, file] = process.argv.slice(2);
if (!/^[\w-]+$/.test(step ?? '')) throw new Error('usage: node index.mjs <step id> <from> <to> <file>');
const jd = new JdMail({ baseUrl: process.env.JDMAIL_URL, token: process.env.JDMAIL_TOKEN });
// The step id is the idempotency key: a step run again (a retry, a restarted worker) mails nothing new.
const sent = await jd.mail.send(
  from,
  {
    to: [to],
    replyTo: [from],
    subject: `Leave request ${step}: approved`,
    html: `<p>Your leave request <b>${step}</b> was approved.</p><p><a href="https://oa.example.com/leave/${step}">Open it in OA</a></p>`,
    attachments: [{ filename: basename(file), content: readFileSync(file) }],
  },
  { idempotencyKey: `leave-${step}-approved` },
);
console.log(`${step}: ${sent.messageId}`);
