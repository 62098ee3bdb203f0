// Mini App launch data as Telegram makes it: when a user opens a bot's web app, Telegram hands
// the page `initData`, a query string signed with a key derived from the bot's token (Bot API,
// "Validating data received via the Mini App"). The simulator signs with its own token, so a
// Mini App opened in the sandbox is checked exactly as a real one.

import { createHmac } from 'node:crypto';
import type { ApiUser } from './api-types.ts';

/** The initData Telegram would give `user` opening the bot's web app at `authDateSec`. */
export function signWebAppInitData(token: string, user: ApiUser, authDateSec: number, extra: { queryId?: string; chatType?: string } = {}): string {
  const fields: Record<string, string> = {
    auth_date: String(authDateSec),
    user: JSON.stringify({
      id: user.id,
      first_name: user.first_name,
      ...(user.last_name ? { last_name: user.last_name } : {}),
      ...(user.username ? { username: user.username } : {}),
      ...(user.language_code ? { language_code: user.language_code } : {}),
      allows_write_to_pm: true,
    }),
    ...(extra.queryId ? { query_id: extra.queryId } : {}),
    ...(extra.chatType ? { chat_type: extra.chatType } : {}),
  };
  const checkString = Object.keys(fields)
    .sort()
    .map((name) => `${name}=${fields[name]}`)
    .join('\n');
  const secret = createHmac('sha256', 'WebAppData').update(token).digest();
  const hash = createHmac('sha256', secret).update(checkString).digest('hex');
  return new URLSearchParams({ ...fields, hash }).toString();
}
