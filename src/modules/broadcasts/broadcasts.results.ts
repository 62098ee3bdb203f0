import { type BroadcastProgress, type BroadcastAnalytics, type BroadcastsCore } from './broadcasts.core.ts';

/** Results: progress, analytics of deliveries and presses, tracked buttons and unsubscribing. */
export function createBroadcastsResults(core: BroadcastsCore) {
  const { deps, repository, load, buttonsOf, counts, progressOf } = core;
  const results = {
    async progress(id: number): Promise<BroadcastProgress> {
      const row = await load(id);
      return progressOf(row, await counts(id));
    },

    async analytics(id: number): Promise<BroadcastAnalytics> {
      const row = await load(id);
      const presses = await repository.clicksByButton(id);
      let index = 0;
      const buttons = buttonsOf(row)
        .flat()
        .map((button) => ({ index: index++, text: button.text, tracked: 'tracked' in button }))
        .filter((button) => button.tracked)
        .map((button) => ({ index: button.index, text: button.text, presses: presses.get(button.index) ?? 0 }));
      return { ...progressOf(row, await counts(id)), buttons, unsubscribes: await repository.unsubscribesFrom(id) };
    },

    /** Counts a tracked button press once per user; returns what to answer, or undefined for a forged press. */
    async pressTracked(broadcastId: number, buttonIndex: number, userId: number): Promise<{ answer?: string } | undefined> {
      const row = await repository.findById(broadcastId);
      const button = row ? buttonsOf(row).flat()[buttonIndex] : undefined;
      if (!row || !button || !('tracked' in button)) return undefined;
      // Presses on the admin's preview of a draft are not the audience's.
      if (row.status !== 'draft') await repository.recordClick(broadcastId, buttonIndex, userId, deps.now());
      return { answer: button.answer };
    },

    /** The user gets no further broadcasts. */
    async unsubscribe(userId: number, broadcastId: number | null): Promise<void> {
      await repository.unsubscribe(userId, broadcastId, deps.now());
    },

  };
  return results;
}
