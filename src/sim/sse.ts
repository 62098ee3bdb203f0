// Server-Sent Events: the sandbox page follows chats live. Each event goes out as a named SSE
// event (its `type`) with the whole SimEvent as JSON and its `seq` as the SSE id.

import type { FastifyReply } from 'fastify';
import type { SimEventBus } from './event-bus.ts';

const HEARTBEAT_MS = 15_000;

/** Takes over the reply and streams events of the given chats (all chats when `chatIds` is undefined). */
export function streamSimEvents(
  reply: FastifyReply,
  events: SimEventBus,
  chatIds: ReadonlySet<number> | undefined,
  closing: AbortSignal,
): void {
  reply.hijack();
  const raw = reply.raw;
  raw.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache, no-transform',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
  });
  raw.write('retry: 1000\n: connected\n\n');

  const unsubscribe = events.subscribe((event) => {
    if (chatIds && !chatIds.has(event.chatId)) return;
    raw.write(`id: ${event.seq}\nevent: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`);
  });
  const heartbeat = setInterval(() => raw.write(': ping\n\n'), HEARTBEAT_MS);
  let finished = false;
  const finish = (): void => {
    if (finished) return;
    finished = true;
    clearInterval(heartbeat);
    unsubscribe();
    stopOnSimClose();
    closing.removeEventListener('abort', finish);
    if (!raw.writableEnded) raw.end();
  };
  const stopOnSimClose = events.onClose(finish);
  closing.addEventListener('abort', finish, { once: true });
  // The response's 'close' fires when the browser goes away (the request's fires too early).
  raw.on('close', finish);
}
