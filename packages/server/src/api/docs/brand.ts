import type { FastifySwaggerUiOptions } from '@fastify/swagger-ui';

/**
 * jdmail's mark: an envelope whose flap is a `j`, in the product's blue. One
 * SVG for the docs' header and favicon, so no framework logo shows.
 */
export const LOGO_SVG = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 180 40" role="img" aria-label="jdmail">
<rect x="2" y="8" width="34" height="24" rx="4" fill="#1d4ed8"/>
<path d="M4 11l15 11 15-11" fill="none" stroke="#fff" stroke-width="2.5" stroke-linejoin="round"/>
<text x="44" y="29" font-family="Helvetica, Arial, sans-serif" font-size="24" font-weight="700" fill="#0f172a">jdmail</text>
<text x="124" y="29" font-family="Helvetica, Arial, sans-serif" font-size="14" fill="#475569">API</text>
</svg>`;

const ICON_SVG = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect x="1" y="5" width="30" height="22" rx="4" fill="#1d4ed8"/><path d="M3 8l13 10 13-10" fill="none" stroke="#fff" stroke-width="2.5"/></svg>`;

/** The header: our logo, and links to the error reference and the OpenAPI document instead of Swagger's. */
const CSS = `
.swagger-ui .topbar { background: #f8fafc; border-bottom: 1px solid #e2e8f0; padding: 6px 0; }
.swagger-ui .topbar .download-url-wrapper { display: none; }
.swagger-ui .topbar-wrapper a span { display: none; }
.swagger-ui .topbar-wrapper img { height: 36px; }
.swagger-ui .topbar-wrapper::after {
  content: 'Error codes: /docs/errors   ·   OpenAPI: /api/v1/openapi.json';
  color: #475569; font: 13px/1 Helvetica, Arial, sans-serif; margin-left: auto; white-space: pre;
}
.swagger-ui .info .title small.version-stamp { background: #1d4ed8; }
`;

/** Options of `@fastify/swagger-ui` that make `/docs` look like jdmail's. */
export const docsUiOptions: FastifySwaggerUiOptions = {
  routePrefix: '/docs',
  logo: { type: 'image/svg+xml', content: Buffer.from(LOGO_SVG), href: '/docs', target: '_self' },
  theme: {
    title: 'jdmail API reference',
    css: [{ filename: 'jdmail.css', content: CSS }],
    favicon: [
      {
        filename: 'jdmail.svg',
        rel: 'icon',
        type: 'image/svg+xml',
        sizes: 'any',
        content: Buffer.from(ICON_SVG),
      },
    ],
  },
  uiConfig: { docExpansion: 'list', deepLinking: true, defaultModelsExpandDepth: 0, tryItOutEnabled: false },
  // Swagger UI would otherwise ask validator.swagger.io about the document: no calls to outside hosts.
  validatorUrl: false,
};
