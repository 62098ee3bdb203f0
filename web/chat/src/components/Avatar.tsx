// A round avatar with initials on one of Telegram's peer colours.

import type { ReactNode } from 'react';
import { avatarColor, initials } from '../format/misc.ts';

/** Props of {@link Avatar}. */
export interface AvatarProps {
  id: number;
  name: string;
  size?: number;
}

/** Initials on a coloured circle; decorative, the name is always shown next to it. */
export function Avatar({ id, name, size = 40 }: AvatarProps): ReactNode {
  return (
    <span className={`avatar avatar-color-${avatarColor(id)}`} style={{ width: size, height: size, fontSize: size * 0.4 }} aria-hidden="true">
      {initials(name)}
    </span>
  );
}
