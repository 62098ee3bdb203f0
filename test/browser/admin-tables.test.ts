// Every table of the admin panel on a 1280 px laptop and a 390 px phone: the page never scrolls
// sideways, no table is wider than its card, and no cell's text is cut off (the catalogue's
// "from ₸6,990" is read whole). Screenshots land in test-artifacts/admin-tables/.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { ADMIN_PAGE_DIR } from '../../src/http/admin.ts';
import { startTestLavka, type TestLavka } from '../support/harness.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const ARTIFACTS = path.join(ROOT, 'test-artifacts', 'admin-tables');
const CHROMIUM = process.env.LAVKA_CHROMIUM ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
const IN_CI = Boolean(process.env.CI);
const OWNER = 900;
const LAPTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };

/** Builds the panel when it is missing; returns why the test cannot run, or undefined. */
function prepare(): string | undefined {
  if (!existsSync(CHROMIUM)) {
    const reason = `Chromium is not installed at ${CHROMIUM} (apt-get install chromium)`;
    if (IN_CI) throw new Error(reason);
    return reason;
  }
  if (!existsSync(path.join(ADMIN_PAGE_DIR, 'index.html'))) {
    const vite = path.join(ROOT, 'node_modules/vite/bin/vite.js');
    const build = spawnSync(process.execPath, [vite, 'build', 'web/admin', '--logLevel', 'error'], { cwd: ROOT, encoding: 'utf8' });
    if (build.status !== 0) {
      const reason = `the admin panel could not be built (npm run build:web): ${build.stderr || build.error?.message}`;
      if (IN_CI) throw new Error(reason);
      return reason;
    }
  }
  return undefined;
}

const skipReason = prepare();

/** What is wrong with the tables on the page now; empty when everything fits. */
async function tableProblems(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const problems: string[] = [];
    const root = document.documentElement;
    if (root.scrollWidth > window.innerWidth) problems.push(`the page scrolls sideways: ${root.scrollWidth} > ${window.innerWidth}`);
    const visible = (element: Element) => {
      const box = element.getBoundingClientRect();
      return box.width > 0 && box.height > 0 && getComputedStyle(element).visibility !== 'hidden';
    };
    const tables = [...document.querySelectorAll('table')].filter(visible);
    for (const [index, table] of tables.entries()) {
      const wrap = table.closest('.table-wrap') ?? table.parentElement;
      // A table too wide by nature (a week of a calendar) may scroll inside its card on a phone,
      // its first column pinned; anywhere else, and on a laptop, every table fits its card.
      const scrolls = window.innerWidth < 600 && wrap?.classList.contains('table-scroll') && getComputedStyle(wrap).overflowX === 'auto';
      if (scrolls) {
        const first = table.querySelector('tbody td');
        if (first && getComputedStyle(first).position !== 'sticky') problems.push(`table ${index + 1} scrolls without its first column pinned`);
      }
      if (wrap && !scrolls && table.scrollWidth > wrap.clientWidth + 1) problems.push(`table ${index + 1} is wider than its card: ${table.scrollWidth} > ${wrap.clientWidth}`);
      for (const cell of table.querySelectorAll('th, td')) {
        if (!visible(cell)) continue;
        // The cell itself and anything inside it that hides what does not fit.
        for (const element of [cell, ...cell.querySelectorAll('*')]) {
          // Screen-reader-only labels are one pixel wide on purpose.
          if (!visible(element) || element.clientWidth <= 1) continue;
          const style = getComputedStyle(element);
          const clips = style.overflowX !== 'visible' || style.textOverflow === 'ellipsis';
          if (clips && element.scrollWidth > element.clientWidth + 1) problems.push(`cut off in table ${index + 1}: “${(element.textContent ?? '').trim().slice(0, 60)}” (${element.scrollWidth} > ${element.clientWidth})`);
        }
        if (scrolls) continue;
        const cellBox = cell.getBoundingClientRect();
        const wrapBox = (wrap ?? table).getBoundingClientRect();
        if (cellBox.right > wrapBox.right + 1 || cellBox.left < wrapBox.left - 1) problems.push(`outside its card in table ${index + 1}: “${(cell.textContent ?? '').trim().slice(0, 60)}”`);
      }
    }
    return problems;
  });
}

