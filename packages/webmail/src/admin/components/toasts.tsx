import { createContext } from 'preact';
import { useCallback, useContext, useRef, useState } from 'preact/hooks';

export type ToastKind = 'success' | 'error';
type Toast = { id: number; text: string; kind: ToastKind };

/** Shows a short message and says it to screen readers (the region is aria-live; focus does not move). */
export type ShowToast = (text: string, kind?: ToastKind) => void;

const ToastContext = createContext<ShowToast>(() => {});

export const useToast = () => useContext(ToastContext);

/** Provides {@link useToast} to the console and renders the live region the toasts appear in. */
export function ToastProvider({ children }: { children: preact.ComponentChildren }) {
  const [toasts, setToasts] = useState<Toast[]>([]);
  const next = useRef(1);
  const show = useCallback<ShowToast>((text, kind = 'success') => {
    const id = next.current++;
    setToasts((list) => [...list.slice(-2), { id, text, kind }]);
    // Errors stay longer: they usually need reading.
    setTimeout(() => setToasts((list) => list.filter((t) => t.id !== id)), kind === 'error' ? 8000 : 4000);
  }, []);
  return (
    <ToastContext.Provider value={show}>
      {children}
      <div class="console-toasts" role="status" aria-live="polite" aria-atomic="false">
        {toasts.map((t) => (
          <p key={t.id} class={`console-toast console-toast--${t.kind}`} data-kind={t.kind}>
            {t.text}
          </p>
        ))}
      </div>
    </ToastContext.Provider>
  );
}
