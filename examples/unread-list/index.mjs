import { JdMail } from '@jdmail/sdk';

// An API key (JDMAIL_TOKEN), or a registered app's client credentials: then the SDK gets app tokens itself.
const auth = process.env.JDMAIL_CLIENT_ID
  ? { clientId: process.env.JDMAIL_CLIENT_ID, clientSecret: process.env.JDMAIL_CLIENT_SECRET }
  : { token: process.env.JDMAIL_TOKEN };
const jd = new JdMail({ baseUrl: process.env.JDMAIL_URL, ...auth });
const user = process.argv[2] ?? 'alice@example.net';
const { unread } = await jd.mail.unreadCount(user);
const latest = await jd.mail.listUnread(user, { limit: 5 });
console.log(`${user}: ${unread} unread`);
for (const m of latest.items) console.log(`- ${m.from.name || m.from.address}: ${m.subject}`);
