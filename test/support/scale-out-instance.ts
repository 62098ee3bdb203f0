// One Lavka instance of the scale-out test, run as its own process: `src/main.ts` as it
// starts Lavka, plus a module that answers each load message with an echo (so a chat's
// replies show which update they answer) and a job kind that says each time it runs.
import { Composer } from 'grammy';
import { startLavka } from '../../src/app.ts';
import { parseEnv } from '../../src/config/env.ts';
import type { LavkaModule } from '../../src/modules/module.ts';
import { createLogger } from '../../src/observability/logger.ts';
import type { BotContext } from '../../src/telegram/context.ts';
import { SCALE_JOB_KIND, SCALE_JOB_RAN } from './scale-out.ts';


const scaleProbe: LavkaModule = {
  name: 'scale-probe',
  setup: () => {
    const composer = new Composer<BotContext>();
    composer.on('message:text', async (ctx, next) => {
      if (!ctx.message.text.startsWith('m-')) return next();
      await ctx.reply(`echo ${ctx.message.text}`);
    });
    return {
      composer,
      jobHandlers: {
        [SCALE_JOB_KIND]: async (_payload, run) => {
          process.stdout.write(`${JSON.stringify({ msg: SCALE_JOB_RAN, jobId: run.id, pid: process.pid })}\n`);
        },
      },
    };
  },
};

const env = parseEnv(process.env);
const logger = createLogger({ level: env.LOG_LEVEL, pretty: false });
// Scripted users type far faster than people: flood control would rightly mute them.
const app = await startLavka({ env, logger, extraModules: [scaleProbe], floodControl: false });
// Printed whatever the log level: the test and the benchmark wait for it.
process.stdout.write(`${JSON.stringify({ msg: 'scale-out instance ready', url: app.url })}\n`);
process.once('SIGTERM', () => {
  void app.stop().finally(() => process.exit(0));
});
