import { readFileSync } from 'node:fs';
import { it } from 'vitest';
import { runCompliance } from './harness/imaptest.js';
it('probe', async () => {
  const port = Number(readFileSync('/tmp/imapsmoke/port', 'utf8'));
  const r = await runCompliance({ port, user: 'alice@example.com', password: 'correct horse battery' });
  const summary = Object.entries(r.groups).map(([k, g]) => `${k}: ${g.status} ${JSON.stringify(g.detail ?? '').slice(0, 600)}`);
  console.log(JSON.stringify(r.totals));
  console.log(summary.join('\n'));
}, 600_000);
