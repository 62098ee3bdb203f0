// Telegram's small popups: the bot's show_alert answers, "Open this link?", "Share your phone
// number?".

import type { ReactNode } from 'react';
import { Dialog } from './Dialog.tsx';

/** Props of {@link ConfirmDialog}. */
export interface ConfirmDialogProps {
  title: string;
  text: string;
  /** The confirming button; without it the dialog is a plain alert with OK. */
  confirmLabel?: string;
  onConfirm?(): void;
  onClose(): void;
}

/** An alert or a confirmation. */
export function ConfirmDialog({ title, text, confirmLabel, onConfirm, onClose }: ConfirmDialogProps): ReactNode {
  return (
    <Dialog
      title={title}
      onClose={onClose}
      className="alert"
      hideTitle
      actions={
        onConfirm ? (
          <>
            <button type="button" className="text-button" onClick={onClose}>
              Cancel
            </button>
            <button
              type="button"
              className="text-button is-primary"
              autoFocus
              onClick={() => {
                onConfirm();
                onClose();
              }}
            >
              {confirmLabel ?? 'OK'}
            </button>
          </>
        ) : (
          <button type="button" className="text-button is-primary" autoFocus onClick={onClose}>
            OK
          </button>
        )
      }
    >
      <p className="alert-text">{text}</p>
    </Dialog>
  );
}
