// Line icons drawn for the panel (24×24, stroke follows the text colour).

/** Names of the icons. */
export type IconName =
  | 'chart'
  | 'bag'
  | 'box'
  | 'users'
  | 'wallet'
  | 'megaphone'
  | 'text'
  | 'key'
  | 'list'
  | 'pulse'
  | 'menu'
  | 'sun'
  | 'moon'
  | 'logout'
  | 'search'
  | 'download'
  | 'alert'
  | 'check'
  | 'plus'
  | 'send'
  | 'printer'
  | 'upload'
  | 'eye'
  | 'eyeOff'
  | 'pencil'
  | 'calendar'
  | 'chat'
  | 'receipt'
  | 'plug';

const PATHS: Record<IconName, string> = {
  chart: 'M4 19V5M4 19h16M8 16v-5M12 16V8M16 16v-3',
  bag: 'M6 8h12l-1 12H7L6 8zM9 8a3 3 0 0 1 6 0',
  box: 'M4 8l8-4 8 4v8l-8 4-8-4V8zM4 8l8 4 8-4M12 12v8',
  users: 'M9 11a3 3 0 1 0 0-6 3 3 0 0 0 0 6zM3 19c0-3 3-5 6-5s6 2 6 5M16 5a3 3 0 0 1 0 6M18 14c2 .5 3 2 3 5',
  wallet: 'M4 7h14a2 2 0 0 1 2 2v8a2 2 0 0 1-2 2H4V7zM4 7l11-3v3M16 13h.01',
  megaphone: 'M4 10v4h3l7 4V6L7 10H4zM17 9a3 3 0 0 1 0 6',
  text: 'M5 6h14M5 10h14M5 14h9M5 18h6',
  plug: 'M9 3v5M15 3v5M6 8h12v3a6 6 0 0 1-12 0V8zM12 17v4',
  key: 'M14 10a4 4 0 1 1-1.2-2.8M14 10H21M18 10v3M21 10v2',
  list: 'M9 6h11M9 12h11M9 18h11M4 6h.01M4 12h.01M4 18h.01',
  pulse: 'M3 12h4l2-5 4 10 2-5h6',
  menu: 'M4 7h16M4 12h16M4 17h16',
  sun: 'M12 17a5 5 0 1 0 0-10 5 5 0 0 0 0 10zM12 2v2M12 20v2M4.9 4.9l1.4 1.4M17.7 17.7l1.4 1.4M2 12h2M20 12h2M4.9 19.1l1.4-1.4M17.7 6.3l1.4-1.4',
  moon: 'M20 14.5A8 8 0 0 1 9.5 4a8 8 0 1 0 10.5 10.5z',
  logout: 'M15 4h4v16h-4M10 8l-4 4 4 4M6 12h10',
  search: 'M11 18a7 7 0 1 0 0-14 7 7 0 0 0 0 14zM20 20l-4-4',
  download: 'M12 4v11M7 10l5 5 5-5M5 19h14',
  alert: 'M12 3l9 16H3l9-16zM12 10v4M12 17h.01',
  check: 'M5 12l4 4 10-10',
  plus: 'M12 5v14M5 12h14',
  send: 'M4 12l16-8-6 16-3-7-7-1z',
  printer: 'M7 9V4h10v5M6 18H4v-7h16v7h-2M7 14h10v6H7z',
  upload: 'M12 16V5M7 10l5-5 5 5M5 19h14',
  eye: 'M2 12s3.5-7 10-7 10 7 10 7-3.5 7-10 7S2 12 2 12zM12 15a3 3 0 1 0 0-6 3 3 0 0 0 0 6z',
  eyeOff: 'M3 3l18 18M10.6 5.1A10 10 0 0 1 12 5c6.5 0 10 7 10 7a17 17 0 0 1-3.2 4.1M6.6 6.6C3.8 8.3 2 12 2 12s3.5 7 10 7a9.7 9.7 0 0 0 5.4-1.6M9.9 9.9a3 3 0 0 0 4.2 4.2',
  pencil: 'M4 20h4L19 9l-4-4L4 16v4zM14 6l4 4',
  calendar: 'M5 6h14v14H5zM5 10h14M9 3v4M15 3v4',
  chat: 'M4 5h16v11H9l-5 4V5zM8 9h8M8 12h5',
  receipt: 'M6 3h12v18l-3-2-3 2-3-2-3 2V3zM9 8h6M9 12h6M9 16h3',
};

/** An icon; decorative unless given a label. */
export function Icon(props: { name: IconName; label?: string; size?: number }) {
  const size = props.size ?? 20;
  return (
    <svg
      className="icon"
      width={size}
      height={size}
      viewBox="0 0 24 24"
      fill="none"
      stroke="currentColor"
      strokeWidth="1.8"
      strokeLinecap="round"
      strokeLinejoin="round"
      role={props.label ? 'img' : undefined}
      aria-label={props.label}
      aria-hidden={props.label ? undefined : true}
    >
      <path d={PATHS[props.name]} />
    </svg>
  );
}

/** True when `name` is one of the panel's icons (navigation entries come from the server). */
export function isIconName(name: string): name is IconName {
  return Object.hasOwn(PATHS, name);
}
