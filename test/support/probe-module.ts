import { Composer } from 'grammy';
import type { LavkaModule } from '../../src/modules/module.ts';
import type { BotContext } from '../../src/telegram/context.ts';
import { defineFlow, startFlow } from '../../src/telegram/flow.ts';

/** A module that exists only in these tests: a throwing command and a two-step flow. */
export const probeModule: LavkaModule = {
  name: 'probe',
  setup: () => {
    const composer = new Composer<BotContext>();
    composer.command('boom', () => {
      throw new Error('handler exploded on purpose');
    });
    // An invoice no module handles, as after a module was switched off.
    composer.command('orphan_invoice', async (ctx) => {
      await ctx.replyWithInvoice('Gift card', 'A card nobody sells any more', 'orphan:1', 'XTR', [{ label: 'Gift card', amount: 5 }]);
    });
    // A chat busy with a slow update (an upload being measured, a gateway call).
    composer.command('slow', async (ctx) => {
      await new Promise((resolve) => setTimeout(resolve, Number(ctx.match) || 3000));
      await ctx.reply('Done, slowly.');
    });
    // A button whose handler answers the query and then fails.
    composer.command('fragile', async (ctx) => {
      await ctx.reply('A fragile button:', { reply_markup: { inline_keyboard: [[{ text: 'Break', callback_data: 'probe:break' }]] } });
    });
    composer.callbackQuery('probe:break', async (ctx) => {
      await ctx.answerCallbackQuery({ text: 'Working on it' });
      throw new Error('failed after answering on purpose');
    });
    composer.command('ask', async (ctx) => {
      await startFlow(ctx, { name: 'probe-ask', version: 1 }, 'name');
      await ctx.reply('What is your name?');
    });
    const flow = defineFlow<{ name?: string }>({
      name: 'probe-ask',
      version: 1,
      steps: {
        name: {
          async onMessage(ctx, control) {
            control.go('city', { name: ctx.message?.text ?? '' });
            await ctx.reply('Which city?');
          },
        },
        city: {
          async onMessage(ctx, control) {
            await ctx.reply(`${control.data.name} from ${ctx.message?.text ?? ''}`);
            control.leave();
          },
        },
      },
    });
    return { composer, flows: [flow] };
  },
};