/** Opens each page at both widths, checks its tables and takes a screenshot of each. */
async function checkPages(browser: Browser, lavka: TestLavka, session: BrowserContext, preset: string, pages: readonly { path: string; ready: string }[]): Promise<void> {
  for (const [name, viewport] of [
    ['laptop', LAPTOP],
    ['phone', PHONE],
  ] as const) {
    const problems: string[] = [];
    const context = await browser.newContext({ viewport, locale: 'ru-RU', ...(name === 'phone' ? { deviceScaleFactor: 2, isMobile: true, hasTouch: true } : {}) });
    await context.addCookies(await session.cookies());
    const page = await context.newPage();
    for (const target of pages) {
      await page.goto(`${lavka.app.url}/admin/${target.path}`);
      await page.locator(target.ready).first().waitFor({ timeout: 10_000 });
      await page.waitForLoadState('networkidle').catch(() => undefined);
      const slug = target.path.replace(/[^a-z0-9]+/gi, '-').replace(/-$/, '');
      await page.screenshot({ path: path.join(ARTIFACTS, `${preset}-${slug}-${name}.png`), fullPage: true });
      problems.push(...(await tableProblems(page)).map((problem) => `/${target.path}: ${problem}`));
    }
    await context.close();
    assert.deepEqual(problems, [], `${preset} at ${viewport.width} px`);
  }
}

