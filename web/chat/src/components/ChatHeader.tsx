// The bar above the chat: the bot's avatar and name, "bot" or what it is doing now
// ("typing…"), and who the page is chatting as.

import type { ReactNode } from 'react';
import type { SandboxUser } from '../api/sandbox-config.ts';
import type { ConnectionState } from '../chat/event-stream.ts';
import { fullName } from '../format/misc.ts';
import { Avatar } from './Avatar.tsx';
import { BackIcon } from './icons.tsx';

/** Props of {@link ChatHeader}. */
export interface ChatHeaderProps {
  botId: number;
  botName: string;
  botUsername: string;
  /** The bot's current chat action, e.g. "typing". */
  action: string | null;
  connection: ConnectionState;
  viewer: SandboxUser;
  viewerIsAdmin: boolean;
  /** Phones: go back to the user list. */
  onBack(): void;
  /** Opens (phones) or focuses (desktop) the user list. */
  onSwitchUser(): void;
}

const ACTION_TEXT: Record<string, string> = {
  typing: 'typing',
  upload_photo: 'sending a photo',
  upload_document: 'sending a file',
  upload_video: 'sending a video',
  record_video: 'recording a video',
  record_voice: 'recording audio',
  upload_voice: 'sending audio',
  choose_sticker: 'choosing a sticker',
  find_location: 'finding a location',
  record_video_note: 'recording a video message',
  upload_video_note: 'sending a video message',
};

/** The chat header. */
export function ChatHeader(props: ChatHeaderProps): ReactNode {
  const status =
    props.connection === 'offline'
      ? 'waiting for Lavka…'
      : props.action
        ? `${ACTION_TEXT[props.action] ?? props.action.replace(/_/g, ' ')}`
        : props.connection === 'connecting'
          ? 'connecting…'
          : 'bot';
  return (
    <header className="chat-header">
      <button type="button" className="icon-button back-button" aria-label="Back to users" onClick={props.onBack}>
        <BackIcon />
      </button>
      <Avatar id={props.botId} name={props.botName} size={42} />
      <div className="chat-header-title">
        <h1 className="chat-header-name">{props.botName}</h1>
        <p className={`chat-header-status${props.action ? ' is-active' : ''}`} aria-live="polite">
          {props.action ? (
            <>
              <span className="typing-dots" aria-hidden="true">
                <i />
                <i />
                <i />
              </span>
              {status}
            </>
          ) : (
            status
          )}
          {props.action ? null : <span className="chat-header-username"> · @{props.botUsername}</span>}
        </p>
      </div>
      <button type="button" className="viewer-chip" onClick={props.onSwitchUser} aria-label={`Chatting as ${fullName(props.viewer)}. Switch user`}>
        <Avatar id={props.viewer.id} name={fullName(props.viewer)} size={28} />
        <span className="viewer-chip-text">
          <span className="viewer-chip-name">{fullName(props.viewer)}</span>
          <span className="viewer-chip-meta">
            {props.viewerIsAdmin ? 'admin · ' : ''}
            {props.viewer.language_code} · {props.viewer.id}
          </span>
        </span>
      </button>
    </header>
  );
}
