import { useEffect, useRef } from 'preact/hooks';

/**
 * The sandboxed frame that shows a sanitized HTML mail.
 *
 * `sandbox` has no `allow-scripts` (nothing in the mail can run) and no
 * `allow-forms`/`allow-top-navigation`; `allow-popups` (with
 * `-to-escape-sandbox`) lets links open in a new, normal tab.
 * `allow-same-origin` is safe without scripts and lets this page size the
 * frame to its content, and lets `cid:` images load from the attachment
 * route with the session cookie.
 */
export function MailFrame({ srcdoc, title }: { srcdoc: string; title: string }) {
  const ref = useRef<HTMLIFrameElement>(null);

  useEffect(() => {
    const frame = ref.current;
    if (!frame) return;
    let observer: ResizeObserver | null = null;
    const fit = () => {
      const doc = frame.contentDocument;
      if (!doc?.documentElement) return;
      frame.style.height = `${Math.max(doc.documentElement.scrollHeight, 80)}px`;
    };
    const onLoad = () => {
      fit();
      const doc = frame.contentDocument;
      if (!doc?.body) return;
      // Images arriving late (cid:, or remote once allowed) grow the content.
      doc.addEventListener('load', fit, true);
      observer?.disconnect();
      observer = new ResizeObserver(fit);
      observer.observe(doc.body);
    };
    frame.addEventListener('load', onLoad);
    window.addEventListener('resize', fit);
    return () => {
      frame.removeEventListener('load', onLoad);
      window.removeEventListener('resize', fit);
      observer?.disconnect();
    };
  }, []);

  return (
    <iframe
      ref={ref}
      class="mail-frame"
      title={title}
      sandbox="allow-same-origin allow-popups allow-popups-to-escape-sandbox"
      referrerpolicy="no-referrer"
      srcdoc={srcdoc}
    />
  );
}
