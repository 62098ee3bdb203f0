// The chat with the bot as one simulated user sees it: header, history, composer, and every
// popup Telegram would show (toasts, alerts, link confirmations, checkout, photo viewer).

import { useCallback, useEffect, useRef, useState, type ReactNode } from 'react';
import { SandboxApiError, type SimClient } from '../api/client.ts';
import type { SandboxPageConfig, SandboxUser } from '../api/sandbox-config.ts';
import type { ApiInlineButton, ApiKeyboardButton, BotCommand, CallbackAnswer, SimEvent, ViewMessage } from '../api/types.ts';
import { ChatActionsContext, type ChatActions } from '../chat/chat-actions.ts';
import type { ConnectionState, EventStream } from '../chat/event-stream.ts';
import { paidInvoiceIds } from '../chat/chat-state.ts';
import { useChat } from '../chat/useChat.ts';
import { fullName } from '../format/misc.ts';
import { AttachDialog } from './AttachDialog.tsx';
import { ChatHeader } from './ChatHeader.tsx';
import { CheckoutDialog } from './CheckoutDialog.tsx';
import { Composer } from './Composer.tsx';
import { ConfirmDialog, type ConfirmDialogProps } from './ConfirmDialog.tsx';
import { ImageViewer } from './ImageViewer.tsx';
import { MessageList } from './MessageList.tsx';
import { MiniAppPanel } from './MiniAppPanel.tsx';

/** Props of {@link ChatPane}. */
export interface ChatPaneProps {
  client: SimClient;
  stream: EventStream;
  connection: ConnectionState;
  config: SandboxPageConfig;
  viewer: SandboxUser;
  paidInvoices: readonly number[];
  onInvoicePaid(chatId: number, messageId: number): void;
  toast(text: string, tone?: 'info' | 'error'): void;
  onBack(): void;
  onSwitchUser(): void;
}

type Popup =
  | { kind: 'confirm'; props: Omit<ConfirmDialogProps, 'onClose'> }
  | { kind: 'checkout'; message: ViewMessage }
  | { kind: 'photo'; src: string; alt: string }
  | { kind: 'attach'; file: File; id: number }
  | { kind: 'miniapp'; url: string };

/** How long a pressed button shows its spinner at most, if the bot never answers. */
const PENDING_BUTTON_MAX_MS = 15_000;

