import type { PaymentRecord } from '../payments/payments.tables.ts';
import { createCustomOrdersRepository } from './custom-orders.repository.ts';
import { resolveChoice } from './custom-orders.settings.ts';
import {
  PRINT_KIND,
} from './custom-orders.status.ts';
import { computeQuote, type Quote } from './quote.ts';
import { CustomOrdersError, DRAFT_TTL_MS, printRef, type Actor, type OrderFile, type CustomOrderDetail, type AcceptFileInput, type OrderChoice, type PlaceOrderInput, type CustomOrdersCore } from './custom-orders.core.ts';

/** Model files coming in: accepted and measured, draft files, previews and the automatic quote. */
function createCustomOrdersModelFiles(core: CustomOrdersCore) {
  const { deps, repository, settings, toFile } = core;
  return {
    /**
     * Parses and measures a model file and keeps it as a draft of the customer's next order.
     * A file that is not a usable model is refused with a ModelError and nothing is stored.
     */
    async acceptFile(input: AcceptFileInput): Promise<OrderFile> {
      const analysis = await deps.analyser.analyse(input.bytes, input.fileName);
      const row = await repository.insertFile(
        {
          order_id: null,
          user_id: input.userId,
          file_name: input.fileName.slice(0, 200),
          format: analysis.format,
          size_bytes: input.bytes.length,
          telegram_file_id: input.telegramFileId,
          telegram_file_unique_id: input.telegramFileUniqueId ?? null,
          measurements: JSON.stringify(analysis.measurements),
          created_at: deps.now(),
        },
        input.bytes,
        analysis.thumbnailPng,
      );
      return toFile(row);
    },

    /** The customer's draft files by id (those still unattached), in the order given. */
    async draftFiles(userId: number, ids: readonly number[]): Promise<OrderFile[]> {
      return (await repository.draftFiles(userId, ids)).map(toFile);
    },

    /** A preview of a stored model drawn in `colourHex`. */
    async preview(fileId: number, colourHex: string): Promise<Uint8Array> {
      const file = await repository.findFile(fileId);
      const data = await repository.fileData(fileId);
      if (!file || !data) throw new CustomOrdersError('custom_orders.file_not_found', 'no such file', { fileId });
      return (await deps.analyser.analyse(data.content, file.file_name, { colourHex })).thumbnailPng;
    },

    /** The automatic quote for files and a choice; undefined when the choice is not offered. */
    quote(files: readonly OrderFile[], choice: OrderChoice): Quote | undefined {
      const resolved = resolveChoice(settings, choice);
      if (!resolved || files.length === 0) return undefined;
      return computeQuote({
        settings,
        currency: deps.currency,
        technology: resolved.technology,
        material: resolved.material,
        infillPercent: resolved.infillPercent,
        quantity: choice.quantity,
        models: files.map((file) => ({ volumeCm3: file.measurements.volumeCm3, sizeMm: file.measurements.sizeMm })),
      });
    },
  };
}

