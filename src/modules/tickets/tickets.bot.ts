import { dateFormat } from '../../config/dates.ts';
import { Composer, InlineKeyboard } from 'grammy';
import type { BusinessConfig } from '../../config/business.ts';
import { afterHoursText, businessHoursLines } from '../../telegram/business-hours.ts';
import type { BotContext } from '../../telegram/context.ts';
import { defineFlow, startFlow, type FlowDefinition } from '../../telegram/flow.ts';
import { MAIN_MENU_ACTION, editOrReply } from '../../telegram/menu.ts';
import { TicketsError, ticketIdFromStaffMessage, type TicketsService } from './tickets.service.ts';
import type { TicketRecord } from './tickets.tables.ts';

const STATUS_ICON: Record<TicketRecord['status'], string> = { open: '🟡', answered: '🟢', closed: '⚪️' };

/** Dependencies of the tickets composer. */
export interface TicketsComposerDeps {
  tickets: TicketsService;
  staffChatIds(): readonly number[];
  /** Whether the FAQ module is on, for the FAQ button on the support screen. */
  faq: boolean;
  /** The live business settings: the hours and time zone may change while the bot runs. */
  business: BusinessConfig['business'];
  now(): number;
}

/**
 * Support in the bot: the support screen (new request, my requests, the FAQ), writing and
 * answering in a ticket, closing it; staff answer by replying to the ticket's message in the
 * staff chat, and close it with its button.
 */
