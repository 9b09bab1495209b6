import type { Answer, Need } from '../model.js';
import type { Principal } from '../world.js';
import { type Prepared, type Rules, SELF, status, userIn } from './common.js';

const APP_CALLER: Need = { on: 'app-caller' };

const mint = (user: string): Prepared => ({
  method: 'POST',
  path: `/api/v1/users/${user}/widget-tokens`,
  body: {},
});

/**
 * The widget's own routes take only a widget token: no credentials is 401,
 * a webmail cookie without its CSRF token on a POST is refused for that
 * first, and every other caller, however mighty, is 403 FORBIDDEN.
 */
const widgetOnly =
  (method: 'GET' | 'POST') =>
  (who: Principal, ok: Answer): Answer => {
    if (who.kind === 'none') return status(401, 'UNAUTHENTICATED');
    if (who.kind === 'widget') return ok;
    if (method === 'POST' && who.cookie && !who.cookie.csrf) return status(403, 'CSRF_FAILED');
    return status(403, 'FORBIDDEN');
  };

export const widgetRules: Rules = {
  createWidgetToken: {
    scope: 'widget:issue',
    ok: status(201),
    cases: [
      { label: 'a', needs: [APP_CALLER, userIn('a')], request: (w) => mint(w.user.a) },
      { label: 'b', needs: [APP_CALLER, userIn('b')], request: (w) => mint(w.user.b) },
      {
        label: 'self',
        self: true,
        needs: [APP_CALLER, SELF],
        request: (_w, who) => mint(who.self as string),
      },
    ],
  },
  getWidgetInbox: {
    scope: null,
    ok: status(200),
    answer: widgetOnly('GET'),
    cases: [{ label: 'own', needs: [], request: () => ({ method: 'GET', path: '/api/v1/widget/inbox' }) }],
  },
  openWidgetMessage: {
    scope: null,
    ok: status(201),
    answer: widgetOnly('POST'),
    cases: [
      {
        label: 'own message',
        needs: [],
        request: (w) => ({
          method: 'POST',
          path: '/api/v1/widget/open',
          body: { messageId: w.message['alice@a.test']?.id },
        }),
      },
      {
        label: 'a message of bob',
        needs: [],
        // Not alice's: 404 for the widget, the same refusals for everyone else.
        ok: status(404, 'MESSAGE_NOT_FOUND'),
        request: (w) => ({
          method: 'POST',
          path: '/api/v1/widget/open',
          body: { messageId: w.message['bob@a.test']?.id },
        }),
      },
    ],
  },
};
