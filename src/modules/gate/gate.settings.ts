import { GrammyError, HttpError, type Api } from 'grammy';
import { z } from 'zod';
import type { LiveSettingsSection, SettingsRefusal } from '../module.ts';
import { gateChannelsSchema, type GateChannel, type GateService } from './gate.service.ts';

/** The gate's part of the panel's settings: the mandatory channels, in order. */
export const gatePanelSchema = z.object({ channels: gateChannelsSchema });

/** The gate's panel value. */
export type GatePanelSettings = z.output<typeof gatePanelSchema>;

/** How long the panel waits for Telegram before saying it did not answer. */
const TELEGRAM_TIMEOUT_MS = 10_000;

const withTimeout = <T>(work: Promise<T>): Promise<T> =>
  Promise.race([work, new Promise<never>((_resolve, reject) => setTimeout(() => reject(new Error('timeout')), TELEGRAM_TIMEOUT_MS).unref())]);

/**
 * Whether the bot can see who is in `channel`: it must be an administrator of a channel (a
 * member is enough in a group). Without that, getChatMember fails for every customer and the
 * gate would let everyone through, so such a channel is refused when it is added.
 */
export async function checkChannelAccess(api: Api, channel: GateChannel): Promise<SettingsRefusal | undefined> {
  const name = `${channel.title} (${channel.chatId})`;
  const notAdmin: SettingsRefusal = {
    reason: 'bot_not_admin',
    message: `The bot cannot see who has joined ${name}. Make the bot an administrator of the channel first, then add it again.`,
  };
  try {
    const me = await withTimeout(api.getMe());
    const member = await withTimeout(api.getChatMember(channel.chatId, me.id));
    if (member.status === 'administrator' || member.status === 'creator') return undefined;
    if (member.status === 'member' || member.status === 'restricted') {
      // In a group an ordinary member may look members up; in a channel only an administrator.
      const chat = await withTimeout(api.getChat(channel.chatId));
      if (chat.type === 'group' || chat.type === 'supergroup') return undefined;
    }
    return notAdmin;
  } catch (error) {
    if (error instanceof GrammyError) {
      if (/chat not found|username_invalid|username_not_occupied/i.test(error.description)) {
        return {
          reason: 'chat_not_found',
          message: `Telegram does not know ${name}, or the bot is not in it. Check the id or @username, add the bot to the channel as an administrator, and try again.`,
        };
      }
      return notAdmin;
    }
    const detail = error instanceof HttpError ? 'the network' : (error as Error).message;
    return { reason: 'telegram_unreachable', message: `Telegram did not answer (${detail}); the channel was not added. Try again in a minute.` };
  }
}

/**
 * The mandatory channels as a live setting: the owner adds, removes and reorders them in the
 * panel; the gate reads the new list at once and forgets what it cached about the channels
 * that changed. Channels that are new to the list are checked with Telegram first.
 */
export function gateSettingsSection(deps: { gate: GateService; configured: readonly GateChannel[] }): LiveSettingsSection<GatePanelSettings> {
  const fallback = structuredClone([...deps.configured]);
  return {
    key: 'gate',
    summary: 'the mandatory channels of the subscription gate',
    schema: gatePanelSchema,
    fallback: () => ({ channels: structuredClone(fallback) }),
    apply: (value) => deps.gate.setChannels(value.channels),
    async check(value, current, tools) {
      const known = new Set(current.channels.map((channel) => String(channel.chatId).toLowerCase()));
      const added = value.channels.filter((channel) => !known.has(String(channel.chatId).toLowerCase()));
      if (added.length === 0) return undefined;
      const api = tools.telegram();
      if (!api) return { reason: 'telegram_unreachable', message: 'The bot is not connected to Telegram yet, so the channel cannot be checked. Try again in a minute.' };
      for (const channel of added) {
        const refusal = await checkChannelAccess(api, channel);
        if (refusal) return refusal;
      }
      return undefined;
    },
  };
}
