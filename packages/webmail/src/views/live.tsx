import { createContext } from 'preact';
import { useContext } from 'preact/hooks';

/** Says something to screen readers (and shows it briefly) without moving focus. */
export type Announce = (text: string) => void;

export const AnnounceContext = createContext<Announce>(() => {});

export const useAnnounce = () => useContext(AnnounceContext);

/** The polite live region every view announces through; it lives for the whole app. */
export function StatusRegion({ text }: { text: string }) {
  return (
    <div class={text ? 'toast' : 'toast toast--empty'} role="status" aria-live="polite" aria-atomic="true">
      {text}
    </div>
  );
}
