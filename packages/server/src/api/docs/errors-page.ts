import type { FastifyPluginAsync } from 'fastify';
import { type ErrorCode, ErrorCodes } from '../../shared/index.js';
import { LOGO_SVG } from './brand.js';
import { ERROR_HELP } from './error-help.js';

const escapeHtml = (s: string) =>
  s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c] as string);
/** `code` spans in the help texts, the only markup they use. */
const inline = (s: string) => escapeHtml(s).replace(/`([^`]+)`/g, '<code>$1</code>');

/**
 * The page every problem's `type` points at (`/docs/errors#USER_NOT_FOUND`):
 * each code of the catalogue with its HTTP status, title and what to do.
 * Built once; it is the same for every request.
 */
export function renderErrorsPage(): string {
  const rows = (Object.keys(ErrorCodes) as ErrorCode[])
    .sort()
    .map((code) => {
      const { status, title } = ErrorCodes[code];
      return `<tr id="${code}"><td><a href="#${code}"><code>${code}</code></a></td><td>${status}</td><td><strong>${escapeHtml(title)}</strong><br>${inline(ERROR_HELP[code])}</td></tr>`;
    })
    .join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Error codes — jdmail API</title>
<style>
body { font: 15px/1.5 Helvetica, Arial, sans-serif; color: #0f172a; margin: 0 auto; max-width: 1000px; padding: 16px 24px 48px; }
header { display: flex; align-items: center; gap: 24px; border-bottom: 1px solid #e2e8f0; padding-bottom: 8px; }
header svg { height: 36px; width: auto; }
header nav a { margin-right: 16px; color: #1d4ed8; }
table { border-collapse: collapse; width: 100%; margin-top: 16px; }
td { border-bottom: 1px solid #e2e8f0; padding: 8px; vertical-align: top; }
tr:target { background: #fef9c3; }
code { font: 13px ui-monospace, Menlo, Consolas, monospace; background: #f1f5f9; padding: 1px 4px; border-radius: 3px; }
td a { text-decoration: none; }
</style>
</head>
<body>
<header>${LOGO_SVG}<nav><a href="/docs">API reference</a><a href="/api/v1/openapi.json">OpenAPI document</a></nav></header>
<h1>Error codes</h1>
<p>Every error of the API is an RFC 9457 problem (<code>application/problem+json</code>) whose
<code>code</code> is one of these, never reused for anything else, and whose <code>type</code> links here.
Validation errors also list the fields (<code>errors: [{ field, message }]</code>). The token endpoint
(<code>/api/v1/oauth/token</code>) answers in OAuth’s own format instead (RFC 6749 §5.2).</p>
<table>
<thead><tr><th>code</th><th>status</th><th>meaning and what to do</th></tr></thead>
<tbody>
${rows}
</tbody>
</table>
</body>
</html>
`;
}

/** `GET /docs/errors`: the error reference, open to anyone (it holds nothing about the install). */
export const errorsPageRoute: FastifyPluginAsync = async (app) => {
  const html = renderErrorsPage();
  app.get('/docs/errors', { config: { public: true }, schema: { hide: true } }, async (_request, reply) =>
    reply.type('text/html; charset=utf-8').header('cache-control', 'public, max-age=3600').send(html),
  );
};
