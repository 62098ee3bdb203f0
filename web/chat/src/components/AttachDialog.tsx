// Sending a file: a preview, "send as photo" for images (Telegram compresses those into a
// photo; unchecked it sends the original as a document) and an optional caption.

import { useEffect, useState, type FormEvent, type ReactNode } from 'react';
import { formatBytes } from '../format/misc.ts';
import { Dialog } from './Dialog.tsx';
import { FileIcon } from './icons.tsx';

/** Props of {@link AttachDialog}. */
export interface AttachDialogProps {
  file: File;
  onSend(kind: 'photo' | 'document', caption: string): Promise<void>;
  onClose(): void;
}

const PHOTO_TYPES = new Set(['image/jpeg', 'image/png', 'image/webp', 'image/gif']);

/** The "send file" dialog. */
export function AttachDialog({ file, onSend, onClose }: AttachDialogProps): ReactNode {
  const isImage = PHOTO_TYPES.has(file.type);
  const [asPhoto, setAsPhoto] = useState(isImage);
  const [caption, setCaption] = useState('');
  const [sending, setSending] = useState(false);
  const [preview, setPreview] = useState<string | null>(null);

  useEffect(() => {
    if (!isImage) return;
    const url = URL.createObjectURL(file);
    setPreview(url);
    return () => URL.revokeObjectURL(url);
  }, [file, isImage]);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setSending(true);
    try {
      await onSend(asPhoto ? 'photo' : 'document', caption.trim());
      onClose();
    } finally {
      setSending(false);
    }
  };

  return (
    <Dialog title={asPhoto ? 'Send a photo' : 'Send a file'} onClose={onClose}>
      <form className="form" onSubmit={(event) => void submit(event)}>
        {preview && asPhoto ? (
          <img className="attach-preview" src={preview} alt="Preview of the photo to send" />
        ) : (
          <div className="document attach-document">
            <span className="document-icon" aria-hidden="true">
              <FileIcon size={22} />
            </span>
            <span className="document-info">
              <span className="document-name">{file.name}</span>
              <span className="document-size">{formatBytes(file.size)}</span>
            </span>
          </div>
        )}
        {isImage ? (
          <label className="checkbox">
            <input type="checkbox" checked={asPhoto} onChange={(event) => setAsPhoto(event.target.checked)} />
            Send as a photo (unchecked: as a file)
          </label>
        ) : null}
        <label>
          <span>
            Caption <span className="optional">(optional)</span>
          </span>
          <input value={caption} maxLength={1024} onChange={(event) => setCaption(event.target.value)} autoFocus />
        </label>
        <div className="dialog-actions">
          <button type="button" className="text-button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="text-button is-primary" disabled={sending}>
            Send
          </button>
        </div>
      </form>
    </Dialog>
  );
}
