// Inline SVG icons (no icon font, no network). Each is decorative: the button around it
// carries the accessible name.

import type { ReactElement } from 'react';

type IconProps = { size?: number };

function icon(path: ReactElement, viewBox = '0 0 24 24') {
  return function Icon({ size = 24 }: IconProps): ReactElement {
    return (
      <svg width={size} height={size} viewBox={viewBox} aria-hidden="true" focusable="false" fill="currentColor">
        {path}
      </svg>
    );
  };
}

/** Paper plane: send. */
export const SendIcon = icon(<path d="M3.4 20.4 21.9 12 3.4 3.6 3.4 10.1 16.6 12 3.4 13.9z" />);
/** Paper clip: attach a file. */
export const AttachIcon = icon(
  <path d="M16.5 6.5v10.6a4.5 4.5 0 0 1-9 0V5.7a3 3 0 0 1 6 0v10.1a1.5 1.5 0 0 1-3 0V6.5H9v9.3a3 3 0 0 0 6 0V5.7a4.5 4.5 0 0 0-9 0v11.4a6 6 0 0 0 12 0V6.5z" />,
);
/** Keyboard: show the bot's reply keyboard. */
export const KeyboardIcon = icon(
  <path d="M20 5H4a2 2 0 0 0-2 2v10a2 2 0 0 0 2 2h16a2 2 0 0 0 2-2V7a2 2 0 0 0-2-2zm-9 3h2v2h-2zm0 3h2v2h-2zM8 8h2v2H8zm0 3h2v2H8zm-1 2H5v-2h2zm0-3H5V8h2zm9 7H8v-2h8zm0-4h-2v-2h2zm0-3h-2V8h2zm3 3h-2v-2h2zm0-3h-2V8h2z" />,
);
/** Chevron down: hide the reply keyboard. */
export const ChevronDownIcon = icon(<path d="M7.4 8.6 12 13.2l4.6-4.6L18 10l-6 6-6-6z" />);
/** Back arrow (phones: back to the user list). */
export const BackIcon = icon(<path d="M20 11H7.8l5.6-5.6L12 4l-8 8 8 8 1.4-1.4L7.8 13H20z" />);
/** Moon: switch to the dark theme. */
export const MoonIcon = icon(<path d="M12.3 22A10.3 10.3 0 0 1 9.5 1.8a.8.8 0 0 1 .9 1.1A8.3 8.3 0 0 0 21.1 13.6a.8.8 0 0 1 1.1.9A10.3 10.3 0 0 1 12.3 22z" />);
/** Sun: switch to the light theme. */
export const SunIcon = icon(
  <path d="M12 7a5 5 0 1 0 0 10 5 5 0 0 0 0-10zm0-5 1 3h-2zm0 20-1-3h2zM2 12l3-1v2zm20 0-3 1v-2zM4.9 4.9l2.8 1.4-1.4 1.4zm14.2 14.2-2.8-1.4 1.4-1.4zM4.9 19.1l1.4-2.8 1.4 1.4zM19.1 4.9l-1.4 2.8-1.4-1.4z" />,
);
/** Plus: add a user. */
export const PlusIcon = icon(<path d="M19 13h-6v6h-2v-6H5v-2h6V5h2v6h6z" />);
/** Close. */
export const CloseIcon = icon(<path d="M19 6.4 17.6 5 12 10.6 6.4 5 5 6.4 10.6 12 5 17.6 6.4 19 12 13.4 17.6 19 19 17.6 13.4 12z" />);
/** File: a document bubble. */
export const FileIcon = icon(<path d="M14 2H6a2 2 0 0 0-2 2v16a2 2 0 0 0 2 2h12a2 2 0 0 0 2-2V8zm-1 7V3.5L18.5 9z" />);
/** Arrow into a tray: download. */
export const DownloadIcon = icon(<path d="M5 20h14v-2H5zM19 9h-4V3H9v6H5l7 7z" />);
/** Arrow out of a box: a URL button. */
export const LinkOutIcon = icon(<path d="M14 3v2h3.6l-9.8 9.8 1.4 1.4L19 6.4V10h2V3zm5 16H5V5h7V3H5a2 2 0 0 0-2 2v14a2 2 0 0 0 2 2h14a2 2 0 0 0 2-2v-7h-2z" />, '0 0 24 24');
/** App grid: a Web App button. */
export const AppIcon = icon(<path d="M4 4h7v7H4zm9 0h7v7h-7zM4 13h7v7H4zm9 0h7v7h-7z" />);
/** Phone: share contact. */
export const PhoneIcon = icon(
  <path d="M6.6 10.8a15 15 0 0 0 6.6 6.6l2.2-2.2a1 1 0 0 1 1-.2 11.4 11.4 0 0 0 3.6.6 1 1 0 0 1 1 1V20a1 1 0 0 1-1 1A17 17 0 0 1 3 4a1 1 0 0 1 1-1h3.5a1 1 0 0 1 1 1c0 1.3.2 2.5.6 3.6a1 1 0 0 1-.3 1z" />,
);
/** Menu (bot commands). */
export const MenuIcon = icon(<path d="M3 6h18v2H3zm0 5h18v2H3zm0 5h18v2H3z" />);
/** Copy. */
export const CopyIcon = icon(<path d="M16 1H4a2 2 0 0 0-2 2v14h2V3h12zm3 4H8a2 2 0 0 0-2 2v14a2 2 0 0 0 2 2h11a2 2 0 0 0 2-2V7a2 2 0 0 0-2-2zm0 16H8V7h11z" />);
/** Pin on a map: location. */
export const LocationIcon = icon(<path d="M12 2a7 7 0 0 0-7 7c0 5.2 7 13 7 13s7-7.8 7-13a7 7 0 0 0-7-7zm0 9.5A2.5 2.5 0 1 1 12 6.5a2.5 2.5 0 0 1 0 5z" />);
/** Two ticks: delivered. */
export const ReadTicksIcon = icon(<path d="m1.5 12.5 4.2 4.2L15 7.4l-1.4-1.4-7.9 7.9-2.8-2.8zm9.3 2.8 1.4 1.4L21.5 7.4l-1.4-1.4z" />);
/** Bag with a card: invoices. */
export const CardIcon = icon(<path d="M20 4H4a2 2 0 0 0-2 2v12a2 2 0 0 0 2 2h16a2 2 0 0 0 2-2V6a2 2 0 0 0-2-2zm0 14H4v-6h16zm0-10H4V6h16z" />);
/** People: the user list. */
export const PeopleIcon = icon(
  <path d="M16 11a3 3 0 1 0-3-3 3 3 0 0 0 3 3zm-8 0a3 3 0 1 0-3-3 3 3 0 0 0 3 3zm0 2c-2.3 0-7 1.2-7 3.5V19h14v-2.5C15 14.2 10.3 13 8 13zm8 0h-1a4.2 4.2 0 0 1 2 3.5V19h6v-2.5c0-2.3-4.7-3.5-7-3.5z" />,
);
