import { formatDate } from '../../config/dates.ts';
import { Composer, InlineKeyboard, InputFile } from 'grammy';
import type { Locale } from '../../config/business.ts';
import type { BotContext } from '../../telegram/context.ts';
import { activeFlow, defineFlow, leaveFlow, startFlow, type FlowDefinition } from '../../telegram/flow.ts';
import { MAIN_MENU_ACTION, editOrReply } from '../../telegram/menu.ts';
import { clinicDocumentData } from './documents.clinic.ts';
import { DocumentsError, type DocumentsService } from './documents.service.ts';

/** The certificate-request flow: the patient may add a comment. */
const REQUEST_FLOW = { name: 'documents.request', version: 1 } as const;

const KIND_ICON: Record<string, string> = { confirmation: '🗓', certificate: '📄', lab_result: '🧪', other: '📎' };
/** The clinic ERP's document types as they are shown; any other is a 📄. */
const CLINIC_TYPE_ICON: Record<string, string> = { result: '🧪', lab_result: '🧪', analysis: '🧪' };
/** The most documents listed (Lavka's and the clinic's together), newest first. */
const LIST_LIMIT = 30;

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** Dependencies of the documents composer. */
export interface DocumentsComposerDeps {
  documents: DocumentsService;
  certificateKinds: readonly string[];
  isRegistered(userId: number): Promise<boolean>;
  staffChatIds(): readonly number[];
  /** The business time zone now (the owner may change it while Lavka runs). */
  timeZone(): string;
}

/**
 * Documents in the bot: the patient's list, downloads (each checked against the asking
 * patient), certificate requests; staff answer a request by replying to its notice with the
 * file, and the patient is notified.
 */
