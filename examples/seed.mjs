// Example data for the examples in this folder, on any jdmail server:
// the domain example.net, its users alice, bob and hr, and two messages from
// Bob to Alice. Safe to run again: what exists is kept, and the messages are
// sent only by the run that created Alice, so a second run changes nothing.
//
//   JDMAIL_URL=http://localhost:8080 JDMAIL_TOKEN=<a key with scope *> node examples/seed.mjs
import { ConflictError, JdMail } from '@jdmail/sdk';

const jd = new JdMail({ baseUrl: process.env.JDMAIL_URL, token: process.env.JDMAIL_TOKEN });
const exists = (err) => {
  if (!(err instanceof ConflictError)) throw err; // DOMAIN_EXISTS, ADDRESS_TAKEN: there already
  return null;
};

await jd.domains.create('example.net').catch(exists);
const created = [];
for (const [local, displayName, password] of [
  ['alice', 'Alice', 'alice-example-password'],
  ['bob', 'Bob', undefined],
  ['hr', 'HR', undefined],
]) {
  const user = await jd.users
    .create({ address: `${local}@example.net`, displayName, password })
    .catch(exists);
  if (user) created.push(local);
}
if (created.includes('alice')) {
  for (const [subject, text] of [
    ['Lunch on Friday?', 'Noodles at noon?'],
    ['Your laptop is ready', 'Pick it up in room 3.'],
  ]) {
    await jd.mail.send('bob@example.net', { to: ['alice@example.net'], subject, text });
  }
}
console.log(created.length ? `example.net: created ${created.join(', ')}` : 'example.net: already there');
