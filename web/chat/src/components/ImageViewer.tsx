// A photo full size over the chat, closed with Escape, a click or the close button.

import type { ReactNode } from 'react';
import { Dialog } from './Dialog.tsx';

/** The photo viewer. */
export function ImageViewer({ src, alt, onClose }: { src: string; alt: string; onClose(): void }): ReactNode {
  return (
    <Dialog title={alt} onClose={onClose} className="image-viewer">
      <img src={src} alt={alt} />
      <a className="text-button" href={src} download>
        Download
      </a>
    </Dialog>
  );
}