export function createDocumentsComposer(deps: DocumentsComposerDeps): { composer: Composer<BotContext>; flows: FlowDefinition[] } {
  const { documents } = deps;
  const composer = new Composer<BotContext>();
  const privateChats = composer.chatType('private');

  // Lavka's own documents and, with the clinic's ERP, its documents, newest first. The ERP
  // being down ends the update with the apology (the list is not shown half).
  const listScreen = async (ctx: BotContext) => {
    const patientId = ctx.from?.id ?? 0;
    const [own, clinic] = await Promise.all([documents.listForPatient(patientId), documents.clinicDocuments(patientId)]);
    const date = { format: (epochMs: number) => formatDate(epochMs, ctx.locale, deps.timeZone()) };
    const entries = [
      ...own.map((document) => ({ atMs: document.created_at, text: `${KIND_ICON[document.kind] ?? '📎'} ${document.title} · ${date.format(document.created_at)}`, data: `doc:g:${document.token}` })),
      ...clinic.flatMap((document) => {
        const data = clinicDocumentData(document.id);
        if (!data) return [];
        const icon = CLINIC_TYPE_ICON[document.type ?? ''] ?? '📄';
        return [{ atMs: document.createdAtMs ?? 0, text: `${icon} ${truncate(document.title, 60)}${document.createdAtMs === undefined ? '' : ` · ${date.format(document.createdAtMs)}`}`, data }];
      }),
    ]
      .sort((a, b) => b.atMs - a.atMs)
      .slice(0, LIST_LIMIT);
    const keyboard = new InlineKeyboard();
    for (const entry of entries) keyboard.text(entry.text, entry.data).row();
    keyboard.text(ctx.t('documents-button-request'), 'documents:req').row().text(ctx.t('menu-back-to-main'), MAIN_MENU_ACTION);
    return { text: entries.length > 0 ? ctx.t('documents-title') : ctx.t('documents-empty'), keyboard };
  };

  privateChats.command('documents', async (ctx) => {
    const screen = await listScreen(ctx);
    await ctx.reply(screen.text, { reply_markup: screen.keyboard });
  });

  privateChats.callbackQuery('documents:list', async (ctx) => {
    await ctx.answerCallbackQuery();
    const screen = await listScreen(ctx);
    await editOrReply(ctx, screen.text, { reply_markup: screen.keyboard });
  });

  privateChats.callbackQuery(/^doc:g:([A-Za-z0-9_-]{1,40})$/, async (ctx) => {
    let file: Awaited<ReturnType<DocumentsService['download']>>;
    try {
      file = await documents.download(ctx.match[1] as string, ctx.from.id, ctx.locale as Locale);
    } catch (error) {
      if (!(error instanceof DocumentsError)) throw error;
      ctx.log.warn({ token: ctx.match[1] }, 'document download refused');
      await ctx.answerCallbackQuery({ text: ctx.t('documents-not-available'), show_alert: true });
      return;
    }
    await ctx.answerCallbackQuery();
    await ctx.replyWithChatAction('upload_document');
    if ('telegramFileId' in file) {
      await ctx.replyWithDocument(file.telegramFileId, { caption: file.document.title });
      return;
    }
    const sent = await ctx.replyWithDocument(new InputFile(Buffer.from(file.bytes), file.fileName), { caption: file.document.title });
    // Generated confirmations change with the visit; uploaded files do not, so Telegram keeps those.
    if (file.document.kind !== 'confirmation' && sent.document) await documents.rememberTelegramFile(file.document.id, sent.document.file_id);
  });

  // A document of the clinic's ERP: fetched from it the first time, re-sent by Telegram's file id after.
  privateChats.callbackQuery(/^doc:e:([A-Za-z0-9_.-]{1,48})$/, async (ctx) => {
    const externalId = ctx.match[1] as string;
    let file: Awaited<ReturnType<DocumentsService['clinicFile']>>;
    try {
      file = await documents.clinicFile(externalId, ctx.from.id);
    } catch (error) {
      if (!(error instanceof DocumentsError)) throw error;
      ctx.log.warn({ externalId }, 'clinic document download refused');
      await ctx.answerCallbackQuery({ text: ctx.t('documents-not-available'), show_alert: true });
      return;
    }
    await ctx.answerCallbackQuery();
    await ctx.replyWithChatAction('upload_document');
    if ('telegramFileId' in file) {
      await ctx.replyWithDocument(file.telegramFileId);
      return;
    }
    const sent = await ctx.replyWithDocument(new InputFile(Buffer.from(file.bytes), file.fileName));
    if (sent.document) await documents.rememberClinicFile(externalId, ctx.from.id, sent.document.file_id, file.fileName);
  });

  privateChats.callbackQuery('documents:req', async (ctx) => {
    await ctx.answerCallbackQuery();
    if (!(await deps.isRegistered(ctx.from.id))) {
      await editOrReply(ctx, ctx.t('documents-need-registration'), {
        reply_markup: new InlineKeyboard().text(ctx.t('patients-register-button'), 'patients:reg:documents:req').row().text(ctx.t('menu-back-to-main'), MAIN_MENU_ACTION),
      });
      return;
    }
    const keyboard = new InlineKeyboard();
    for (const kind of deps.certificateKinds) keyboard.text(ctx.t(`documents-cert-${kind}`), `doc:rk:${kind}`).row();
    keyboard.text(ctx.t('documents-back'), 'documents:list');
    await editOrReply(ctx, ctx.t('documents-request-choose'), { reply_markup: keyboard });
  });

  const submit = async (ctx: BotContext, kind: string, comment: string | null) => {
    const request = await documents.requestCertificate(ctx.from?.id as number, kind, comment);
    await ctx.reply(ctx.t('documents-request-sent', { id: request.id, kind: ctx.t(`documents-cert-${kind}`) }), {
      reply_markup: new InlineKeyboard().text(ctx.t('documents-menu'), 'documents:list').row().text(ctx.t('menu-back-to-main'), MAIN_MENU_ACTION),
    });
  };

  privateChats.callbackQuery(/^doc:rk:([a-z_]{1,16})$/, async (ctx, next) => {
    const kind = ctx.match[1] as string;
    if (!deps.certificateKinds.includes(kind)) return next();
    // The clinic's ERP makes this one itself: at once, no comment, no staff.
    if (documents.generatesAtOnce(kind)) {
      const made = await documents.generateCertificate(ctx.from.id, kind, ctx.locale as Locale);
      const data = made ? clinicDocumentData(made.id) : undefined;
      if (made && data) {
        await ctx.answerCallbackQuery();
        await editOrReply(ctx, ctx.t('documents-clinic-generated', { title: made.title }), {
          reply_markup: new InlineKeyboard().text(ctx.t('documents-button-get'), data).row().text(ctx.t('documents-menu'), 'documents:list').row().text(ctx.t('menu-back-to-main'), MAIN_MENU_ACTION),
        });
        return;
      }
      // Refused by the ERP (a kind or a patient it does not know): the staff make it, as without one.
    }
    await ctx.answerCallbackQuery();
    await startFlow(ctx, REQUEST_FLOW, 'comment', { kind });
    await editOrReply(ctx, ctx.t('documents-request-comment', { kind: ctx.t(`documents-cert-${kind}`) }), {
      reply_markup: new InlineKeyboard().text(ctx.t('documents-button-skip'), 'doc:rs'),
    });
  });

  privateChats.callbackQuery('doc:rs', async (ctx, next) => {
    const flow = await activeFlow(ctx, REQUEST_FLOW.name);
    if (!flow) return next();
    await ctx.answerCallbackQuery();
    await leaveFlow(ctx);
    await submit(ctx, flow.data.kind as string, null);
  });

  const requestFlow = defineFlow<{ kind?: string }>({
    ...REQUEST_FLOW,
    steps: {
      comment: {
        async onMessage(ctx, flow) {
          const text = ctx.message?.text;
          if (!text) {
            await ctx.reply(ctx.t('documents-request-text-only'));
            return;
          }
          flow.leave();
          await submit(ctx, flow.data.kind as string, text);
        },
      },
    },
  });

  // Staff answer a request by replying to its notice with the certificate (a PDF or a photo).
  composer.on(['message:document', 'message:photo'], async (ctx, next) => {
    const replied = ctx.message.reply_to_message;
    const match = replied?.from?.id === ctx.me.id ? /^\u{1F4C4} #R(\d+)/u.exec(replied.text ?? '') : null;
    if (!match || !deps.staffChatIds().includes(ctx.chat.id)) return next();
    const request = await documents.getRequest(Number(match[1]));
    if (!request || request.status !== 'open') {
      await ctx.reply(ctx.t('documents-staff-request-closed'), { reply_parameters: { message_id: ctx.message.message_id } });
      return;
    }
    const document = ctx.message.document;
    const photo = ctx.message.photo?.at(-1);
    const mimeType = document ? document.mime_type : 'image/jpeg';
    if (mimeType !== 'application/pdf' && mimeType !== 'image/jpeg' && mimeType !== 'image/png') {
      await ctx.reply(ctx.t('documents-staff-wrong-type'), { reply_parameters: { message_id: ctx.message.message_id } });
      return;
    }
    const title = ctx.message.caption?.trim() || ctx.t(`documents-cert-${request.kind}`);
    await documents.upload({
      patientId: request.patient_id,
      kind: 'certificate',
      title: title.slice(0, 120),
      fileName: document?.file_name ?? `certificate-${request.id}.jpg`,
      mimeType,
      requestId: request.id,
      uploadedBy: String(ctx.from.id),
      telegramFileId: (document?.file_id ?? photo?.file_id) as string,
      sizeBytes: document?.file_size ?? photo?.file_size ?? 0,
    });
    await ctx.reply(ctx.t('documents-staff-uploaded', { id: request.id }), { reply_parameters: { message_id: ctx.message.message_id } });
  });

  return { composer, flows: [requestFlow] };
}
