// The scrolling list of messages: day separators, albums joined into one bubble, runs of
// messages from one side sharing a tail, and staying pinned to the bottom as messages arrive.

import { useLayoutEffect, useRef, type ReactNode } from 'react';
import type { ViewMessage } from '../api/types.ts';
import { formatDay } from '../format/misc.ts';
import { MessageBubble } from './MessageBubble.tsx';

/** Props of {@link MessageList}. */
export interface MessageListProps {
  messages: ViewMessage[];
  /** Shown when the chat is empty. */
  empty: ReactNode;
}

/** How close to the bottom (px) still counts as "reading the latest". */
const STICK_TO_BOTTOM_PX = 120;

/** The chat history. */
export function MessageList({ messages, empty }: MessageListProps): ReactNode {
  const scroller = useRef<HTMLDivElement>(null);
  const atBottom = useRef(true);
  const lastId = messages.at(-1)?.message_id;

  useLayoutEffect(() => {
    const element = scroller.current;
    // Follow new messages unless the user scrolled up to read; their own message always scrolls.
    if (element && (atBottom.current || messages.at(-1)?.from_bot === false)) element.scrollTop = element.scrollHeight;
  }, [lastId, messages]);

  const onScroll = () => {
    const element = scroller.current;
    if (element) atBottom.current = element.scrollHeight - element.scrollTop - element.clientHeight < STICK_TO_BOTTOM_PX;
  };

  const groups = groupMessages(messages);
  return (
    <div className="message-scroller" ref={scroller} onScroll={onScroll}>
      <div className="message-list" role="log" aria-live="polite" aria-label="Messages" aria-relevant="additions text">
        {groups.length === 0 ? empty : null}
        {groups.map((group, index) => {
          const first = group[0] as ViewMessage;
          const previous = groups[index - 1]?.[0];
          const next = groups[index + 1]?.[0];
          const day = formatDay(first.date);
          const showDay = !previous || formatDay(previous.date) !== day;
          const lastInRun = !next || next.from_bot !== first.from_bot || formatDay(next.date) !== day;
          return (
            <div key={first.message_id} className="message-group">
              {showDay ? (
                <div className="day-separator">
                  <span>{day}</span>
                </div>
              ) : null}
              <MessageBubble group={group} lastInRun={lastInRun} />
            </div>
          );
        })}
      </div>
    </div>
  );
}

/** Joins consecutive messages of one media group (an album) into one bubble. */
export function groupMessages(messages: ViewMessage[]): ViewMessage[][] {
  const groups: ViewMessage[][] = [];
  for (const message of messages) {
    const current = groups.at(-1);
    const head = current?.[0];
    if (current && head && message.media_group_id && head.media_group_id === message.media_group_id && head.from_bot === message.from_bot) {
      current.push(message);
    } else {
      groups.push([message]);
    }
  }
  return groups;
}
