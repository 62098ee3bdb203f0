// The print quote in the Mini App: the customer uploads a model from the app, sees it measured
// and drawn, and watches the price while picking material, colour, infill and quantity. The
// file goes through the same checks as one sent to the bot (the formats, the studio's size
// limit, the same parser and measures) and is kept as the customer's draft file, deleted with
// the bot's unplaced drafts. The quote is the bot's own (quote.ts over the same settings);
// nothing is ordered here: the order itself is placed in the chat.

import { z } from 'zod';
import type { Locale } from '../../config/business.ts';
import { formatMoney } from '../../config/money.ts';
import { miniAppRoute, type AnyApiRoute } from '../../platform/route.ts';
import { CustomOrdersError, type OrderFile } from './custom-orders.core.ts';
import { TELEGRAM_DOWNLOAD_LIMIT_BYTES } from './custom-orders.files.ts';
import type { CustomOrdersService } from './custom-orders.service.ts';
import { localised, offeredMaterials, offeredTechnologies, type CustomOrdersSettings } from './custom-orders.settings.ts';
import { ModelError } from './mesh/errors.ts';
import { formatOfFileName, MODEL_FORMATS } from './mesh/model.ts';
import type { MeshMeasurements } from './mesh/measure.ts';
import type { Quote } from './quote.ts';

/** Dependencies of the print routes of the Mini App. */
export interface CustomOrdersMiniAppDeps {
  service: Pick<CustomOrdersService, 'acceptFile' | 'draftFiles' | 'preview' | 'quote'>;
  settings: CustomOrdersSettings;
  currency: string;
  /** "10 × 10 × 10 mm · 1.00 cm³ · …", as the bot describes a model. */
  measurementsText(measurements: MeshMeasurements, locale: Locale): string;
}

const modelParams = z.object({ id: z.coerce.number().int().positive() });
const choiceId = z.string().regex(/^[a-z0-9_]{1,16}$/);

