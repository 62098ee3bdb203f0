// The sandbox page: the user list on the left (a drawer-like screen of its own on phones)
// and the chat of the chosen user on the right, over one shared live event stream.

import { useCallback, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { createSimClient, loadConfig } from './api/client.ts';
import type { SandboxPageConfig, SandboxUser } from './api/sandbox-config.ts';
import type { ApiUser, ViewMessage } from './api/types.ts';
import { openEventStream, type ConnectionState, type EventStream } from './chat/event-stream.ts';
import { AddUserDialog } from './components/AddUserDialog.tsx';
import { ChatPane } from './components/ChatPane.tsx';
import { Sidebar, type ChatPreview } from './components/Sidebar.tsx';
import { Toasts, type Toast } from './components/Toasts.tsx';
import { useTheme } from '../../shared/theme.ts';

/** Loads the configuration, then shows the sandbox. */
export function App(): ReactNode {
  const [config, setConfig] = useState<SandboxPageConfig | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    loadConfig().then(setConfig, (caught: unknown) => setError((caught as Error).message));
  }, []);

  if (error) {
    return (
      <main className="boot-message" role="alert">
        <h1>The sandbox could not start</h1>
        <p>{error}</p>
        <p>Is Lavka running without TELEGRAM_BOT_TOKEN? Start it with npm start and reload this page.</p>
      </main>
    );
  }
  if (!config) {
    return (
      <main className="boot-message" aria-busy="true">
        <div className="spinner" aria-label="Loading the sandbox" />
      </main>
    );
  }
  return <Sandbox config={config} />;
}

function Sandbox({ config }: { config: SandboxPageConfig }): ReactNode {
  const client = useMemo(() => createSimClient(config.apiPrefix), [config.apiPrefix]);
  const stream = useEventStream(client.eventsUrl());
  const connection = useConnection(stream);
  const { theme, toggleTheme } = useTheme('lavka-sandbox-theme');
  const [users, setUsers] = useState<SandboxUser[]>(config.users);
  const [currentId, setCurrentId] = useState<number>(() => initialUserId(config.users));
  const [view, setView] = useState<'list' | 'chat'>('chat');
  const [addingUser, setAddingUser] = useState(false);
  const [previews, setPreviews] = useState<ReadonlyMap<number, ChatPreview>>(new Map());
  const [paid, setPaid] = useState<Record<string, number[]>>(() => readPaidInvoices());
  const { toasts, toast, dismiss } = useToasts();
  const currentRef = useRef(currentId);
  currentRef.current = currentId;

  const current = users.find((user) => user.id === currentId) ?? users[0];

  // Users created earlier (another tab, a test) are in the simulator but not in the config.
  useEffect(() => {
    client.info().then(
      (info) => setUsers((known) => mergeUsers(known, info.users)),
      () => undefined,
    );
  }, [client]);

  // The last message of each user's chat, for the list; then kept current by the stream.
  useEffect(() => {
    let cancelled = false;
    const load = async () => {
      const entries = await Promise.all(
        users.map(async (user) => {
          const view = await client.chat(user.id).catch(() => null);
          const last = view?.messages.at(-1);
          return last ? ([user.id, { text: previewText(last), date: last.date, unread: 0 }] as const) : null;
        }),
      );
      if (!cancelled) {
        setPreviews((old) => {
          const next = new Map(old);
          for (const entry of entries) if (entry && !next.has(entry[0])) next.set(entry[0], entry[1]);
          return next;
        });
      }
    };
    void load();
    return () => {
      cancelled = true;
    };
  }, [client, users]);

  useEffect(
    () =>
      stream?.subscribe((event) => {
        if (event.type !== 'message') return;
        setPreviews((old) => {
          const next = new Map(old);
          const unread = (old.get(event.chatId)?.unread ?? 0) + (event.chatId !== currentRef.current && event.message.from_bot ? 1 : 0);
          next.set(event.chatId, { text: previewText(event.message), date: event.message.date, unread });
          return next;
        });
      }),
    [stream],
  );

  const select = useCallback((user: SandboxUser) => {
    setCurrentId(user.id);
    setView('chat');
    history.replaceState(null, '', `#user=${user.id}`);
    setPreviews((old) => {
      const preview = old.get(user.id);
      if (!preview?.unread) return old;
      return new Map(old).set(user.id, { ...preview, unread: 0 });
    });
  }, []);

  const addUser = async (user: SandboxUser) => {
    await client.saveUser(user);
    setUsers((known) => [...known.filter((item) => item.id !== user.id), user]);
    select(user);
  };

  const onInvoicePaid = useCallback((chatId: number, messageId: number) => {
    setPaid((old) => {
      const next = { ...old, [chatId]: [...(old[chatId] ?? []), messageId] };
      sessionStorage.setItem(PAID_KEY, JSON.stringify(next));
      return next;
    });
  }, []);

  const switchUser = () => {
    if (window.matchMedia('(max-width: 720px)').matches) setView('list');
    else document.querySelector<HTMLButtonElement>('.user-row.is-current')?.focus();
  };

  if (!current || !stream) return null;
  return (
    <div className="app" data-view={view}>
      <Sidebar
        config={config}
        users={users}
        currentUserId={current.id}
        previews={previews}
        theme={theme}
        onSelect={select}
        onAddUser={() => setAddingUser(true)}
        onToggleTheme={toggleTheme}
      />
      <ChatPane
        key={current.id}
        client={client}
        stream={stream}
        connection={connection}
        config={config}
        viewer={current}
        paidInvoices={paid[current.id] ?? EMPTY}
        onInvoicePaid={onInvoicePaid}
        toast={toast}
        onBack={() => setView('list')}
        onSwitchUser={switchUser}
      />
      <Toasts toasts={toasts} onDismiss={dismiss} />
      {addingUser ? (
        <AddUserDialog
          locales={config.locales}
          takenIds={users.map((user) => user.id)}
          onAdd={addUser}
          onClose={() => setAddingUser(false)}
        />
      ) : null}
    </div>
  );
}

