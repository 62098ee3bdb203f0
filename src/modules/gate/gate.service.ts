import { z } from 'zod';

/** A channel users must join, as the business configures it under `settings.gate.channels`. */
export const gateChannelSchema = z.object({
  /** The channel's numeric id (`-100…`) or public `@username`. */
  chatId: z.union([z.number().int(), z.string().regex(/^@\w{5,32}$/)]),
  title: z.string().trim().min(1).max(64),
  /** Where the "join" button leads, e.g. `https://t.me/lavka_news`. */
  url: z.url().refine((value) => value.startsWith('https://') || value.startsWith('tg://'), 'expected an https:// or tg:// link'),
});

/** One mandatory channel. */
export type GateChannel = z.infer<typeof gateChannelSchema>;

/** Settings under `settings.gate` in the business config. */
export const gateSettingsSchema = z
  .object({
    /** Channels a user must be a member of; empty turns the gate off. */
    channels: z.array(gateChannelSchema).max(10).default([]),
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

  const remember = (key: string, member: boolean) => {
    if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value as string);
    cache.set(key, { member, untilMs: deps.now() + ttlMs });
  };

  return {
    channels: deps.settings.channels,

    /** True when the business lists mandatory channels. */
    get enabled(): boolean {
      return deps.settings.channels.length > 0;
    },

    /** The channels `userId` still has to join; empty when the gate lets them in. */
    async missingChannels(userId: number, lookup: MembershipLookup, options: { force?: boolean } = {}): Promise<GateChannel[]> {
      const missing: GateChannel[] = [];
      for (const channel of deps.settings.channels) {
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

    /** Forgets cached answers (tests, or after the owner edits the channel list). */
    clearCache(): void {
      cache.clear();
    },
  };
}

/** The gate service's shape. */
export type GateService = ReturnType<typeof createGateService>;