/** The print routes of the Mini App's API. */
export function createCustomOrdersMiniAppRoutes(deps: CustomOrdersMiniAppDeps): AnyApiRoute[] {
  const { service, settings, currency } = deps;
  // The bot's limit: Telegram's download limit or the studio's, whichever is lower.
  const maxFileBytes = Math.min(TELEGRAM_DOWNLOAD_LIMIT_BYTES, Math.floor(settings.maxFileMb * 1024 * 1024));

  /** A draft file of this customer; another customer's or an order's file is not found. */
  const ownModel = async (userId: number, id: number): Promise<OrderFile> => {
    const [file] = await service.draftFiles(userId, [id]);
    if (!file) throw new CustomOrdersError('custom_orders.file_not_found', 'This model is no longer here: upload it again.', { modelId: id });
    return file;
  };

  /** A model refused by the parser, as the app's refusal: the parser's own code and numbers. */
  const refusal = (error: ModelError) => new CustomOrdersError(error.code, error.message, { ...error.details, formats: [...MODEL_FORMATS], limitMb: settings.maxFileMb });

  const modelView = (file: OrderFile, locale: Locale) => ({
    id: file.id,
    file_name: file.file_name,
    format: file.format,
    size_bytes: file.size_bytes,
    volume_cm3: file.measurements.volumeCm3,
    size_mm: file.measurements.sizeMm,
    is_closed: file.measurements.isClosed,
    summary: deps.measurementsText(file.measurements, locale),
    preview_url: `/api/miniapp/print/models/${file.id}/preview`,
  });

  const quoteView = (quote: Quote, locale: Locale) => {
    const price = (minor: number) => formatMoney(minor, quote.currency, locale);
    return {
      ...quote,
      formatted: {
        unit: price(quote.lines[0]?.unitMinor ?? 0),
        items: price(quote.itemsMinor),
        discount: price(quote.discountMinor),
        setup_fee: price(quote.setupFeeMinor),
        minimum_surcharge: price(quote.minimumSurchargeMinor),
        total: price(quote.totalMinor),
      },
    };
  };

  return [
    miniAppRoute({
      method: 'GET',
      url: '/print/options',
      summary: 'The studio’s technologies, materials, colours, infill choices and quantities, in the user’s language',
      handler: async ({ principal }) => {
        const locale = principal.locale;
        return {
          currency,
          formats: [...MODEL_FORMATS],
          max_file_mb: settings.maxFileMb,
          quantities: settings.quantities.filter((quantity) => quantity <= settings.maxQuantity),
          max_quantity: settings.maxQuantity,
          technologies: offeredTechnologies(settings).map((technology) => ({
            id: technology.id,
            title: localised(technology.title, locale),
            infill_percents: technology.infillPercents,
            default_infill_percent: technology.defaultInfillPercent ?? technology.infillPercents[0] ?? null,
            materials: offeredMaterials(settings, technology.id).map((material) => ({
              id: material.id,
              title: localised(material.title, locale),
              colours: material.colours.filter((colour) => colour.available).map((colour) => ({ id: colour.id, title: localised(colour.title, locale), hex: colour.hex })),
            })),
          })),
        };
      },
    }),
    miniAppRoute({
      method: 'POST',
      url: '/print/models',
      status: 201,
      summary: 'Uploads a model (STL, OBJ or 3MF, as multipart/form-data, up to the studio’s limit): measured and kept a day as the user’s draft',
      multipart: true,
      bodyLimit: maxFileBytes + 64 * 1024,
      handler: async ({ request, principal }) => {
        let fileName: string;
        let bytes: Buffer;
        try {
          // The limit makes a larger file fail while streaming, before it is all in memory.
          const part = request.isMultipart() ? await request.file({ limits: { fileSize: maxFileBytes, files: 1, fields: 2, parts: 3 } }) : undefined;
          if (!part) throw new CustomOrdersError('custom_orders.file_missing', 'Send the model as a file (multipart/form-data).');
          fileName = part.filename || 'model';
          bytes = await part.toBuffer();
        } catch (error) {
          if ((error as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE' || (error as { code?: string }).code === 'FST_FILES_LIMIT') {
            throw refusal(new ModelError('model.too_large', `The file is larger than ${settings.maxFileMb} MB.`, { limitMb: settings.maxFileMb }));
          }
          throw error;
        }
        // Checked by name first, as the bot does, so a photo or a PDF is refused before parsing.
        if (!formatOfFileName(fileName)) {
          throw refusal(new ModelError('model.unsupported_format', `${fileName.slice(0, 60)} is not an STL, OBJ or 3MF file.`, { fileName: fileName.slice(0, 60) }));
        }
        let file: OrderFile;
        try {
          // No Telegram file id: this file came from the app, and is never sent on as a document.
          file = await service.acceptFile({ userId: principal.userId, fileName, telegramFileId: '', bytes });
        } catch (error) {
          if (error instanceof ModelError) throw refusal(error);
          throw error;
        }
        return { model: modelView(file, principal.locale) };
      },
    }),
    miniAppRoute({
      method: 'GET',
      url: '/print/models/:id',
      summary: 'A model the user uploaded, with its measures',
      params: modelParams,
      handler: async ({ params, principal }) => ({ model: modelView(await ownModel(principal.userId, params.id), principal.locale) }),
    }),
    miniAppRoute({
      method: 'GET',
      url: '/print/models/:id/preview',
      summary: 'The preview picture of the user’s model (PNG), drawn in a colour of the studio',
      produces: 'image/png',
      params: modelParams,
      query: z.object({ hex: z.string().regex(/^[0-9a-fA-F]{6}$/).optional().describe('The colour, rrggbb; absent: grey') }),
      handler: async ({ params, query, principal, reply }) => {
        const file = await ownModel(principal.userId, params.id);
        const png = await service.preview(file.id, `#${query.hex ?? '9aa0a6'}`);
        return reply.header('content-type', 'image/png').header('cache-control', 'private, max-age=3600').header('x-content-type-options', 'nosniff').send(Buffer.from(png));
      },
    }),
    miniAppRoute({
      method: 'POST',
      url: '/print/quote',
      audit: false,
      summary: 'The automatic quote for the user’s model and a choice, as the bot computes it (nothing is ordered)',
      body: z.object({
        model_id: z.number().int().positive(),
        technology: choiceId,
        material: choiceId,
        colour: choiceId,
        infill_percent: z.number().int().min(0).max(100).nullable().optional().describe('Absent or null: the technology’s default (solid technologies have none)'),
        quantity: z.number().int().min(1),
      }),
      handler: async ({ body, principal }) => {
        if (body.quantity > settings.maxQuantity) {
          throw new CustomOrdersError('custom_orders.invalid_quantity', `At most ${settings.maxQuantity} copies.`, { quantity: body.quantity, max: settings.maxQuantity });
        }
        const file = await ownModel(principal.userId, body.model_id);
        const quote = service.quote([file], {
          technology: body.technology,
          material: body.material,
          colour: body.colour,
          infillPercent: body.infill_percent ?? null,
          quantity: body.quantity,
        });
        if (!quote) throw new CustomOrdersError('custom_orders.choice_unavailable', 'This material, colour or infill is not offered.');
        return { quote: quoteView(quote, principal.locale) };
      },
    }),
  ];
}