/** The chat pane for `viewer`. */
export function ChatPane(props: ChatPaneProps): ReactNode {
  const { client, config, viewer, toast } = props;
  const chatId = viewer.id;
  const [popup, setPopup] = useState<Popup | null>(null);
  const [pendingButtonKey, setPendingButtonKey] = useState<string | null>(null);
  const [commands, setCommands] = useState<BotCommand[]>([]);
  const shownAnswers = useRef(new Set<string>());
  const attachCount = useRef(0);

  const showAnswer = useCallback(
    (answer: CallbackAnswer) => {
      if (shownAnswers.current.has(answer.callbackQueryId)) return;
      shownAnswers.current.add(answer.callbackQueryId);
      setPendingButtonKey(null);
      if (answer.text) {
        if (answer.showAlert) setPopup({ kind: 'confirm', props: { title: config.businessName, text: answer.text } });
        else toast(answer.text);
      }
      if (answer.url) openBotLink(answer.url);
    },
    // openBotLink reads only config and the client, which do not change while the page runs.
    [config.businessName, toast],
  );

  const onEvent = useCallback(
    (event: SimEvent) => {
      if (event.type === 'callback_answer' && event.answer.userId === viewer.id) showAnswer(event.answer);
    },
    [showAnswer, viewer.id],
  );
  const onError = useCallback((message: string) => toast(message, 'error'), [toast]);
  const live = useChat(client, props.stream, chatId, onEvent, onError);
  const { chat } = live;

  const refreshCommands = useCallback(() => {
    client.commands(chatId, viewer.language_code).then(setCommands, () => undefined);
  }, [client, chatId, viewer.language_code]);
  // The command list changes when the bot publishes a new one (after /start, a language change).
  const lastBotMessageId = chat.messages.findLast((message) => message.from_bot)?.message_id;
  useEffect(refreshCommands, [refreshCommands, lastBotMessageId]);

  useEffect(() => {
    setPopup(null);
    setPendingButtonKey(null);
  }, [chatId]);

  useEffect(() => {
    if (!pendingButtonKey) return;
    const timer = setTimeout(() => setPendingButtonKey(null), PENDING_BUTTON_MAX_MS);
    return () => clearTimeout(timer);
  }, [pendingButtonKey]);

  const report = useCallback((error: unknown) => toast(error instanceof Error ? error.message : String(error), 'error'), [toast]);

  const sendText = useCallback(
    async (text: string): Promise<boolean> => {
      try {
        await client.sendText(chatId, viewer.id, text);
        return true;
      } catch (error) {
        report(error);
        return false;
      }
    },
    [client, chatId, viewer.id, report],
  );

  /** Telegram opens t.me links to the bot itself as a /start with the payload. */
  const openBotLink = (url: string) => {
    const match = new RegExp(`^(?:https://)?t\\.me/${config.bot.username}\\?start=([\\w-]{1,64})$`, 'i').exec(url);
    if (match) void sendText(`/start ${match[1]}`);
    else openExternal(url, 'Open this link?');
  };

  const openExternal = (url: string, title: string) =>
    setPopup({
      kind: 'confirm',
      props: { title, text: `${title}\n\n${url}`, confirmLabel: 'Open', onConfirm: () => window.open(url, '_blank', 'noopener,noreferrer') },
    });

  const pressInline = (message: ViewMessage, button: ApiInlineButton, key: string) => {
    if (button.callback_data !== undefined) {
      setPendingButtonKey(key);
      client.pressButton(chatId, viewer.id, message.message_id, button.callback_data).then(
        (answer) => {
          if (answer) showAnswer(answer);
        },
        (error: unknown) => {
          setPendingButtonKey(null);
          report(error);
        },
      );
    } else if (button.url !== undefined) {
      openBotLink(button.url);
    } else if (button.login_url !== undefined) {
      openExternal(button.login_url.url, 'Open this link?');
    } else if (button.web_app !== undefined) {
      setPopup({ kind: 'miniapp', url: button.web_app.url });
    } else if (button.copy_text !== undefined) {
      navigator.clipboard.writeText(button.copy_text.text).then(
        () => toast('Copied to clipboard'),
        () => toast(`Copy this: ${button.copy_text?.text ?? ''}`),
      );
    } else if (button.pay) {
      setPopup({ kind: 'checkout', message });
    } else {
      toast('This button type is not simulated in the sandbox.');
    }
  };

  const onReplyButton = (button: ApiKeyboardButton) => {
    if (button.request_contact) {
      setPopup({
        kind: 'confirm',
        props: {
          title: 'Share your phone number?',
          text: `The bot will know your phone number. This helps it connect you to your account or order.`,
          confirmLabel: 'Share',
          onConfirm: () => void client.shareContact(chatId, viewer.id).catch(report),
        },
      });
      return;
    }
    if (button.request_location || button.request_users || button.request_chat || button.request_poll) {
      toast('This kind of request button is not simulated in the sandbox.');
      return;
    }
    if (chat.replyKeyboard?.one_time_keyboard && !chat.keyboardCollapsed) live.toggleKeyboard();
    void sendText(button.text);
  };

  const pay = async (message: ViewMessage): Promise<string | null> => {
    try {
      const result = (await client.payInvoice(chatId, message.message_id, viewer.id)) as { status?: string; errorMessage?: string } | undefined;
      if (result?.status === 'declined') return result.errorMessage || 'The bot declined the payment.';
      if (result?.status === 'timeout') return 'The bot did not confirm the order in time (10 s), so the payment was cancelled.';
      props.onInvoicePaid(chatId, message.message_id);
      return null;
    } catch (error) {
      if (error instanceof SandboxApiError && /already paid/.test(error.message)) props.onInvoicePaid(chatId, message.message_id);
      return error instanceof Error ? error.message : String(error);
    }
  };

  const actions: ChatActions = {
    pressInline,
    sendText: (text: string) => void sendText(text),
    openInvoice: (message: ViewMessage) => setPopup({ kind: 'checkout', message }),
    openPhoto: (src: string, alt: string) => setPopup({ kind: 'photo', src, alt }),
    fileUrl: client.fileUrl,
    pendingButtonKey,
    languageCode: viewer.language_code,
    paidInvoices: [...props.paidInvoices, ...paidInvoiceIds(chat.messages)],
  };

  const isAdmin = config.adminIds.includes(viewer.id);
  const empty = chat.loaded ? (
    <div className="empty-chat">
      <div className="empty-chat-card">
        <div className="empty-chat-title">{config.businessName}</div>
        <p>
          You are <strong>{fullName(viewer)}</strong> ({isAdmin ? 'admin, ' : ''}language {viewer.language_code}, id {viewer.id}).
        </p>
        <p>Press START to talk to the bot, exactly as a new customer would in Telegram.</p>
      </div>
    </div>
  ) : (
    <div className="empty-chat" aria-busy="true">
      <div className="spinner" aria-label="Loading the chat" />
    </div>
  );

  return (
    <ChatActionsContext.Provider value={actions}>
      <section className="chat" aria-label={`Chat with ${config.businessName}`}>
        <ChatHeader
          botId={config.bot.id}
          botName={config.businessName}
          botUsername={config.bot.username}
          action={chat.action?.name ?? null}
          connection={props.connection}
          viewer={viewer}
          viewerIsAdmin={isAdmin}
          onBack={props.onBack}
          onSwitchUser={props.onSwitchUser}
        />
        {config.miniApp ? (
          <button type="button" className="miniapp-open" onClick={() => setPopup({ kind: 'miniapp', url: config.miniApp?.url ?? '' })}>
            {config.miniApp.text}
          </button>
        ) : null}
        <MessageList messages={chat.messages} empty={empty} />
        <Composer
          botName={config.businessName}
          commands={commands}
          refreshCommands={refreshCommands}
          replyKeyboard={chat.replyKeyboard}
          keyboardCollapsed={chat.keyboardCollapsed}
          toggleKeyboard={live.toggleKeyboard}
          onReplyButton={onReplyButton}
          onSend={sendText}
          onAttach={(file) => setPopup({ kind: 'attach', file, id: ++attachCount.current })}
          showStart={chat.loaded && chat.messages.length === 0}
          disabledReason={chat.blocked ? `${fullName(viewer)} has blocked the bot.` : null}
        />
      </section>
      {popup?.kind === 'confirm' ? <ConfirmDialog {...popup.props} onClose={() => setPopup(null)} /> : null}
      {popup?.kind === 'checkout' ? (
        <CheckoutDialog message={popup.message} languageCode={viewer.language_code} onPay={() => pay(popup.message)} onClose={() => setPopup(null)} />
      ) : null}
      {popup?.kind === 'miniapp' ? <MiniAppPanel url={popup.url} title={config.businessName} viewer={viewer} client={client} toast={toast} onClose={() => setPopup(null)} /> : null}
      {popup?.kind === 'photo' ? <ImageViewer src={popup.src} alt={popup.alt} onClose={() => setPopup(null)} /> : null}
      {popup?.kind === 'attach' ? (
        <AttachDialog
          // A file chosen while an upload still finishes gets a dialog of its own, and the
          // finished upload closes only the dialog it came from.
          key={popup.id}
          file={popup.file}
          onClose={() => {
            const id = popup.id;
            setPopup((current) => (current?.kind === 'attach' && current.id !== id ? current : null));
          }}
          onSend={(kind, caption) => client.sendFile(chatId, viewer.id, popup.file, kind, caption).catch(report)}
        />
      ) : null}
    </ChatActionsContext.Provider>
  );
}
