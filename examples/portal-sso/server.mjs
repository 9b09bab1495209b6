// A tiny OA portal backend: employees are already signed in to the portal;
// its "Mail" link sends them into jdmail's webmail without a second password,
// through a one-click login link made with @jdmail/sdk.
import { createServer } from 'node:http';
import { JdMail } from '@jdmail/sdk';

// A key with the sso:issue scope (jdmail apikey create --name portal --scopes sso:issue).
const jd = new JdMail({ baseUrl: process.env.JDMAIL_URL, token: process.env.JDMAIL_TOKEN });

// Stand-in for the portal's own sign-in: a real portal knows the employee
// from its session (or its SSO). Never take the user from the request as-is.
const sessions = new Map(); // portal session id → employee address
const employeeOf = (req) => sessions.get(/(?:^|;\s*)portal_sid=([\w-]+)/.exec(req.headers.cookie ?? '')?.[1]);

const server = createServer(async (req, res) => {
  const url = new URL(req.url, 'http://portal.local');
  try {
    if (url.pathname === '/demo-login') {
      // Demo only: "signs in" to the portal as ?user=.
      const sid = crypto.randomUUID();
      sessions.set(sid, url.searchParams.get('user'));
      res
        .writeHead(302, { location: '/', 'set-cookie': `portal_sid=${sid}; HttpOnly; SameSite=Lax; Path=/` })
        .end();
      return;
    }
    const employee = employeeOf(req);
    if (!employee) {
      res.writeHead(401, { 'content-type': 'text/plain' }).end('Sign in to the portal first.\n');
      return;
    }
    if (url.pathname === '/mail') {
      // One link per click: it works once and only for a minute, so make it
      // now and send the browser straight to it.
      const { url: link } = await jd.sso.createLoginLink(employee, {
        redirect: url.searchParams.get('open') ?? '/',
      });
      res.writeHead(302, { location: link, 'cache-control': 'no-store' }).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(`<p>Welcome, ${employee.replace(/[<&>"]/g, '')}.</p><p><a href="/mail">Mail</a></p>\n`);
  } catch (err) {
    console.error(`portal: ${err.code ?? ''} ${err.message}`);
    res.writeHead(502, { 'content-type': 'text/plain' }).end('Mail is not available right now.\n');
  }
});

server.listen(Number(process.env.PORT ?? 3000), '127.0.0.1', () => {
  console.log(`portal listening on http://127.0.0.1:${server.address().port}`);
});
