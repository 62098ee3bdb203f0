// A modal built on the native <dialog>: the browser traps focus, closes it on Escape and
// returns focus to where it was, in both Chromium and Firefox.

import { useEffect, useRef, type ReactNode } from 'react';
import { CloseIcon } from './icons.tsx';

/** Props of {@link Dialog}. */
export interface DialogProps {
  title: string;
  onClose(): void;
  children: ReactNode;
  /** Buttons at the bottom, right-aligned like Telegram's popups. */
  actions?: ReactNode;
  className?: string;
  /** Hide the title visually (it still names the dialog for screen readers). */
  hideTitle?: boolean;
}

/** A modal dialog, open while mounted. */
export function Dialog({ title, onClose, children, actions, className, hideTitle }: DialogProps): ReactNode {
  const ref = useRef<HTMLDialogElement>(null);
  const onCloseRef = useRef(onClose);
  onCloseRef.current = onClose;

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (!dialog.open) dialog.showModal();
    const handleClose = () => onCloseRef.current();
    dialog.addEventListener('close', handleClose);
    return () => {
      dialog.removeEventListener('close', handleClose);
      if (dialog.open) dialog.close();
    };
  }, []);

  return (
    <dialog
      ref={ref}
      className={`dialog ${className ?? ''}`}
      aria-labelledby="dialog-title"
      onClick={(event) => {
        // A click on the backdrop (the dialog element itself, outside its box) closes it.
        if (event.target === ref.current) ref.current.close();
      }}
    >
      <div className="dialog-box">
        <div className={`dialog-header${hideTitle ? ' is-hidden' : ''}`}>
          <h2 id="dialog-title" className={hideTitle ? 'visually-hidden' : undefined}>
            {title}
          </h2>
          {hideTitle ? null : (
            <button type="button" className="icon-button" aria-label="Close" onClick={() => ref.current?.close()}>
              <CloseIcon size={20} />
            </button>
          )}
        </div>
        <div className="dialog-body">{children}</div>
        {actions ? <div className="dialog-actions">{actions}</div> : null}
      </div>
    </dialog>
  );
}
