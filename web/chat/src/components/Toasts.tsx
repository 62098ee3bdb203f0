// Short notices at the top of the chat: the bot's answerCallbackQuery texts and the page's own
// messages ("Copied", errors). Each disappears after a few seconds.

import type { ReactNode } from 'react';

/** One notice. */
export interface Toast {
  id: number;
  text: string;
  tone: 'info' | 'error';
}

/** The stack of notices; screen readers hear each as it appears. */
export function Toasts({ toasts, onDismiss }: { toasts: Toast[]; onDismiss(id: number): void }): ReactNode {
  return (
    <div className="toasts" role="status" aria-live="polite">
      {toasts.map((toast) => (
        <button key={toast.id} type="button" className={`toast is-${toast.tone}`} onClick={() => onDismiss(toast.id)} title="Dismiss">
          {toast.text}
        </button>
      ))}
    </div>
  );
}
