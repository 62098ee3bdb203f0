// Bare grammY started the way `node src/main.ts` starts Lavka in polling mode, for the
// start-up benchmark: a bot with a /start handler, long polling the API root it is given.

import { Bot } from 'grammy';

const token = process.env.TELEGRAM_BOT_TOKEN ?? '';
const bot = new Bot(token, { client: { apiRoot: process.env.TELEGRAM_API_ROOT ?? 'https://api.telegram.org' } });
bot.command('start', (ctx) => ctx.reply('Welcome!'));
process.once('SIGTERM', () => void bot.stop());
await bot.start();