/** Placing the order, the whole order as placed, and purging drafts never placed; `modelFiles` reads the drafts and quotes them. */
function createCustomOrdersPlacing(core: CustomOrdersCore, modelFiles: ReturnType<typeof createCustomOrdersModelFiles>) {
  const { deps, repository, settings, orders, viewIn, linesFor, asPrintJob } = core;
  const intake = {
    /**
     * Places the job as an order of kind `print3d`. With an automatic quote the customer has
     * seen and confirmed the price, so it goes new → quoted (system) → awaiting payment
     * (customer) at once; a manual quote (asked for, or a model too large for every printer)
     * stays `new`, priced 0 until staff set a price. The order, its line and history, the
     * job's own row, its files and quote, and the staff alert commit together.
     */
    async placeOrder(input: PlaceOrderInput): Promise<CustomOrderDetail> {
      if (!Number.isInteger(input.quantity) || input.quantity < 1 || input.quantity > settings.maxQuantity) {
        throw new CustomOrdersError('custom_orders.invalid_quantity', 'quantity out of range', { quantity: input.quantity });
      }
      const files = await modelFiles.draftFiles(input.userId, input.fileIds);
      if (files.length === 0 || files.length !== new Set(input.fileIds).size) {
        throw new CustomOrdersError('custom_orders.files_missing', 'the files of this order are gone', { fileIds: input.fileIds });
      }
      const quote = modelFiles.quote(files, input);
      if (!quote) throw new CustomOrdersError('custom_orders.choice_unavailable', 'this material or colour is no longer offered');
      const manual = input.manualQuote || !quote.fitsBuildVolume;
      const customer: Actor = { role: 'customer', id: input.userId };
      const locale = await deps.localeOf(input.userId);
      const job = { technology: input.technology, material: input.material, colour: input.colour, infill_percent: quote.infillPercent, quantity: input.quantity };
      const placed = await asPrintJob(() =>
        orders.place(
          {
            kind: PRINT_KIND,
            userId: input.userId,
            currency: deps.currency,
            lines: linesFor(job, manual ? 0 : quote.totalMinor),
            contactName: input.contactName.slice(0, 200),
            comment: input.comment?.slice(0, 1000) ?? null,
            paymentMethod: 'online',
          },
          {
            inTransaction: async (trx, order) => {
              const scoped = createCustomOrdersRepository(trx);
              const nowMs = deps.now();
              await scoped.insertJob({
                order_id: order.id,
                ...job,
                deadline: input.deadline,
                manual_quote: manual ? 1 : 0,
                quote_version: manual ? 0 : 1,
                preview_file_id: input.previewFileId,
              });
              if ((await scoped.attachFiles(order.id, input.userId, input.fileIds)) !== files.length) {
                throw new CustomOrdersError('custom_orders.files_missing', 'the files of this order were taken by another order');
              }
              await scoped.insertQuote({
                order_id: order.id,
                version: 1,
                total_minor: quote.totalMinor,
                breakdown: JSON.stringify(quote),
                actor_type: 'system',
                actor_id: null,
                note: manual ? 'automatic estimate; staff to confirm' : null,
                created_at: nowMs,
                accepted_at: manual ? null : nowMs,
              });
              if (!manual) {
                // The customer has just seen and confirmed this price in the chat: nobody needs telling.
                await orders.transition(trx, order.id, 'quoted', { role: 'system' }, { locale, notify: false });
                await orders.transition(trx, order.id, 'awaiting_payment', customer, { locale, notify: false });
              }
            },
          },
        ),
      );
      return (await intake.detail(placed.id)) as CustomOrderDetail;
    },

    /** Remembers the preview's Telegram file id, for later alerts. */
    async setPreviewFileId(orderId: number, fileId: string): Promise<void> {
      await repository.setPreviewFileId(orderId, fileId);
    },

    /** A print job with its history (orders), quotes, payments (payments module) and the automatic quote. */
    async detail(orderId: number): Promise<CustomOrderDetail | undefined> {
      const order = await orders.detail(orderId);
      const job = order ? await viewIn(deps.db, order) : undefined;
      if (!order || !job) return undefined;
      const quotes = await repository.quotesOf(orderId);
      const auto = quotes.find((quote) => quote.breakdown !== null);
      // One payment reference per price: every version the order had may have been paid or tried.
      const versions = [...new Set([job.quote_version, ...quotes.map((quote) => quote.version)])].filter((version) => version > 0);
      const payments: PaymentRecord[] = [];
      for (const version of versions) payments.push(...(await deps.payments.listForPurpose(deps.purpose, printRef({ id: orderId, quote_version: version }))));
      return {
        ...job,
        history: order.history,
        quotes,
        payments: payments.sort((a, b) => a.id - b.id),
        autoQuote: auto?.breakdown ? (JSON.parse(auto.breakdown) as Quote) : undefined,
      };
    },

    /** Deletes draft files of orders never placed. */
    purgeDrafts(): Promise<number> {
      return repository.deleteDraftsBefore(deps.now() - DRAFT_TTL_MS);
    },
  };
  return intake;
}

/** A job coming in: model files accepted and measured, previews, the automatic quote, placing the order and the whole order as placed. */
export function createCustomOrdersIntake(core: CustomOrdersCore) {
  const modelFiles = createCustomOrdersModelFiles(core);
  return { ...modelFiles, ...createCustomOrdersPlacing(core, modelFiles) };
}
