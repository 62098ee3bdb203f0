import { Composer, InlineKeyboard, InputFile } from 'grammy';
import type { BotContext } from '../../telegram/context.ts';
import { EXPORT_PERIODS, parseExportArgs, type ExportFilter } from '../../export/period.ts';
import type { ReportReader, ReportSource } from './reports.types.ts';

/** Dependencies of the staff reports composer. */
export interface ReportsComposerDeps {
  /** The contributions, filled by modules as they are set up. */
  sources: readonly ReportSource[];
  /** The business time zone, read at use time: the owner may change it while Lavka runs. */
  timeZone(): string;
  now(): number;
}

/**
 * `/stats` and `/export` for staff: every contributing module's figures in one message, and
 * each one's dataset as a CSV and an XLSX for a period (`today`, `7d`, `30d`, `all`, dates)
 * and optionally a status. Customers are told the commands are for staff; a business whose
 * modules contribute nothing does not have them.
 */
export function createReportsComposer(deps: ReportsComposerDeps): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  const readerOf = (ctx: BotContext): ReportReader => ({ locale: ctx.locale, t: (key, args) => ctx.t(key, args) });

  /** True when the command was answered with a refusal (no contributions fall through instead). */
  const refuse = async (ctx: BotContext): Promise<boolean> => {
    if (ctx.isAdmin) return false;
    if (ctx.callbackQuery) await ctx.answerCallbackQuery({ text: ctx.t('reports-staff-only'), show_alert: true });
    else await ctx.reply(ctx.t('reports-staff-only'));
    return true;
  };

  composer.command('stats', async (ctx, next) => {
    if (deps.sources.length === 0) return next();
    if (await refuse(ctx)) return;
    const lines = [ctx.t('reports-stats-title')];
    for (const source of deps.sources) {
      const section = (await source.stats?.(readerOf(ctx))) ?? [];
      if (section.length === 0) continue;
      if (lines.at(-1) !== '') lines.push('');
      lines.push(...section);
    }
    await ctx.reply(lines.join('\n').trim());
  });

  const statuses = () => [...new Set(deps.sources.flatMap((source) => source.exportStatuses?.() ?? []))];

  const sendExport = async (ctx: BotContext, filter: ExportFilter) => {
    let sent = 0;
    for (const source of deps.sources) {
      if (!source.exportFiles || (filter.status && !(source.exportStatuses?.() ?? []).includes(filter.status))) continue;
      const files = await source.exportFiles(filter, readerOf(ctx));
      if (!files) continue;
      await ctx.replyWithDocument(new InputFile(files.csv, `${files.name}.csv`), { caption: files.caption });
      await ctx.replyWithDocument(new InputFile(Buffer.from(files.xlsx), `${files.name}.xlsx`));
      sent += 1;
    }
    if (sent === 0) await ctx.reply(ctx.t('reports-export-usage'));
  };

  composer.command('export', async (ctx, next) => {
    if (!deps.sources.some((source) => source.exportFiles)) return next();
    if (await refuse(ctx)) return;
    const raw = typeof ctx.match === 'string' ? ctx.match.trim() : '';
    if (!raw) {
      const keyboard = new InlineKeyboard();
      for (const period of EXPORT_PERIODS) keyboard.text(ctx.t(`reports-export-period-${period}`), `reports:exp:${period}`);
      await ctx.reply(ctx.t('reports-export-choose'), { reply_markup: keyboard });
      return;
    }
    const parsed = parseExportArgs(raw, { nowMs: deps.now(), timeZone: deps.timeZone(), statuses: statuses() });
    if ('error' in parsed) {
      await ctx.reply(ctx.t('reports-export-usage'));
      return;
    }
    await sendExport(ctx, parsed);
  });

  composer.callbackQuery(/^reports:exp:([a-z0-9]{1,8})$/, async (ctx, next) => {
    const parsed = parseExportArgs(ctx.match[1] as string, { nowMs: deps.now(), timeZone: deps.timeZone(), statuses: [] });
    if ('error' in parsed || deps.sources.length === 0) return next();
    if (await refuse(ctx)) return;
    await ctx.answerCallbackQuery();
    await sendExport(ctx, parsed);
  });

  return composer;
}