const EMPTY: readonly number[] = [];
const PAID_KEY = 'lavka-sandbox-paid-invoices';

function readPaidInvoices(): Record<string, number[]> {
  try {
    const value: unknown = JSON.parse(sessionStorage.getItem(PAID_KEY) ?? '{}');
    return typeof value === 'object' && value !== null ? (value as Record<string, number[]>) : {};
  } catch {
    return {};
  }
}

function initialUserId(users: SandboxUser[]): number {
  const fromHash = Number(/user=(\d+)/.exec(location.hash)?.[1]);
  return Number.isSafeInteger(fromHash) && fromHash > 0 ? fromHash : (users[0]?.id ?? 0);
}

function mergeUsers(known: SandboxUser[], more: ApiUser[]): SandboxUser[] {
  const merged = [...known];
  for (const user of more) {
    if (user.is_bot || merged.some((item) => item.id === user.id)) continue;
    merged.push({
      id: user.id,
      first_name: user.first_name,
      language_code: user.language_code ?? 'en',
      ...(user.last_name ? { last_name: user.last_name } : {}),
      ...(user.username ? { username: user.username } : {}),
    });
  }
  return merged;
}

function previewText(message: ViewMessage): string {
  const prefix = message.from_bot ? '' : 'You: ';
  if (message.text) return prefix + message.text;
  if (message.successful_payment) return 'Payment sent';
  if (message.invoice) return `Invoice: ${message.invoice.title}`;
  if (message.photo) return `${prefix}Photo${message.caption ? `, ${message.caption}` : ''}`;
  if (message.document) return `${prefix}${message.document.file_name ?? 'File'}`;
  if (message.contact) return `${prefix}Contact`;
  if (message.location) return `${prefix}Location`;
  return `${prefix}Message`;
}

/** The page's one event stream, opened on mount and closed on unmount. */
function useEventStream(url: string): EventStream | null {
  const [stream, setStream] = useState<EventStream | null>(null);
  useEffect(() => {
    const opened = openEventStream(url);
    setStream(opened);
    return () => opened.close();
  }, [url]);
  return stream;
}

function useConnection(stream: EventStream | null): ConnectionState {
  const [state, setState] = useState<ConnectionState>('connecting');
  useEffect(() => {
    if (!stream) return;
    setState(stream.connection());
    return stream.onConnectionChange(setState);
  }, [stream]);
  return state;
}

function useToasts() {
  const [toasts, setToasts] = useState<Toast[]>([]);
  const nextId = useRef(1);
  const dismiss = useCallback((id: number) => setToasts((list) => list.filter((item) => item.id !== id)), []);
  const toast = useCallback(
    (text: string, tone: Toast['tone'] = 'info') => {
      const id = nextId.current++;
      setToasts((list) => [...list.slice(-2), { id, text, tone }]);
      setTimeout(() => dismiss(id), tone === 'error' ? 6000 : 3000);
    },
    [dismiss],
  );
  return { toasts, toast, dismiss };
}
