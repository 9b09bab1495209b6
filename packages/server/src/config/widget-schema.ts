import { type Static, Type } from 'typebox';

/**
 * `widget`: the `<jdmail-inbox>` widget's credential. A widget token is
 * minted by a portal's backend for one user (`POST
 * /api/v1/users/{address}/widget-tokens`); it only reads that user's inbox
 * summary and events and opens a message, and only from the minting app's
 * allowed origins. The portal mints a new one before it expires.
 */
export const WidgetSchema = Type.Object(
  {
    tokenLifetimeSeconds: Type.Integer({
      minimum: 60,
      maximum: 86_400,
      default: 900,
      description:
        'Lifetime of a widget token (60 s to 24 h; default 15 min); a mint request may ask for less, not more',
    }),
  },
  { default: {}, additionalProperties: false },
);
export type WidgetConfig = Static<typeof WidgetSchema>;
