import { defineConfig } from 'vite';

// The webmail is served by the jdmail server from dist/ (see packages/server/src/api/webmail).
// Everything is bundled: no CDN, no remote fonts. The Content-Security-Policy the server sends
// allows scripts and styles from 'self' only, so nothing here may rely on inline script.
export default defineConfig({
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    target: 'es2022',
    // Inlined assets would be data: URLs in CSS; keep them files under /assets (long-cached, hashed).
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    reportCompressedSize: false,
    // Two pages: the webmail (index.html, served at /) and the admin console (admin.html, served
    // at /admin); shared code (i18n, styles, the API client) lands in common hashed chunks.
    rolldownOptions: { input: { webmail: 'index.html', admin: 'admin.html' } },
  },
  server: {
    // `pnpm --filter @jdmail/webmail dev` next to a running server on 8080.
    proxy: { '/api': 'http://127.0.0.1:8080', '/auth': 'http://127.0.0.1:8080' },
  },
});
