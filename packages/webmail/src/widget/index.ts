/**
 * The `<jdmail-inbox>` widget, served at `/widget/jdmail-inbox.js`. A page
 * embeds it with two lines:
 *
 *   <script type="module" src="https://mail.example.com/widget/jdmail-inbox.js"></script>
 *   <jdmail-inbox token="…"></jdmail-inbox>
 */
import { JdmailInbox } from './element.js';

export type { ExpiryReason } from './element.js';
export { JdmailInbox };

// A page may load the script twice (two widgets, two bundles of a portal): define once.
if (!customElements.get('jdmail-inbox')) customElements.define('jdmail-inbox', JdmailInbox);