/** Logs the owner in through the bot's /admin link; returns the logged-in context. */
async function logIn(browser: Browser, lavka: TestLavka): Promise<BrowserContext> {
  const owner = lavka.sim.user({ id: OWNER, first_name: 'Айгерим', language_code: 'ru' });
  await owner.send('/admin');
  const reply = await owner.waitForMessage((message) => /https?:\/\//.test(message.text ?? ''), { timeoutMs: 5000 });
  const link = /https?:\/\/\S+/.exec(reply.text ?? '')?.[0];
  assert.ok(link, `the bot sent a link: ${reply.text}`);
  const context = await browser.newContext({ viewport: LAPTOP, locale: 'ru-RU' });
  const page = await context.newPage();
  await page.goto(link);
  await page.locator('.sidebar').first().waitFor({ timeout: 10_000 });
  await page.close();
  return context;
}

describe('the admin panel’s tables fit a laptop and a phone', { skip: skipReason }, () => {
  let browser: Browser;

  before(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  });
  after(async () => {
    await browser?.close();
  });

  test('the shop’s catalogue, orders, customers, dashboard and staff tables show every cell whole at 1280 and 390 px', async () => {
    const lavka = await startTestLavka({ preset: 'shop', adminIds: [OWNER] });
    try {
      const { users, orders, catalog } = lavka.app.services;
      assert.ok(users && orders && catalog);
      const products = (await catalog.listProducts({ page: 1, pageSize: 20 }, 'ru')).products;
      let firstOrder = 0;
      for (const [index, product] of products.slice(0, 6).entries()) {
        const id = 7100 + index;
        await users.register({ id, first_name: ['Айгерим', 'Константин', 'Мадина'][index % 3] as string, last_name: 'Жумабаева-Константинопольская', username: `customer_with_a_long_name_${id}`, language_code: 'ru' });
        const order = await orders.place({
          kind: 'shop',
          userId: id,
          currency: product.currency,
          lines: [{ kind: 'product', productId: product.id, title: product.title, unitPriceMinor: product.priceMinor, quantity: 3 }],
          contactName: 'Айгерим Жумабаева-Константинопольская',
          contactPhone: `+7701${String(id).padStart(7, '0')}`,
          delivery: { method: 'courier', address: 'Алматы, проспект Назарбаева 240, кв. 15', pickupPoint: null },
          paymentMethod: 'on_delivery',
        });
        firstOrder ||= order.id;
      }
      const session = await logIn(browser, lavka);
      await checkPages(browser, lavka, session, 'shop', [
        { path: 'catalog', ready: 'table tbody tr' },
        { path: 'orders', ready: 'table tbody tr' },
        { path: 'customers', ready: 'table tbody tr' },
        { path: 'dashboard', ready: 'table tbody tr' },
        { path: 'staff', ready: 'table tbody tr' },
        { path: `catalog/${products[0]?.id}`, ready: 'table tbody tr' },
        { path: `orders/${firstOrder}`, ready: 'table tbody tr' },
      ]);
      // The catalogue's prices, the bug that started this: "from ₸6,9" instead of "from ₸6,990".
      const check = await browser.newContext({ viewport: LAPTOP, locale: 'ru-RU' });
      await check.addCookies(await session.cookies());
      const catalogPage = await check.newPage();
      await catalogPage.goto(`${lavka.app.url}/admin/catalog`);
      const prices = catalogPage.locator('td.cell-amount');
      await prices.first().waitFor();
      const fromPrices = (await prices.allInnerTexts()).filter((text) => /^от /.test(text));
      assert.ok(fromPrices.length > 0, 'some products have prices "from …"');
      for (const cell of await prices.all()) {
        const fits = await cell.evaluate((element) => element.scrollWidth <= element.clientWidth && element.getBoundingClientRect().right <= (element.closest('.table-wrap')?.getBoundingClientRect().right ?? Infinity) + 1);
        assert.ok(fits, `the price “${await cell.innerText()}” is shown whole`);
      }
      assert.ok(fromPrices.every((text) => /^от \D*\d[\d\s\u00a0.,]*\d\D*$/.test(text)), `prices read whole: ${fromPrices.join(' | ')}`);
      await check.close();
      await session.close();
    } finally {
      await lavka.stop();
    }
  });

  test('the billing preset’s payments and ledger tables show every cell whole at 1280 and 390 px', async () => {
    const lavka = await startTestLavka({ preset: 'billing', adminIds: [OWNER] });
    try {
      const { users, payments, wallet } = lavka.app.services;
      assert.ok(users && payments && wallet);
      for (let index = 0; index < 4; index += 1) {
        const id = 7200 + index;
        await users.register({ id, first_name: 'Константин', last_name: 'Жумабаев-Константинопольский', username: `customer_with_a_long_name_${id}`, language_code: 'ru' });
        await payments.start({ userId: id, purpose: 'topup', ref: 'p1000', method: index % 2 ? 'manual.card_ru' : 'qr', locale: 'ru' });
        await wallet.adjust({ userId: id, amount: 1000 + index, reason: 'компенсация за сбой генерации в прошлом месяце', actor: { type: 'admin', id: OWNER } });
      }
      const session = await logIn(browser, lavka);
      await checkPages(browser, lavka, session, 'billing', [
        { path: 'payments?tab=payments&status=all', ready: 'table tbody tr' },
        { path: 'payments?tab=ledger', ready: 'table tbody tr' },
      ]);
      await session.close();
    } finally {
      await lavka.stop();
    }
  });

  test('the clinic’s calendar and directory tables show every cell whole at 1280 and 390 px', async () => {
    const lavka = await startTestLavka({ preset: 'clinic', adminIds: [OWNER] });
    try {
      const session = await logIn(browser, lavka);
      await checkPages(browser, lavka, session, 'clinic', [
        { path: 'bookings', ready: 'h1' },
        { path: 'bookings?view=week', ready: 'table' },
        { path: 'bookings?tab=directory', ready: 'table tbody tr' },
      ]);
      await session.close();
    } finally {
      await lavka.stop();
    }
  });
});
