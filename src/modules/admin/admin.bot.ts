import { Composer, InlineKeyboard } from 'grammy';
import type { BotContext } from '../../telegram/context.ts';
import { isAdminError } from './admin.errors.ts';
import type { AdminService } from './admin.service.ts';

/**
 * `/admin` and `/login`: a staff member gets a one-time link into the web panel. Only in a
 * private chat (a link posted in a group would let anyone in it log in); people who are not
 * staff get a clear refusal and nothing is stored.
 */
export function createAdminComposer(deps: { admin: AdminService }): Composer<BotContext> {
  const composer = new Composer<BotContext>();

  composer.command(['admin', 'login'], async (ctx) => {
    if (!ctx.from) return;
    if (ctx.chat.type !== 'private') {
      await ctx.reply(ctx.t('admin-private-only'));
      return;
    }
    const staff = await deps.admin.staffForTelegram(ctx.from);
    if (!staff) {
      ctx.log.info('a non-staff user asked for the admin panel');
      await ctx.reply(ctx.t('admin-not-staff', { id: String(ctx.from.id) }));
      return;
    }
    try {
      const link = await deps.admin.issueLink(staff);
      const minutes = Math.max(1, Math.round(deps.admin.limits.linkTtlMs / 60_000));
      const text = ctx.t('admin-link', { role: ctx.t(`admin-role-${staff.role}`), minutes, url: link.url });
      // Telegram refuses buttons that point at plain http or bare IP addresses; the text
      // always carries the link, the button is a convenience on a real domain.
      const host = new URL(link.url).hostname;
      const button = link.url.startsWith('https://') && !/^[\d.]+$|^\[|^localhost$/.test(host);
      await ctx.reply(text, {
        link_preview_options: { is_disabled: true },
        ...(button ? { reply_markup: new InlineKeyboard().url(ctx.t('admin-link-button'), link.url) } : {}),
      });
    } catch (error) {
      if (isAdminError(error, 'admin.rate_limited')) {
        await ctx.reply(ctx.t('admin-rate-limited'));
        return;
      }
      if (isAdminError(error, 'admin.staff_disabled')) {
        await ctx.reply(ctx.t('admin-not-staff', { id: String(ctx.from.id) }));
        return;
      }
      throw error;
    }
  });

  return composer;
}
