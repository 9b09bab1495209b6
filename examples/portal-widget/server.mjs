// A tiny intranet portal: its home page shows the signed-in employee's
// inbox with jdmail's <jdmail-inbox> widget. The backend mints the widget's
// token with @jdmail/sdk (an app with widget:issue and sso:issue whose
// allowedOrigins lists this portal); the page is the two lines of HTML.
import { createServer } from 'node:http';
import { JdMail } from '@jdmail/sdk';

const JDMAIL_URL = process.env.JDMAIL_URL;
// The app's client credentials: the SDK fetches and renews its access tokens.
const jd = new JdMail({
  baseUrl: JDMAIL_URL,
  clientId: process.env.JDMAIL_CLIENT_ID,
  clientSecret: process.env.JDMAIL_CLIENT_SECRET,
});

// Stand-in for the portal's own sign-in: a real portal knows the employee
// from its session (or its SSO). Never take the user from the request as-is.
const sessions = new Map(); // portal session id → employee address
const employeeOf = (req) => sessions.get(/(?:^|;\s*)portal_sid=([\w-]+)/.exec(req.headers.cookie ?? '')?.[1]);

const html = (s) => String(s).replace(/[<&>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The portal's home page. The widget is the two lines marked below; the rest is the portal's own. */
function page(employee, token, { lang, theme }) {
  return `<!doctype html>
<html lang="${html(lang)}">
<head><meta charset="utf-8"><title>Portal</title><link rel="stylesheet" href="/portal.css"></head>
<body class="${theme === 'dark' ? 'dark' : ''}">
<h1>${lang.startsWith('zh') ? '企业门户' : 'Intranet'}</h1>
<p>${html(employee)}</p>
<!-- the widget: two lines -->
<script type="module" src="${html(JDMAIL_URL)}/widget/jdmail-inbox.js"></script>
<jdmail-inbox token="${html(token)}" limit="5"${theme ? ` theme="${html(theme)}"` : ''}></jdmail-inbox>
<!-- renewal: when the token is about to expire, ask this backend for a new one -->
<script type="module" src="/renew.js"></script>
</body>
</html>
`;
}

// Served as a file, not inline: a portal with a strict Content-Security-Policy keeps it.
const RENEW_JS = `
document.querySelector('jdmail-inbox').addEventListener('token-expired', async (event) => {
  const res = await fetch('/widget-token', { method: 'POST' });
  if (res.ok) event.target.renew((await res.json()).token);
});
`;
const PORTAL_CSS = `
body { font: 15px system-ui, sans-serif; margin: 24px; max-width: 420px; }
body.dark { background: #010409; color: #e6edf3; }
`;

const server = createServer(async (req, res) => {
  const url = new URL(req.url, 'http://portal.local');
  try {
    if (url.pathname === '/demo-login') {
      // Demo only: "signs in" to the portal as ?user=.
      const sid = crypto.randomUUID();
      sessions.set(sid, url.searchParams.get('user'));
      const cookie = `portal_sid=${sid}; HttpOnly; SameSite=Lax; Path=/`;
      res.writeHead(302, { location: '/', 'set-cookie': cookie }).end();
      return;
    }
    if (url.pathname === '/renew.js') {
      res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' }).end(RENEW_JS);
      return;
    }
    if (url.pathname === '/portal.css') {
      res.writeHead(200, { 'content-type': 'text/css; charset=utf-8' }).end(PORTAL_CSS);
      return;
    }
    const employee = employeeOf(req);
    if (!employee) {
      res.writeHead(401, { 'content-type': 'text/plain' }).end('Sign in to the portal first.\n');
      return;
    }
    if (url.pathname === '/widget-token' && req.method === 'POST') {
      // The same call as for the page: a fresh token for the employee of this session.
      const { token, expiresAt } = await jd.widgetTokens.create(employee);
      res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      res.end(JSON.stringify({ token, expiresAt }));
      return;
    }
    if (url.pathname === '/') {
      const { token } = await jd.widgetTokens.create(employee);
      const lang = url.searchParams.get('lang') === 'zh-CN' ? 'zh-CN' : 'en';
      const theme = url.searchParams.get('theme') ?? '';
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
      res.end(page(employee, token, { lang, theme }));
      return;
    }
    res.writeHead(404, { 'content-type': 'text/plain' }).end('Not found\n');
  } catch (err) {
    console.error(`portal: ${err.code ?? ''} ${err.message}`);
    res.writeHead(502, { 'content-type': 'text/plain' }).end('Mail is not available right now.\n');
  }
});

server.listen(Number(process.env.PORT ?? 3001), '127.0.0.1', () => {
  console.log(`portal listening on http://127.0.0.1:${server.address().port}`);
});
