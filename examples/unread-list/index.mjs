import { JdMail } from '@jdmail/sdk';

const jd = new JdMail({ baseUrl: process.env.JDMAIL_URL, token: process.env.JDMAIL_TOKEN });
const user = process.argv[2] ?? 'alice@example.com';
const { unread } = await jd.mail.unreadCount(user);
const latest = await jd.mail.listUnread(user, { limit: 5 });
console.log(`${user}: ${unread} unread`);
for (const m of latest.items) console.log(`- ${m.from.name || m.from.address}: ${m.subject}`);
