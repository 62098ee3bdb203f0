// The list of the bot's commands that opens above the input when the text starts with "/"
// (or from the Menu button), like Telegram's command suggestions.

import type { ReactNode } from 'react';
import type { BotCommand } from '../api/types.ts';

/** Props of {@link CommandPopup}. */
export interface CommandPopupProps {
  id: string;
  commands: BotCommand[];
  activeIndex: number;
  botName: string;
  onChoose(command: BotCommand): void;
  onHover(index: number): void;
}

/** The id of a suggestion, for aria-activedescendant on the input. */
export function commandOptionId(popupId: string, index: number): string {
  return `${popupId}-option-${index}`;
}

/** A listbox of commands with descriptions. */
export function CommandPopup({ id, commands, activeIndex, botName, onChoose, onHover }: CommandPopupProps): ReactNode {
  return (
    <ul className="command-popup" id={id} role="listbox" aria-label="Bot commands">
      {commands.map((command, index) => (
        <li
          key={command.command}
          id={commandOptionId(id, index)}
          role="option"
          aria-selected={index === activeIndex}
          className={`command-option${index === activeIndex ? ' is-active' : ''}`}
          // mousedown, not click: the input must keep focus so typing can continue.
          onMouseDown={(event) => {
            event.preventDefault();
            onChoose(command);
          }}
          onMouseEnter={() => onHover(index)}
        >
          <span className="command-avatar" aria-hidden="true">
            {[...botName][0]?.toUpperCase()}
          </span>
          <span className="command-name">/{command.command}</span>
          <span className="command-description">{command.description}</span>
        </li>
      ))}
    </ul>
  );
}

/** The commands matching what was typed after "/"; null when the popup should be closed. */
export function matchCommands(text: string, commands: BotCommand[]): BotCommand[] | null {
  const match = /^\/(\w*)$/.exec(text);
  if (!match) return null;
  const prefix = (match[1] ?? '').toLowerCase();
  const found = commands.filter((command) => command.command.toLowerCase().startsWith(prefix));
  return found.length > 0 && !(found.length === 1 && found[0]?.command === prefix) ? found : null;
}