export function createTicketsComposer(deps: TicketsComposerDeps): { composer: Composer<BotContext>; flows: FlowDefinition[] } {
  const { tickets } = deps;
  const composer = new Composer<BotContext>();
  const hoursOptions = (ctx: BotContext) => ({ t: ctx.t, locale: ctx.locale, nowMs: deps.now(), timeZone: deps.business.timeZone });
  const privateChats = composer.chatType('private');

  const homeScreen = async (ctx: BotContext) => {
    const list = await tickets.listForUser(ctx.from?.id ?? 0, 5);
    const keyboard = new InlineKeyboard().text(ctx.t('tickets-button-new'), 'tickets:new').row();
    for (const ticket of list) keyboard.text(`${STATUS_ICON[ticket.status]} #${ticket.id} ${ticket.subject.slice(0, 40)}`, `tk:v:${ticket.id}`).row();
    if (deps.faq) keyboard.text(ctx.t('tickets-button-faq'), 'faq:list').row();
    keyboard.text(ctx.t('menu-back-to-main'), MAIN_MENU_ACTION);
    const hours = businessHoursLines(deps.business, hoursOptions(ctx));
    return { text: hours.length > 0 ? `${ctx.t('tickets-home')}\n\n${hours.join('\n')}` : ctx.t('tickets-home'), keyboard };
  };

  const threadScreen = async (ctx: BotContext, ticket: TicketRecord) => {
    const messages = await tickets.thread(ticket.id, 10);
    const time = dateFormat(ctx.locale, { timeZone: deps.business.timeZone, day: '2-digit', month: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    const lines = [ctx.t('tickets-thread-title', { id: ticket.id, status: ctx.t(`tickets-status-${ticket.status}`) })];
    for (const message of messages) {
      lines.push(`${message.author === 'staff' ? ctx.t('tickets-author-staff') : ctx.t('tickets-author-you')} · ${time.format(message.created_at)}\n${message.text}`);
    }
    const keyboard = new InlineKeyboard();
    if (ticket.status !== 'closed') keyboard.text(ctx.t('tickets-button-reply'), `tk:r:${ticket.id}`).text(ctx.t('tickets-button-close'), `tk:c:${ticket.id}`).row();
    keyboard.text(ctx.t('tickets-back'), 'tickets:home');
    // Long threads are cut from the oldest end to stay inside one message.
    let text = lines.join('\n\n');
    while (text.length > 3900 && lines.length > 2) {
      lines.splice(1, 1);
      text = lines.join('\n\n');
    }
    return { text, keyboard };
  };

  const writeFlow = defineFlow<{ ticketId?: number }>({
    name: 'tickets.write',
    version: 1,
    steps: {
      text: {
        async onMessage(ctx, flow) {
          const text = ctx.message?.text;
          if (!text) {
            await ctx.reply(ctx.t('tickets-text-only'));
            return;
          }
          try {
            const ticketId = flow.data.ticketId;
            const ticket = ticketId === undefined ? await tickets.open(ctx.from?.id as number, text) : await tickets.patientMessage(ticketId, ctx.from?.id as number, text);
            flow.leave();
            const sent = ctx.t(ticketId === undefined ? 'tickets-created' : 'tickets-sent', { id: ticket.id });
            const closed = afterHoursText(deps.business, hoursOptions(ctx));
            await ctx.reply(closed ? `${sent}\n${closed}` : sent, {
              reply_markup: new InlineKeyboard().text(ctx.t('tickets-button-open'), `tk:v:${ticket.id}`).row().text(ctx.t('menu-back-to-main'), MAIN_MENU_ACTION),
            });
          } catch (error) {
            if (!(error instanceof TicketsError)) throw error;
            if (error.code !== 'tickets.too_long') flow.leave();
            await ctx.reply(ctx.t(`tickets-error-${error.code.split('.')[1]?.replace('_', '-')}`));
          }
        },
      },
    },
  });

  privateChats.command('ticket', async (ctx) => {
    const screen = await homeScreen(ctx);
    await ctx.reply(screen.text, { reply_markup: screen.keyboard });
  });

  privateChats.callbackQuery('tickets:home', async (ctx) => {
    await ctx.answerCallbackQuery();
    const screen = await homeScreen(ctx);
    await editOrReply(ctx, screen.text, { reply_markup: screen.keyboard });
  });

  privateChats.callbackQuery('tickets:new', async (ctx) => {
    await ctx.answerCallbackQuery();
    await startFlow(ctx, writeFlow, 'text');
    await ctx.reply(ctx.t('tickets-write-prompt'));
  });

  const own = async (ctx: BotContext, id: string | undefined) => {
    const ticket = await tickets.get(Number(id));
    return ticket && ticket.user_id === ctx.from?.id ? ticket : undefined;
  };

  privateChats.callbackQuery(/^tk:v:(\d{1,12})$/, async (ctx, next) => {
    const ticket = await own(ctx, ctx.match[1]);
    if (!ticket) return next();
    await ctx.answerCallbackQuery();
    const screen = await threadScreen(ctx, ticket);
    await editOrReply(ctx, screen.text, { reply_markup: screen.keyboard });
  });

  privateChats.callbackQuery(/^tk:r:(\d{1,12})$/, async (ctx, next) => {
    const ticket = await own(ctx, ctx.match[1]);
    if (!ticket) return next();
    if (ticket.status === 'closed') {
      await ctx.answerCallbackQuery({ text: ctx.t('tickets-error-closed'), show_alert: true });
      return;
    }
    await ctx.answerCallbackQuery();
    await startFlow(ctx, writeFlow, 'text', { ticketId: ticket.id });
    await ctx.reply(ctx.t('tickets-reply-prompt', { id: ticket.id }));
  });

  privateChats.callbackQuery(/^tk:c:(\d{1,12})$/, async (ctx, next) => {
    const ticket = await own(ctx, ctx.match[1]);
    if (!ticket) return next();
    try {
      const closed = await tickets.close(ticket.id, { type: 'patient', id: ctx.from.id });
      await ctx.answerCallbackQuery({ text: ctx.t('tickets-closed-toast') });
      const screen = await threadScreen(ctx, closed);
      await editOrReply(ctx, screen.text, { reply_markup: screen.keyboard });
    } catch (error) {
      if (!(error instanceof TicketsError)) throw error;
      await ctx.answerCallbackQuery({ text: ctx.t('tickets-error-closed') });
    }
  });

  // Staff: a reply to a ticket's message in a staff chat is the answer.
  composer.on('message:text', async (ctx, next) => {
    const replied = ctx.message.reply_to_message;
    const ticketId = replied?.from?.id === ctx.me.id ? ticketIdFromStaffMessage(replied.text) : undefined;
    if (ticketId === undefined || !deps.staffChatIds().includes(ctx.chat.id) || ctx.message.text.startsWith('/')) return next();
    try {
      await tickets.staffReply(ticketId, ctx.message.text, String(ctx.from.id));
      await ctx.reply(ctx.t('tickets-staff-sent', { id: ticketId }), { reply_parameters: { message_id: ctx.message.message_id } });
    } catch (error) {
      if (!(error instanceof TicketsError)) throw error;
      await ctx.reply(ctx.t(`tickets-error-${error.code.split('.')[1]?.replace('_', '-')}`), { reply_parameters: { message_id: ctx.message.message_id } });
    }
  });

  composer.callbackQuery(/^tk:sc:(\d{1,12})$/, async (ctx, next) => {
    if (!ctx.chat || !deps.staffChatIds().includes(ctx.chat.id)) return next();
    try {
      await tickets.close(Number(ctx.match[1]), { type: 'staff', id: String(ctx.from.id) });
      await ctx.answerCallbackQuery({ text: ctx.t('tickets-closed-toast') });
    } catch (error) {
      if (!(error instanceof TicketsError)) throw error;
      await ctx.answerCallbackQuery({ text: ctx.t('tickets-error-closed') });
    }
  });

  return { composer, flows: [writeFlow] };
}
