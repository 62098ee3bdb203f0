/**
 * Drawing a catalogue screen in the bot: text or a product photo over the pressed message,
 * sending photos by cached file_id, URL or upload and remembering the file_id Telegram gives.
 */
import { GrammyError, InputFile } from 'grammy';
import type { InputMediaPhoto } from 'grammy/types';
import type { BotContext } from '../../telegram/context.ts';
import { editOrReply } from '../../telegram/menu.ts';
import type { CatalogComposerDeps, Screen } from './catalog.bot.shared.ts';

/** Sends a photo by cached file_id, URL, or upload; a stale file_id falls back to the bytes. */
async function photoInput(deps: CatalogComposerDeps, photo: NonNullable<Screen['photo']>, preferCache: boolean): Promise<InputFile | string | undefined> {
  if (preferCache && photo.source.fileId) return photo.source.fileId;
  if (photo.source.url) return photo.source.url;
  const stored = await deps.catalog.photoBytes(photo.source.photoId);
  if (!stored?.bytes) return undefined;
  const extension = stored.mime_type === 'image/jpeg' ? 'jpg' : stored.mime_type === 'image/webp' ? 'webp' : 'png';
  return new InputFile(Buffer.from(stored.bytes), `product-${photo.productId}.${extension}`);
}

async function remember(deps: CatalogComposerDeps, photo: NonNullable<Screen['photo']>, sizes: { file_id: string }[] | undefined): Promise<void> {
  const largest = sizes?.at(-1);
  if (largest && largest.file_id !== photo.source.fileId) await deps.catalog.rememberPhotoFileId(photo.source.photoId, largest.file_id);
}

const isStaleFile = (error: unknown): boolean => error instanceof GrammyError && /file|photo|IMAGE|media/i.test(error.description);

/**
 * Draws a screen over the pressed message. Text over text and photo over photo are
 * edited in place; a change between text and photo sends the new screen and deletes the
 * old one, so the chat still shows one catalogue message.
 */
export async function render(deps: CatalogComposerDeps, ctx: BotContext, screen: Screen): Promise<void> {
  const message = ctx.callbackQuery?.message;
  const current = !message ? 'none' : 'photo' in message && message.photo ? 'photo' : 'text' in message && message.text !== undefined ? 'text' : 'other';
  if (!screen.photo) {
    if (current === 'text' || current === 'none') return editOrReply(ctx, screen.text, { reply_markup: screen.keyboard });
    await ctx.reply(screen.text, { reply_markup: screen.keyboard });
    await ctx.deleteMessage().catch(() => undefined);
    return;
  }
  const photo = screen.photo;
  if (current === 'photo') {
    for (const preferCache of [true, false]) {
      const media = await photoInput(deps, photo, preferCache);
      if (!media) break;
      try {
        const edited = await ctx.editMessageMedia({ type: 'photo', media, caption: screen.text } as InputMediaPhoto, { reply_markup: screen.keyboard });
        if (typeof edited === 'object' && 'photo' in edited) await remember(deps, photo, edited.photo);
        return;
      } catch (error) {
        if (/message is not modified/.test((error as Error).message)) return;
        if (!(preferCache && photo.source.fileId && isStaleFile(error))) break;
      }
    }
  }
  let sent = false;
  for (const preferCache of [true, false]) {
    const media = await photoInput(deps, photo, preferCache);
    if (!media) break;
    try {
      const reply = await ctx.replyWithPhoto(media, { caption: screen.text, reply_markup: screen.keyboard });
      await remember(deps, photo, reply.photo);
      sent = true;
      break;
    } catch (error) {
      if (!(preferCache && photo.source.fileId && isStaleFile(error))) throw error;
      ctx.log.warn({ err: error, photoId: photo.source.photoId }, 'cached photo file_id refused; uploading again');
    }
  }
  if (!sent) await ctx.reply(screen.text, { reply_markup: screen.keyboard });
  if (current !== 'none') await ctx.deleteMessage().catch(() => undefined);
}
