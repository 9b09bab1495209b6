import type { OAuthService } from '../../oauth/index.js';

const unused = (name: string) => () => {
  throw new Error(`oauth.${name} is not used by this test; pass a real OAuthService`);
};

/**
 * An {@link OAuthService} for API tests that do not touch app tokens (and for
 * the OpenAPI generator, which only needs the routes to exist). Tests of app
 * tokens use the real service over a real database.
 */
export function unusedOAuth(): OAuthService {
  return {
    apps: {
      create: unused('apps.create'),
      get: unused('apps.get'),
      list: unused('apps.list'),
      update: unused('apps.update'),
      remove: unused('apps.remove'),
      rotateSecret: unused('apps.rotateSecret'),
      authenticate: unused('apps.authenticate'),
      allAllowedOrigins: unused('apps.allAllowedOrigins'),
    },
    widgetTokens: {
      issue: unused('widgetTokens.issue'),
      verify: unused('widgetTokens.verify'),
      // A page's Origin on a widget route asks this; no app allows any origin here.
      anyAllowed: async () => false,
    },
    exchange: unused('exchange'),
    verify: unused('verify'),
    jwks: unused('jwks'),
    metadata: unused('metadata'),
    rotateKeys: unused('rotateKeys'),
    listKeys: unused('listKeys'),
    start: unused('start'),
    stop: unused('stop'),
    maintain: unused('maintain'),
  };
}
