// A child process holding its share of the IDLE sessions (see idle-workers.ts): one process can
// have only as many sockets as its open-file limit allows.
import { type HoldOptions, holdIdleSessions } from './idle-hold.js';

process.once('message', async (o: HoldOptions) => {
  const h = await holdIdleSessions(o);
  process.send?.({ held: h.held, failed: h.failed, errors: h.errors, setupMs: h.setupMs });
  process.once('message', async () => {
    await h.close();
    process.exit(0);
  });
});
