// The bot's reply keyboard, shown where the phone keyboard would be. Pressing a text button
// sends its text; "share contact" buttons ask first, as Telegram does (ChatPane decides).

import type { ReactNode } from 'react';
import type { ApiKeyboardButton, ApiReplyKeyboard } from '../api/types.ts';

/** Props of {@link ReplyKeyboard}. */
export interface ReplyKeyboardProps {
  markup: ApiReplyKeyboard;
  onPress(button: ApiKeyboardButton): void;
}

/** A reply keyboard: rows of equal-width buttons. */
export function ReplyKeyboard({ markup, onPress }: ReplyKeyboardProps): ReactNode {
  return (
    <div className={`reply-keyboard${markup.resize_keyboard ? ' is-resized' : ''}`} role="group" aria-label="Bot keyboard">
      {markup.keyboard.map((row, rowIndex) => (
        <div className="reply-row" key={rowIndex}>
          {row.map((button, columnIndex) => (
            <button key={columnIndex} type="button" className="reply-button" onClick={() => onPress(button)}>
              <span>{button.text}</span>
            </button>
          ))}
        </div>
      ))}
    </div>
  );
}
