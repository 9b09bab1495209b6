import type { SanitizedMail } from './sanitize.js';

/**
 * Base styles of the message frame: readable defaults that the mail's own
 * CSS may override, and nothing wider than the frame.
 */
const FRAME_CSS = `
html{color-scheme:light}
body{margin:0;padding:4px 2px;font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans","PingFang SC","Microsoft YaHei",sans-serif;color:#111;background:#fff;overflow-wrap:anywhere}
img{max-width:100%;height:auto}
img[data-jdmail-blocked]{display:inline-block;min-width:1em;min-height:1em;outline:1px dashed #999}
table{max-width:100%}
pre{white-space:pre-wrap}
a{color:#1d4ed8}
`;

/**
 * The `srcdoc` of the sandboxed frame that shows a sanitized HTML mail. The
 * frame has no `allow-scripts`: even a script DOMPurify missed could not run.
 * `srcdoc` documents inherit the page's Content-Security-Policy as well.
 */
export function frameDocument(mail: Pick<SanitizedMail, 'styles' | 'body'>): string {
  return `<!doctype html><html><head><meta charset="utf-8"><style>${FRAME_CSS}</style><style>${mail.styles}</style></head><body>${mail.body}</body></html>`;
}
