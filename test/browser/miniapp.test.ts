// The Telegram Mini App in a real browser, inside the sandbox's chat page as Telegram Web shows
// it: the app in an iframe of a phone-sized panel, launch data signed by the simulated Telegram,
// Telegram's MainButton and BackButton drawn by the page. A customer whose cart was started in
// the chat opens the shop, searches, picks a variant, checks out, pays the invoice in Telegram's
// sheet, and finds the order in /my_orders. Screenshots (light, dark, a phone) land in
// test-artifacts/miniapp-*.png.

import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { chromium, type Browser, type FrameLocator, type Page } from 'playwright-core';
import { startLavka, type LavkaApp } from '../../src/app.ts';
import { parseEnv } from '../../src/config/env.ts';
import { SANDBOX_CUSTOMER_ID } from '../../src/http/sandbox.routes.ts';
import { silentLogger } from '../../src/observability/logger.ts';
import { ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, prepareMiniAppBrowser } from '../support/miniapp-page.ts';

const skip = prepareMiniAppBrowser();

describe('the Mini App in the sandbox, in Chromium', { skip }, () => {
  let app: LavkaApp;
  let browser: Browser;
  let page: Page;
  let dataDir: string;
  let shop: FrameLocator;

  const mainButton = () => page.locator('.miniapp-main-button');
  const chat = () => page.getByRole('log', { name: 'Messages' });
  /** True when the app's page scrolls sideways (something wider than the phone). */
  const scrollsSideways = () => shop.locator('html').evaluate((html) => html.scrollWidth > html.clientWidth + 1);

  before(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'lavka-miniapp-'));
    mkdirSync(ARTIFACTS, { recursive: true });
    const env = parseEnv({ PORT: '0', HOST: '127.0.0.1', DATABASE_URL: `sqlite:${path.join(dataDir, 'lavka.db')}`, LOG_LEVEL: 'silent', LAVKA_PRESET: 'shop' });
    app = await startLavka({ env, logger: silentLogger(), sandbox: { rateLimits: false } });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    const context = await browser.newContext({ viewport: { width: 1280, height: 860 }, colorScheme: 'light', locale: 'ru-RU', timezoneId: 'Asia/Almaty' });
    context.setDefaultTimeout(10_000);
    page = await context.newPage();
    page.on('pageerror', (error) => console.error('page error:', error.message));
  });

  after(async () => {
    await browser?.close();
    await app?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  test('the sandbox bot’s menu button opens the app at its own address', async () => {
    const menu = await app.bot.api.getChatMenuButton();
    assert.equal(menu.type, 'web_app');
    assert.equal(menu.type === 'web_app' && menu.web_app.url, `${app.url}/app/`);
  });

  test('a cart started in the chat is shown in the app, whose launch data the server accepts', async () => {
    await page.goto(`${app.url}/sandbox`);
    await page.getByRole('button', { name: 'START' }).last().click();
    await chat().getByText(/главное меню/).waitFor();
    // The chat's cart: the "Лавка" T-shirt, opened by its link and put in the cart with the chat's buttons.
    const products = await app.services.catalog!.storefrontProducts({ query: 'Лавка', page: 1, pageSize: 5 }, 'ru');
    const lavkaTee = products!.products.find((product) => product.title === 'Футболка «Лавка»')!;
    const field = page.getByRole('combobox', { name: 'Message' });
    await field.fill(`/start p_${lavkaTee.id}`);
    await page.getByRole('button', { name: 'Send message' }).click();
    // The card opens on its first variant (S, white), already chosen.
    await chat().getByRole('button', { name: `✓ ${lavkaTee.variants[0]!.title}` }).last().waitFor();
    await chat().getByRole('button', { name: '🛒 В корзину' }).last().click();
    for (let tries = 0; (await app.services.cart!.view(SANDBOX_CUSTOMER_ID, 'ru')).units === 0 && tries < 100; tries += 1) await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal((await app.services.cart!.view(SANDBOX_CUSTOMER_ID, 'ru')).units, 1, 'the chat put the T-shirt in the cart');

    await page.getByRole('button', { name: '🛍 Открыть магазин' }).click();
    await page.getByRole('dialog', { name: /Mini App/ }).waitFor();
    shop = page.frameLocator('iframe.miniapp-frame');
    await shop.getByRole('heading', { name: 'Lavka Shop' }).waitFor();
    await shop.getByRole('list', { name: 'Products' }).getByRole('button').first().waitFor();
    // The MainButton Telegram draws under the app shows the chat's cart.
    await mainButton().filter({ hasText: /Корзина · 6\s?990/ }).waitFor();
  });

  test('light theme on a phone: the storefront fits without sideways scrolling', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await shop.locator('.card img').first().waitFor();
    assert.equal(await scrollsSideways(), false);
    await page.getByRole('dialog', { name: /Mini App/ }).screenshot({ path: path.join(ARTIFACTS, 'miniapp-light.png') });
    await page.setViewportSize({ width: 1280, height: 860 });
  });

  test('dark theme: the page’s theme switch reaches the app as Telegram’s theme_changed', async () => {
    await page.evaluate(() => {
      document.documentElement.dataset.theme = 'dark';
    });
    await shop.locator('html[data-scheme="dark"]').waitFor();
    const background = await shop.locator('body').evaluate((body) => getComputedStyle(body).backgroundColor);
    assert.equal(background, 'rgb(33, 33, 33)', 'Telegram’s dark bg_color');
    await page.getByRole('dialog', { name: /Mini App/ }).screenshot({ path: path.join(ARTIFACTS, 'miniapp-dark.png') });
    await page.evaluate(() => {
      document.documentElement.dataset.theme = 'light';
    });
    await shop.locator('html[data-scheme="light"]').waitFor();
  });

  test('browse → search → variant → cart → checkout → invoice paid → the order in /my_orders', async () => {
    await shop.getByRole('searchbox').fill('горы');
    await shop.getByRole('searchbox').press('Enter');
    const grid = shop.getByRole('list', { name: 'Products' });
    // The whole catalogue is on the grid until the search's answer replaces it.
    await grid.getByRole('listitem').nth(1).waitFor({ state: 'detached' });
    await grid.getByText('Футболка «Горы»').waitFor();
    assert.equal(await grid.getByRole('listitem').count(), 1);
    await grid.getByRole('button', { name: /Футболка «Горы»/ }).click();

    await shop.getByRole('heading', { name: 'Футболка «Горы»' }).waitFor();
    await shop.getByText('M', { exact: true }).click();
    await mainButton().filter({ hasText: /В корзину · 7\s?990/ }).click();
    await shop.getByText('Добавлено в корзину').waitFor();
    await page.getByRole('dialog', { name: /Mini App/ }).screenshot({ path: path.join(ARTIFACTS, 'miniapp-product.png') });

    // Telegram's BackButton (drawn by the host) goes back to the storefront.
    await page.getByRole('button', { name: '‹ Back' }).click();
    await shop.getByRole('searchbox').waitFor();
    await mainButton().filter({ hasText: /Корзина · 14\s?980/ }).click();
    const lines = shop.getByRole('list', { name: 'Корзина' });
    await lines.getByText('Футболка «Горы» (M)').waitFor();
    await lines.getByText(/Футболка «Лавка»/).waitFor();
    await mainButton().filter({ hasText: /Оформить/ }).click();

    await shop.getByRole('heading', { name: 'Оформление' }).waitFor();
    await shop.getByLabel('Телефон').fill('+7 701 123 45 67');
    await shop.getByLabel('Комментарий (необязательно)').fill('Из приложения');
    await mainButton().filter({ hasText: /Заказать · 14\s?980/ }).click();
    const placed = shop.getByRole('heading', { name: /^Заказ / });
    await placed.waitFor();
    const number = (await placed.innerText()).replace('Заказ ', '').trim();
    assert.match(number, /^A-?\d+/);

    await shop.getByRole('button', { name: '💳 Банковская карта' }).click();
    const sheet = page.getByRole('dialog', { name: 'Payment' });
    await sheet.getByRole('button', { name: 'Pay' }).click();
    await shop.getByText(/Оплачено\. Спасибо!/).waitFor();
    await page.getByRole('dialog', { name: /Mini App/ }).screenshot({ path: path.join(ARTIFACTS, 'miniapp-paid.png') });

    await page.getByRole('button', { name: 'Close' }).click();
    // The order lives in the chat: the placed message, the payment, and /my_orders.
    await chat().getByText(new RegExp(`Заказ ${number} оформлен`)).waitFor();
    const field = page.getByRole('combobox', { name: 'Message' });
    await field.fill('/my_orders');
    await field.press('Enter');
    await chat().getByRole('button', { name: new RegExp(number) }).last().waitFor();
  });

  test('a forged initData is refused by the server and adds nothing to the cart', async () => {
    await page.getByRole('button', { name: '🛍 Открыть магазин' }).click();
    await shop.getByRole('heading', { name: 'Lavka Shop' }).waitFor();
    const before = (await app.services.cart!.view(SANDBOX_CUSTOMER_ID, 'ru')).units;
    const status = await shop.locator('html').evaluate(async () => {
      const forged = new URLSearchParams((window as unknown as { Telegram: { WebApp: { initData: string } } }).Telegram.WebApp.initData);
      forged.set('user', JSON.stringify({ id: 1001, first_name: 'Mallory' }));
      const response = await fetch('/api/miniapp/cart/items', {
        method: 'POST',
        headers: { authorization: `tma ${forged.toString()}`, 'content-type': 'application/json' },
        body: JSON.stringify({ product_id: 1, variant_id: null, quantity: 1 }),
      });
      return response.status;
    });
    assert.equal(status, 401);
    assert.equal((await app.services.cart!.view(SANDBOX_CUSTOMER_ID, 'ru')).units, before);
  });
});
