import { type Locale } from '../../config/business.ts';
import { isUniqueViolation } from '../../db/database.ts';
import { enqueueOutbox } from '../../delivery/outbox.ts';
import type { BroadcastRow } from './broadcasts.tables.ts';
import { audienceSchema, BroadcastError, type BroadcastsCore } from './broadcasts.core.ts';

/** Drafts: writing a broadcast, counting and checking its audience, rendering it in a language, a preview to one chat. */
export function createBroadcastsDrafts(core: BroadcastsCore) {
  const { deps, repository, load, buttonsOf, localeOf, wrongStatus, toRow, parseInput, render, resolveAudience } = core;
  const drafts = {
    /** Writes a draft; a business id (`externalId`) another broadcast has is `broadcasts.external_id_taken`. */
    async createDraft(input: unknown, options: { createdBy?: number; externalId?: string } = {}): Promise<BroadcastRow> {
      const data = parseInput(input);
      const nowMs = deps.now();
      const taken = () => new BroadcastError('broadcasts.external_id_taken', 'Another broadcast already has this external id.', { externalId: options.externalId });
      if (options.externalId !== undefined && (await repository.findByExternalId(options.externalId))) throw taken();
      return repository.insert({
        ...toRow(data),
        external_id: options.externalId ?? null,
        status: 'draft',
        audience_size: null,
        scheduled_at: null,
        started_at: null,
        finished_at: null,
        created_by: options.createdBy ?? null,
        progress_chat_id: null,
        progress_updated_at: null,
        delivered: 0,
        blocked: 0,
        failed: 0,
        created_at: nowMs,
        updated_at: nowMs,
      }).catch((error: unknown) => {
        // Two requests with the same id at once: the index lets one through.
        if (isUniqueViolation(error)) throw taken();
        throw error;
      });
    },

    /** Changes a draft; fields not given keep their value. */
    async updateDraft(id: number, patch: unknown): Promise<BroadcastRow> {
      const row = await load(id);
      if (row.status !== 'draft') throw wrongStatus(row, 'edited');
      const current = {
        text: row.text,
        entities: row.entities ? (JSON.parse(row.entities) as unknown) : undefined,
        parseMode: row.parse_mode ?? undefined,
        photo: row.photo ?? undefined,
        buttons: buttonsOf(row),
        unsubscribeButton: row.unsubscribe_button === 1,
        paid: row.paid === 1,
        audience: JSON.parse(row.audience) as unknown,
      };
      const data = parseInput({ ...current, ...(typeof patch === 'object' && patch !== null ? patch : {}) });
      const updated = await repository.transition(id, ['draft'], { ...toRow(data), updated_at: deps.now() });
      if (!updated) throw wrongStatus(await load(id), 'edited');
      return updated;
    },

    /** How many users the audience reaches now (blocked and unsubscribed users left out). */
    async countAudience(audience: unknown): Promise<number> {
      const parsed = audienceSchema.safeParse(audience);
      if (!parsed.success) throw new BroadcastError('broadcasts.invalid', `audience: ${parsed.error.issues.map((problem) => problem.message).join('; ')}`);
      return (await resolveAudience(parsed.data)).length;
    },

    /** The message as a recipient speaking `locale` would get it. */
    async render(id: number, locale: Locale) {
      return render(await load(id), locale);
    },

    /** Sends the message to one chat (an admin) through the outbox, right away. */
    async preview(id: number, chatId: number): Promise<void> {
      const row = await load(id);
      const user = chatId > 0 ? await deps.users.get(chatId) : undefined;
      const message = render(row, user ? localeOf(user) : deps.config.business.defaultLocale);
      const { allow_paid_broadcast: _paid, ...payload } = message.payload;
      await enqueueOutbox(deps.db, { chatId, method: message.method, payload, priority: 'high' }, deps.now());
    },

  };
  return drafts;
}
