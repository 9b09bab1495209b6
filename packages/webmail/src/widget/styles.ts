/**
 * The widget's styles, inside its shadow root: nothing leaks into the host
 * page and the page's CSS does not reach in (only the custom properties
 * below, which a portal may set on `jdmail-inbox` to match its look). Light
 * by default; dark when the system prefers it, or when `theme="dark"`;
 * `theme="light"` pins light.
 */
export const WIDGET_CSS = `
:host {
  --jd-bg: #ffffff; --jd-fg: #1f2328; --jd-muted: #59636e; --jd-border: #d1d9e0;
  --jd-accent: #0969da; --jd-hover: #f6f8fa; --jd-unread: #0969da;
  display: block; font: 14px/1.4 system-ui, -apple-system, "Segoe UI", "PingFang SC", "Microsoft YaHei", sans-serif;
  color: var(--jd-fg); background: var(--jd-bg); border: 1px solid var(--jd-border);
  border-radius: 8px; overflow: hidden; max-width: 100%;
}
:host([hidden]) { display: none; }
:host([theme="dark"]) {
  --jd-bg: #0d1117; --jd-fg: #e6edf3; --jd-muted: #9198a1; --jd-border: #3d444d;
  --jd-accent: #4493f8; --jd-hover: #151b23; --jd-unread: #4493f8;
}
@media (prefers-color-scheme: dark) {
  :host(:not([theme="light"])) {
    --jd-bg: #0d1117; --jd-fg: #e6edf3; --jd-muted: #9198a1; --jd-border: #3d444d;
    --jd-accent: #4493f8; --jd-hover: #151b23; --jd-unread: #4493f8;
  }
}
header { display: flex; align-items: baseline; justify-content: space-between; gap: 8px;
  padding: 10px 12px; border-bottom: 1px solid var(--jd-border); }
h2 { margin: 0; font-size: 15px; font-weight: 600; }
.count { color: var(--jd-accent); font-weight: 600; white-space: nowrap; }
.count.zero { color: var(--jd-muted); font-weight: 400; }
ul { list-style: none; margin: 0; padding: 0; }
li + li { border-top: 1px solid var(--jd-border); }
button { all: unset; box-sizing: border-box; display: grid; grid-template-columns: 10px 1fr auto;
  gap: 2px 8px; width: 100%; padding: 8px 12px; cursor: pointer; }
button:hover { background: var(--jd-hover); }
button:focus-visible { outline: 2px solid var(--jd-accent); outline-offset: -2px; }
.dot { grid-row: 1 / span 2; align-self: center; width: 8px; height: 8px; border-radius: 50%; }
.unread .dot { background: var(--jd-unread); }
.from, .subject { overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.from { font-weight: 400; }
.unread .from, .unread .subject { font-weight: 600; }
.subject { grid-column: 2 / span 2; color: var(--jd-muted); }
.unread .subject { color: var(--jd-fg); }
time { color: var(--jd-muted); font-size: 12px; white-space: nowrap; }
.status { margin: 0; padding: 10px 12px; color: var(--jd-muted); }
.status:empty { display: none; }
.sr { position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%); white-space: nowrap; }
`;
