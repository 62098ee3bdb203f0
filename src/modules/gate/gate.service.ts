import { z } from 'zod';

const CHAT_ID = /^(?:-?\d{1,16}|@\w{5,32})$/;

/** A numeric chat id (`-100…`, also as text) or a public `@username`. */
const chatIdSchema = z
  .preprocess((value) => (typeof value === 'number' ? String(value) : value), z.string().trim().regex(CHAT_ID, 'expected a chat id such as -1001234567890 or a public @username such as @lavka_news'))
  .transform((value) => (value.startsWith('@') ? value : Number(value)));

/** A channel users must join, as the business configures it under `settings.gate.channels`. */
export const gateChannelSchema = z
  .object({
    /** The channel's numeric id (`-100…`) or public `@username`. */
    chatId: chatIdSchema,
    title: z.string().trim().min(1, 'a title is needed').max(64),
    /** Where the "join" button leads, e.g. `https://t.me/lavka_news`; for an @username it may be left out. */
    url: z
      .string()
      .trim()
      .refine((value) => /^(https:\/\/|tg:\/\/)\S+$/.test(value) && URL.canParse(value), 'expected an https:// or tg:// link, such as https://t.me/lavka_news')
      .optional(),
  })
  .transform((channel, ctx) => {
    if (channel.url) return { ...channel, url: channel.url };
    if (typeof channel.chatId === 'string') return { ...channel, url: `https://t.me/${channel.chatId.slice(1)}` };
    ctx.addIssue({ code: 'custom', path: ['url'], message: 'a join link is needed for a channel given by its numeric id' });
    return z.NEVER;
  });

/** One mandatory channel. */
export type GateChannel = z.output<typeof gateChannelSchema>;

/** The list of mandatory channels: at most 10, each chat once. */
export const gateChannelsSchema = z
  .array(gateChannelSchema)
  .max(10, 'at most 10 channels')
  .superRefine((channels, ctx) => {
    const seen = new Set<string>();
    for (const [index, channel] of channels.entries()) {
      const id = String(channel.chatId).toLowerCase();
      if (seen.has(id)) ctx.addIssue({ code: 'custom', path: [index, 'chatId'], message: `${channel.chatId} is listed twice` });
      seen.add(id);
    }
  });

/** Settings under `settings.gate` in the business config. */
export const gateSettingsSchema = z
  .object({
    /** Channels a user must be a member of; empty turns the gate off. */
    channels: gateChannelsSchema.default([]),
    /** How long a membership answer is trusted before Telegram is asked again. */
    cacheSeconds: z.number().int().min(0).max(3600).default(60),
  })
  .default({ channels: [], cacheSeconds: 60 });

/** Validated gate settings. */
export type GateSettings = z.infer<typeof gateSettingsSchema>;

/** What getChatMember says about a user, reduced to what the gate needs. */
export interface MemberStatus {
  status: string;
  /** Present for `restricted` members: whether they are still in the chat. */
  is_member?: boolean;
}

/** Asks Telegram about a user's membership in a chat (getChatMember). */
export type MembershipLookup = (chatId: number | string, userId: number) => Promise<MemberStatus>;

/** Most cached answers; beyond it the oldest are dropped so memory stays bounded. */
const CACHE_LIMIT = 50_000;

/** Whether a getChatMember answer means the user is in the channel. */
export function isMember(member: MemberStatus): boolean {
  if (member.status === 'creator' || member.status === 'administrator' || member.status === 'member') return true;
  return member.status === 'restricted' && member.is_member === true;
}

/**
 * The subscription gate: which configured channels a user has not joined. Answers are
 * cached briefly (Telegram rate-limits getChatMember and the gate runs on every update); a
 * "Check again" press bypasses the cache. A channel the bot cannot check (not an admin
 * there, wrong id) lets the user through and is reported, so a configuration mistake never
 * locks every customer out of the shop.
 */
export function createGateService(deps: { settings: GateSettings; now(): number; onLookupError(channel: GateChannel, error: unknown): void }) {
  const cache = new Map<string, { member: boolean; untilMs: number }>();
  const ttlMs = deps.settings.cacheSeconds * 1000;
  let channels: readonly GateChannel[] = deps.settings.channels;

  const remember = (key: string, member: boolean) => {
    if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value as string);
    cache.set(key, { member, untilMs: deps.now() + ttlMs });
  };

  return {
    /** The mandatory channels in effect, in the order users see them. */
    get channels(): readonly GateChannel[] {
      return channels;
    },

    /** True when the business lists mandatory channels. */
    get enabled(): boolean {
      return channels.length > 0;
    },

    /**
     * Replaces the channel list (the owner edited it in the panel). Cached answers about
     * channels that were added, removed or changed are dropped, so nobody is let in or kept
     * out by what Telegram said about another channel list.
     */
    setChannels(next: readonly GateChannel[]): void {
      const describe = (list: readonly GateChannel[]) => new Map(list.map((channel) => [String(channel.chatId), JSON.stringify(channel)]));
      const before = describe(channels);
      const after = describe(next);
      const changed = new Set([...before.keys(), ...after.keys()].filter((chatId) => before.get(chatId) !== after.get(chatId)));
      channels = [...next];
      if (changed.size === 0) return;
      for (const key of cache.keys()) {
        if (changed.has(key.slice(key.indexOf(':') + 1))) cache.delete(key);
      }
    },

    /** The channels `userId` still has to join; empty when the gate lets them in. */
    async missingChannels(userId: number, lookup: MembershipLookup, options: { force?: boolean } = {}): Promise<GateChannel[]> {
      const missing: GateChannel[] = [];
      for (const channel of channels) {
        const key = `${userId}:${channel.chatId}`;
        const cached = cache.get(key);
        if (!options.force && cached && cached.untilMs > deps.now()) {
          if (!cached.member) missing.push(channel);
          continue;
        }
        let member: boolean;
        try {
          member = isMember(await lookup(channel.chatId, userId));
        } catch (error) {
          deps.onLookupError(channel, error);
          member = true;
        }
        remember(key, member);
        if (!member) missing.push(channel);
      }
      return missing;
    },

    /** Forgets every cached answer. */
    clearCache(): void {
      cache.clear();
    },

    /** How many answers are cached (tests, diagnostics). */
    get cachedAnswers(): number {
      return cache.size;
    },
  };
}

/** The gate service's shape. */
export type GateService = ReturnType<typeof createGateService>;
