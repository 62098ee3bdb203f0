// The bottom of the chat: the Menu button with the bot's commands, the attach button, the
// message field with "/" suggestions, the send button and, below, the bot's reply keyboard.
// Before the first message Telegram shows a single START button instead, and so does this.

import { useEffect, useId, useRef, useState, type KeyboardEvent, type ReactNode } from 'react';
import type { ApiKeyboardButton, ApiReplyKeyboard, BotCommand } from '../api/types.ts';
import { CommandPopup, commandOptionId, matchCommands } from './CommandPopup.tsx';
import { AttachIcon, ChevronDownIcon, KeyboardIcon, MenuIcon, SendIcon } from './icons.tsx';
import { ReplyKeyboard } from './ReplyKeyboard.tsx';

/** Props of {@link Composer}. */
export interface ComposerProps {
  botName: string;
  commands: BotCommand[];
  /** Asks for a fresh command list (it changes with the user's language). */
  refreshCommands(): void;
  replyKeyboard: ApiReplyKeyboard | null;
  keyboardCollapsed: boolean;
  toggleKeyboard(): void;
  onReplyButton(button: ApiKeyboardButton): void;
  onSend(text: string): Promise<boolean>;
  onAttach(file: File): void;
  /** No messages yet: show START. */
  showStart: boolean;
  disabledReason: string | null;
}

/** The message composer. */
export function Composer(props: ComposerProps): ReactNode {
  const { replyKeyboard, keyboardCollapsed } = props;
  const [text, setText] = useState('');
  const [menuOpen, setMenuOpen] = useState(false);
  const [activeIndex, setActiveIndex] = useState(0);
  const [sending, setSending] = useState(false);
  const [focused, setFocused] = useState(false);
  const input = useRef<HTMLTextAreaElement>(null);
  const fileInput = useRef<HTMLInputElement>(null);
  const popupId = useId();

  const typed = matchCommands(text, props.commands);
  const suggestions = typed ?? (menuOpen ? props.commands : null);
  // Suggestions follow the field: they would only cover the chat while typing happens elsewhere.
  const popupOpen = focused && suggestions !== null && suggestions.length > 0;

  useEffect(() => setActiveIndex(0), [text, menuOpen]);

  // Grow the field with its text, up to a few lines, like Telegram.
  useEffect(() => {
    const field = input.current;
    if (!field) return;
    field.style.height = 'auto';
    field.style.height = `${Math.min(field.scrollHeight, 160)}px`;
  }, [text]);

  const send = async (value: string) => {
    const trimmed = value.trim();
    if (!trimmed || sending) return;
    setSending(true);
    const sent = await props.onSend(trimmed);
    setSending(false);
    if (sent) {
      setText('');
      setMenuOpen(false);
    }
    input.current?.focus();
  };

  const choose = (command: BotCommand) => {
    setMenuOpen(false);
    void send(`/${command.command}`);
  };

  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (popupOpen && suggestions) {
      if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
        event.preventDefault();
        const step = event.key === 'ArrowDown' ? 1 : -1;
        setActiveIndex((index) => (index + step + suggestions.length) % suggestions.length);
        return;
      }
      if (event.key === 'Tab') {
        event.preventDefault();
        const command = suggestions[activeIndex];
        if (command) setText(`/${command.command} `);
        setMenuOpen(false);
        return;
      }
      if (event.key === 'Enter' && !event.shiftKey) {
        event.preventDefault();
        const command = suggestions[activeIndex];
        if (command) choose(command);
        return;
      }
      if (event.key === 'Escape') {
        event.preventDefault();
        setMenuOpen(false);
        if (typed) setText('');
        return;
      }
    }
    if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault();
      void send(text);
    }
  };

  if (props.showStart) {
    return (
      <footer className="composer">
        <button type="button" className="start-button" onClick={() => void send('/start')}>
          START
        </button>
      </footer>
    );
  }

  if (props.disabledReason) {
    return (
      <footer className="composer">
        <p className="composer-disabled">{props.disabledReason}</p>
      </footer>
    );
  }

  const keyboardShown = replyKeyboard !== null && !keyboardCollapsed;
  return (
    <footer className="composer">
      <div className="composer-bar">
        {popupOpen && suggestions ? (
          <CommandPopup
            id={popupId}
            commands={suggestions}
            activeIndex={activeIndex}
            botName={props.botName}
            onChoose={choose}
            onHover={setActiveIndex}
          />
        ) : null}
        {props.commands.length > 0 ? (
          <button
            type="button"
            className={`menu-button${menuOpen ? ' is-open' : ''}`}
            aria-label="Bot menu: commands"
            aria-expanded={menuOpen}
            // Keep focus in the field, so opening the menu does not blur (and close) it first.
            onMouseDown={(event) => event.preventDefault()}
            onClick={() => {
              if (!menuOpen) props.refreshCommands();
              setMenuOpen(!menuOpen);
              input.current?.focus();
            }}
          >
            <MenuIcon size={18} />
            <span className="menu-button-label">Menu</span>
          </button>
        ) : null}
        <div className="composer-field">
          <textarea
            ref={input}
            rows={1}
            value={text}
            placeholder={replyKeyboard?.input_field_placeholder || 'Message'}
            aria-label="Message"
            role="combobox"
            aria-autocomplete="list"
            aria-expanded={popupOpen}
            aria-controls={popupOpen ? popupId : undefined}
            aria-activedescendant={popupOpen ? commandOptionId(popupId, activeIndex) : undefined}
            onChange={(event) => {
              const value = event.target.value;
              if (value.startsWith('/') && !text.startsWith('/')) props.refreshCommands();
              setText(value);
            }}
            onKeyDown={onKeyDown}
            onFocus={() => setFocused(true)}
            onBlur={() => {
              setFocused(false);
              setMenuOpen(false);
            }}
          />
          {replyKeyboard ? (
            <button
              type="button"
              className="icon-button"
              aria-label={keyboardShown ? 'Hide bot keyboard' : 'Show bot keyboard'}
              aria-pressed={keyboardShown}
              onClick={props.toggleKeyboard}
            >
              {keyboardShown ? <ChevronDownIcon /> : <KeyboardIcon />}
            </button>
          ) : null}
          <button type="button" className="icon-button" aria-label="Attach a photo or file" onClick={() => fileInput.current?.click()}>
            <AttachIcon />
          </button>
          <input
            ref={fileInput}
            type="file"
            hidden
            tabIndex={-1}
            onChange={(event) => {
              const file = event.target.files?.[0];
              event.target.value = '';
              if (file) props.onAttach(file);
            }}
          />
        </div>
        <button
          type="button"
          className="send-button"
          aria-label="Send message"
          disabled={!text.trim() || sending}
          onClick={() => void send(text)}
        >
          <SendIcon />
        </button>
      </div>
      {replyKeyboard && keyboardShown ? <ReplyKeyboard markup={replyKeyboard} onPress={props.onReplyButton} /> : null}
    </footer>
  );
}
