// The buttons under a bot message. Each kind of button looks like Telegram's: callback buttons
// plain, URL buttons with an arrow, Web App buttons with an app mark, Pay with a card.

import type { ReactNode } from 'react';
import type { ApiInlineButton, ApiInlineKeyboard, ViewMessage } from '../api/types.ts';
import { useChatActions } from '../chat/chat-actions.ts';
import { AppIcon, CardIcon, CopyIcon, LinkOutIcon } from './icons.tsx';

/** Props of {@link InlineKeyboard}. */
export interface InlineKeyboardProps {
  message: ViewMessage;
  markup: ApiInlineKeyboard;
}

/** The stable key of a button, for the "waiting for the bot" spinner. */
export function inlineButtonKey(message: ViewMessage, row: number, column: number): string {
  return `${message.chat.id}:${message.message_id}:${row}:${column}`;
}

/** An inline keyboard, one flex row per keyboard row. */
export function InlineKeyboard({ message, markup }: InlineKeyboardProps): ReactNode {
  const actions = useChatActions();
  return (
    <div className="inline-keyboard" role="group" aria-label="Message buttons">
      {markup.inline_keyboard.map((row, rowIndex) => (
        <div className="inline-row" key={rowIndex}>
          {row.map((button, columnIndex) => {
            const key = inlineButtonKey(message, rowIndex, columnIndex);
            const pending = actions.pendingButtonKey === key;
            return (
              <button
                key={columnIndex}
                type="button"
                className={`inline-button${pending ? ' is-pending' : ''}`}
                aria-busy={pending || undefined}
                title={describe(button)}
                onClick={() => actions.pressInline(message, button, key)}
              >
                <span className="inline-button-text">{button.text}</span>
                <ButtonMark button={button} />
              </button>
            );
          })}
        </div>
      ))}
    </div>
  );
}

function ButtonMark({ button }: { button: ApiInlineButton }): ReactNode {
  if (button.url !== undefined || button.login_url !== undefined) return <span className="inline-button-mark"><LinkOutIcon size={12} /></span>;
  if (button.web_app !== undefined) return <span className="inline-button-mark"><AppIcon size={12} /></span>;
  if (button.pay) return <span className="inline-button-mark"><CardIcon size={12} /></span>;
  if (button.copy_text !== undefined) return <span className="inline-button-mark"><CopyIcon size={12} /></span>;
  return null;
}

function describe(button: ApiInlineButton): string | undefined {
  if (button.url) return button.url;
  if (button.web_app) return `Web App: ${button.web_app.url}`;
  if (button.login_url) return button.login_url.url;
  return undefined;
}
