// The sandbox chat page in a real browser: Lavka starts in sandbox mode in-process (no token),
// Debian's Chromium opens /sandbox through playwright-core, and the test chats with the bot as
// a person would: START, menu buttons, the language switch, commands typed with suggestions,
// other users, and everything the bot can send (formatting, photos, albums, files, keyboards,
// edits, deletions, toasts, alerts, "typing…", invoices). Screenshots land in test-artifacts/.

import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { crc32, deflateSync } from 'node:zlib';
import { Composer, InputFile } from 'grammy';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startLavka, type LavkaApp } from '../../src/app.ts';
import { parseEnv } from '../../src/config/env.ts';
import { SANDBOX_ADMIN_ID, SANDBOX_CUSTOMER_ID } from '../../src/http/sandbox.routes.ts';
import type { LavkaModule } from '../../src/modules/module.ts';
import { silentLogger } from '../../src/observability/logger.ts';
import type { BotContext } from '../../src/telegram/context.ts';
import { ensureSandboxPage } from '../support/sandbox-page.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const ARTIFACTS = path.join(ROOT, 'test-artifacts');
const CHROMIUM = process.env.LAVKA_CHROMIUM ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
const IN_CI = Boolean(process.env.CI);

/** Builds the page when it is missing; returns why the test cannot run, or undefined. */
function prepare(): string | undefined {
  if (!existsSync(CHROMIUM)) {
    const reason = `Chromium is not installed at ${CHROMIUM} (.ci/run installs it with apt-get install chromium)`;
    if (IN_CI) throw new Error(reason);
    return reason;
  }
  const buildFailure = ensureSandboxPage();
  if (buildFailure && IN_CI) throw new Error(buildFailure);
  return buildFailure;
}

/**
 * A module that exists only in this test: answers pre-checkout queries (no payments module is
 * needed to try the Pay flow) and two buttons whose answers are a toast and an alert.
 */
const probeModule: LavkaModule = {
  name: 'sandbox_probe',
  setup: () => {
    const composer = new Composer<BotContext>();
    composer.on('pre_checkout_query', (ctx) => ctx.answerPreCheckoutQuery(true));
    composer.on('message:successful_payment', (ctx) => ctx.reply('Thank you! Your gift card is on its way.'));
    composer.callbackQuery('probe:toast', (ctx) => ctx.answerCallbackQuery({ text: 'Added to the cart' }));
    composer.callbackQuery('probe:alert', (ctx) => ctx.answerCallbackQuery({ text: 'Only 2 left in stock!', show_alert: true }));
    return { composer };
  },
};

/** A small real PNG (a two-colour gradient), so the page has an image to decode. */
function pngImage(width: number, height: number, rgb: [number, number, number]): Buffer {
  const rows: Buffer[] = [];
  for (let y = 0; y < height; y += 1) {
    const row = Buffer.alloc(1 + width * 3);
    for (let x = 0; x < width; x += 1) {
      row[1 + x * 3] = Math.round((rgb[0] * x) / width);
      row[2 + x * 3] = Math.round((rgb[1] * y) / height);
      row[3 + x * 3] = rgb[2];
    }
    rows.push(row);
  }
  const chunk = (type: string, data: Buffer) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(Buffer.concat(rows))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** The text of the last bubble on the page. */
async function lastBubbleText(page: Page): Promise<string> {
  return (await page.locator('.message-row').last().innerText()).trim();
}

/** The chat history (not the user list, which previews the same texts). */
function chat(page: Page) {
  return page.getByRole('log', { name: 'Messages' });
}

/** The last element on the page with exactly this accessible button name. */
function button(page: Page, name: string | RegExp) {
  return page.getByRole('button', { name }).last();
}

const skip = prepare();

describe('the sandbox chat page in Chromium', { skip }, () => {
  let app: LavkaApp;
  let browser: Browser;
  let page: Page;
  let dataDir: string;
  const api = () => app.bot.api;

  before(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'lavka-sandbox-'));
    mkdirSync(ARTIFACTS, { recursive: true });
    const env = parseEnv({ PORT: '0', HOST: '127.0.0.1', DATABASE_URL: `sqlite:${path.join(dataDir, 'lavka.db')}`, LOG_LEVEL: 'silent' });
    app = await startLavka({ env, logger: silentLogger(), extraModules: [probeModule], sandbox: { rateLimits: false } });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, colorScheme: 'light', locale: 'en-GB', timezoneId: 'Asia/Almaty' });
    context.setDefaultTimeout(10_000);
    page = await context.newPage();
    page.on('pageerror', (error) => console.error('page error:', error.message));
  });

  after(async () => {
    await browser?.close();
    await app?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  test('the root URL redirects to the sandbox, which shows the preset and the simulated users', async () => {
    assert.equal(app.mode, 'sandbox');
    await page.goto(`${app.url}/`);
    assert.match(page.url(), /\/sandbox$/);
    await page.getByTestId('preset-name').waitFor();
    assert.equal(await page.getByTestId('preset-name').innerText(), 'shop');
    const users = page.getByRole('navigation', { name: 'Chat as' });
    await users.getByRole('button', { name: /Анна Смирнова/ }).waitFor();
    assert.match(await users.innerText(), /Марат Админов\s*admin/i);
    assert.equal(await users.locator('.user-row.is-current').getAttribute('data-user-id'), String(SANDBOX_CUSTOMER_ID));
  });

  test('START sends /start and the welcome and the main menu appear', async () => {
    await button(page, 'START').click();
    await chat(page).getByText('Здравствуйте, Анна! Добро пожаловать в Lavka Shop.').waitFor();
    await chat(page).getByText('Lavka Shop — главное меню. Что вы хотите сделать?').waitFor();
    await button(page, /Вопросы и ответы/).waitFor();
    await button(page, /Язык/).waitFor();
    assert.equal(await page.locator('.message-row.is-outgoing').first().innerText().then((text) => text.split('\n')[0]), '/start');
  });

  test('a menu button edits the menu into the FAQ question list in place', async () => {
    const before = await page.locator('.message-row').count();
    await button(page, /Вопросы и ответы/).click();
    await chat(page).getByText('Частые вопросы. Выберите вопрос:').waitFor();
    for (const question of ['Как оформить заказ?', 'Сколько стоит доставка?', 'Можно ли вернуть товар?']) {
      await button(page, question).waitFor();
    }
    assert.equal(await page.locator('.message-row').count(), before, 'the menu message was edited, not a new one sent');
    assert.match(await lastBubbleText(page), /edited/);
    await button(page, 'Сколько стоит доставка?').click();
    await chat(page).getByText(/Курьер по городу — 1 500 ₸/).waitFor();
    await button(page, /Главное меню/).click();
    await button(page, /Язык/).waitFor();
  });

  test('the Language button switches the bot to English', async () => {
    await button(page, /Язык/).click();
    await chat(page).getByText('Выберите язык:').waitFor();
    await button(page, 'English').click();
    await page.locator('.toast', { hasText: 'Language set to English.' }).waitFor();
    await chat(page).getByText('Lavka Shop — main menu. What would you like to do?').waitFor();
    await button(page, /FAQ/).waitFor();
    await button(page, /Language/).waitFor();
    await button(page, /FAQ/).click();
    await button(page, 'How do I place an order?').waitFor();
    await button(page, /Main menu/).click();
    await chat(page).getByText('Lavka Shop — main menu. What would you like to do?').waitFor();
  });

  test('typing "/" suggests the bot commands, and Enter sends the highlighted one', async () => {
    const field = page.getByRole('combobox', { name: 'Message' });
    await field.focus();
    await field.pressSequentially('/he');
    const suggestions = page.getByRole('listbox', { name: 'Bot commands' });
    // The bot published the English list after the language change; the popup follows it.
    await suggestions.getByText('What this bot can do').waitFor();
    assert.match(await suggestions.innerText(), /\/help\s+What this bot can do/);
    await field.press('Enter');
    await chat(page).getByText(/^Here is what I can do:/).waitFor();
    assert.equal(await field.inputValue(), '');
    await field.fill('/');
    assert.match(await suggestions.innerText(), /\/start[\s\S]*\/language/);
    await field.press('Escape');
  });

  test('formatting with Cyrillic and emoji renders each entity at the right place', async () => {
    await api().sendMessage(
      SANDBOX_CUSTOMER_ID,
      '<b>Жирный 🔥</b> обычный <i>курсив</i> <u>подчёркнутый</u> <s>зачёркнутый</s> <tg-spoiler>секрет</tg-spoiler> ' +
        '<code>код</code> <a href="https://example.com/a">ссылка</a> @lavka_support\n<pre><code class="language-ts">const x = 1;</code></pre>' +
        '<blockquote>Цитата 👋 из отзыва</blockquote>',
      { parse_mode: 'HTML' },
    );
    const bubble = page.locator('.message-row').last();
    await bubble.locator('strong').waitFor();
    assert.equal(await bubble.locator('strong').innerText(), 'Жирный 🔥');
    assert.equal(await bubble.locator('em').innerText(), 'курсив');
    assert.equal(await bubble.locator('u').innerText(), 'подчёркнутый');
    assert.equal(await bubble.locator('s').innerText(), 'зачёркнутый');
    assert.equal(await bubble.locator('code.tg-code').innerText(), 'код');
    assert.equal(await bubble.locator('a', { hasText: 'ссылка' }).getAttribute('href'), 'https://example.com/a');
    assert.equal(await bubble.locator('a', { hasText: '@lavka_support' }).getAttribute('href'), 'https://t.me/lavka_support');
    assert.equal(await bubble.locator('.tg-pre-language').innerText(), 'ts');
    assert.equal(await bubble.locator('blockquote').innerText(), 'Цитата 👋 из отзыва');
    const spoiler = bubble.getByRole('button', { name: 'Hidden text, press to reveal' });
    await spoiler.focus();
    await spoiler.press('Enter');
    assert.equal(await bubble.locator('.tg-spoiler.is-revealed').innerText(), 'секрет');

    await api().sendMessage(SANDBOX_CUSTOMER_ID, '*Итого:* 🛒 _3 товара_ \\— `12 500 ₸`', { parse_mode: 'MarkdownV2' });
    await page.locator('.message-row').last().locator('em', { hasText: '3 товара' }).waitFor();
    assert.equal(await page.locator('.message-row').last().locator('strong').innerText(), 'Итого:');
  });

  test('photos, albums and documents arrive as bubbles, and documents download', async () => {
    await api().sendPhoto(SANDBOX_CUSTOMER_ID, new InputFile(pngImage(320, 200, [255, 160, 90]), 'mug.png'), { caption: 'Кружка «Лавка» — 4 500 ₸' });
    const photo = page.locator('.message-row').last().locator('img');
    await photo.waitFor();
    await page.waitForFunction(() => {
      const images = document.querySelectorAll<HTMLImageElement>('.message-row:last-child img, .message-group:last-child img');
      return images.length > 0 && [...images].every((image) => image.complete && image.naturalWidth > 0);
    });
    await api().sendMediaGroup(SANDBOX_CUSTOMER_ID, [
      { type: 'photo', media: new InputFile(pngImage(200, 200, [90, 160, 255]), 'a.png') },
      { type: 'photo', media: new InputFile(pngImage(200, 200, [120, 220, 120]), 'b.png') },
      { type: 'photo', media: new InputFile(pngImage(200, 200, [230, 120, 200]), 'c.png') },
    ]);
    await page.locator('.photo-grid.photo-count-3 img').nth(2).waitFor();
    assert.equal(await page.locator('.photo-grid.photo-count-3').count(), 1, 'the album is one bubble');

    await api().sendDocument(SANDBOX_CUSTOMER_ID, new InputFile(Buffer.from('Прайс-лист\nКружка;4500\n'), 'price-list.csv'), { caption: 'Прайс-лист' });
    const link = page.getByRole('link', { name: 'Download price-list.csv' });
    await link.waitFor();
    const download = await Promise.all([page.waitForEvent('download'), link.click()]).then(([event]) => event);
    assert.equal(download.suggestedFilename(), 'price-list.csv');
    const saved = path.join(dataDir, 'price-list.csv');
    await download.saveAs(saved);
    assert.equal(readFileSync(saved, 'utf8'), 'Прайс-лист\nКружка;4500\n');
  });

  test('the person can send a photo with a caption and a file', async () => {
    // The photo's upload answers only once the next file has been chosen: the message shows
    // before its upload has finished, and a finished upload must close only its own dialog.
    let releasePhoto = () => {};
    const photoHeld = new Promise<void>((resolve) => (releasePhoto = resolve));
    await page.route('**/chats/*/messages', async (route) => {
      if (route.request().method() !== 'POST' || !route.request().headers()['content-type']?.startsWith('multipart/')) return route.continue();
      const response = await route.fetch();
      if (route.request().postDataBuffer()?.includes('broken-mug.png')) await photoHeld;
      await route.fulfill({ response });
    });
    const fileInput = page.locator('input[type="file"]');
    await fileInput.setInputFiles({ name: 'broken-mug.png', mimeType: 'image/png', buffer: pngImage(240, 160, [200, 80, 80]) });
    const dialog = page.getByRole('dialog', { name: 'Send a photo' });
    await dialog.getByLabel(/Caption/).fill('Пришла разбитая 😢');
    await dialog.getByRole('button', { name: 'Send' }).click();
    await page.locator('.message-row.is-outgoing img').last().waitFor();
    assert.match(await page.locator('.message-row.is-outgoing').last().innerText(), /Пришла разбитая 😢/);

    await fileInput.setInputFiles({ name: 'receipt.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4 sandbox') });
    const fileDialog = page.getByRole('dialog', { name: 'Send a file' });
    await fileDialog.waitFor();
    assert.equal(await fileDialog.getByLabel(/Caption/).inputValue(), '', 'the new dialog starts empty');
    const photoAnswered = page.waitForResponse((response) => response.request().postDataBuffer()?.includes('broken-mug.png') === true);
    releasePhoto();
    await photoAnswered;
    await fileDialog.getByRole('button', { name: 'Send' }).click();
    await page.locator('.message-row.is-outgoing').getByRole('link', { name: 'Download receipt.pdf' }).waitFor();
    await page.getByRole('dialog').waitFor({ state: 'detached' });
    await page.unroute('**/chats/*/messages');
    const sent = app.sandbox?.chat(SANDBOX_CUSTOMER_ID).messages.filter((message) => !message.from_bot && (message.photo || message.document)) ?? [];
    assert.deepEqual(
      sent.map((message) => [message.caption ?? null, message.document?.file_name ?? 'photo', message.photo?.[0]?.width ?? null]),
      [
        ['Пришла разбитая 😢', 'photo', 240],
        [null, 'receipt.pdf', null],
      ],
    );
  });

  test('a reply keyboard replaces the keyboard area, shares a contact and is removed', async () => {
    await api().sendMessage(SANDBOX_CUSTOMER_ID, 'Оставьте телефон, чтобы курьер мог позвонить.', {
      reply_markup: { keyboard: [[{ text: '📱 Отправить телефон', request_contact: true }], [{ text: 'Позже' }]], resize_keyboard: true, input_field_placeholder: 'Телефон' },
    });
    const keyboard = page.getByRole('group', { name: 'Bot keyboard' });
    await keyboard.waitFor();
    assert.equal(await page.getByRole('combobox', { name: 'Message' }).getAttribute('placeholder'), 'Телефон');
    await keyboard.getByRole('button', { name: /Отправить телефон/ }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Share' }).click();
    await page.locator('.message-row.is-outgoing .contact-card').last().waitFor();
    assert.match(await page.locator('.message-row.is-outgoing .contact-card').last().innerText(), /Анна Смирнова\s*\+1555/);

    await button(page, 'Hide bot keyboard').click();
    assert.equal(await keyboard.count(), 0);
    await button(page, 'Show bot keyboard').click();
    await keyboard.getByRole('button', { name: 'Позже' }).click();
    await page.locator('.message-row.is-outgoing', { hasText: 'Позже' }).waitFor();

    await api().sendMessage(SANDBOX_CUSTOMER_ID, 'Хорошо, спросим позже.', { reply_markup: { remove_keyboard: true } });
    await chat(page).getByText('Хорошо, спросим позже.').waitFor();
    await keyboard.waitFor({ state: 'detached' });
  });

  test('"typing…", edits, deletions, toasts and alerts show as in Telegram', async () => {
    await api().sendChatAction(SANDBOX_CUSTOMER_ID, 'typing');
    await page.locator('.chat-header-status', { hasText: 'typing' }).waitFor();
    const sent = await api().sendMessage(SANDBOX_CUSTOMER_ID, 'Заказ №17 собирается', {
      reply_markup: { inline_keyboard: [[{ text: 'В корзину', callback_data: 'probe:toast' }, { text: 'Остаток', callback_data: 'probe:alert' }], [{ text: 'Сайт', url: 'https://example.com/shop' }]] },
    });
    await chat(page).getByText('Заказ №17 собирается').waitFor();
    assert.equal(await page.locator('.chat-header-status', { hasText: 'typing' }).count(), 0, 'a message ends "typing…"');

    await button(page, 'В корзину').click();
    await page.locator('.toast', { hasText: 'Added to the cart' }).waitFor();
    await button(page, 'Остаток').click();
    const alert = page.getByRole('dialog');
    await alert.getByText('Only 2 left in stock!').waitFor();
    await alert.getByRole('button', { name: 'OK' }).click();
    await alert.waitFor({ state: 'detached' });
    await button(page, /Сайт/).click();
    await page.getByRole('dialog').getByText('https://example.com/shop').waitFor();
    await page.keyboard.press('Escape');
    await page.getByRole('dialog').waitFor({ state: 'detached' });

    await api().editMessageText(SANDBOX_CUSTOMER_ID, sent.message_id, 'Заказ №17 передан курьеру 🚚');
    await chat(page).getByText('Заказ №17 передан курьеру 🚚').waitFor();
    assert.equal(await chat(page).getByText('Заказ №17 собирается').count(), 0);
    const deleted = await api().sendMessage(SANDBOX_CUSTOMER_ID, 'Это сообщение исчезнет');
    await chat(page).getByText('Это сообщение исчезнет').waitFor();
    await api().deleteMessage(SANDBOX_CUSTOMER_ID, deleted.message_id);
    await chat(page).getByText('Это сообщение исчезнет').waitFor({ state: 'detached' });
  });

  test('an invoice has a Pay button that runs the payment flow with the bot', async () => {
    await api().sendInvoice(SANDBOX_CUSTOMER_ID, 'Подарочная карта', 'Карта на 5 000 ₸ для друга', 'gift-1', 'XTR', [{ label: 'Карта', amount: 50 }]);
    const card = page.locator('.invoice').last();
    await card.waitFor();
    assert.match(await card.innerText(), /Подарочная карта[\s\S]*⭐️ 50/);
    await card.getByRole('button', { name: /Pay/ }).click();
    const checkout = page.getByRole('dialog', { name: 'Checkout' });
    await checkout.getByRole('button', { name: 'Pay ⭐️ 50' }).click();
    await checkout.getByText('Payment successful').waitFor();
    await checkout.getByRole('button', { name: 'Close' }).last().click();
    await chat(page).getByText('Thank you! Your gift card is on its way.').waitFor();
    await page.locator('.service-message', { hasText: 'You paid ⭐️ 50' }).waitFor();
    assert.equal(await card.getByRole('button', { name: 'Paid ✓' }).isDisabled(), true);
  });

  test('a desktop screenshot of the chat is saved', async () => {
    await page.screenshot({ path: path.join(ARTIFACTS, 'sandbox-chat.png') });
  });

  test('switching to the admin shows their own chat, and a notification there raises an unread badge', async () => {
    await page.getByRole('navigation', { name: 'Chat as' }).getByRole('button', { name: /Марат Админов/ }).click();
    await button(page, 'START').click();
    await chat(page).getByText('Здравствуйте, Марат! Добро пожаловать в Lavka Shop.').waitFor();
    assert.equal(await chat(page).getByText('Здравствуйте, Анна!').count(), 0);

    await page.getByRole('navigation', { name: 'Chat as' }).getByRole('button', { name: /Анна Смирнова/ }).click();
    await chat(page).getByText('Здравствуйте, Анна! Добро пожаловать в Lavka Shop.').waitFor();
    await api().sendMessage(SANDBOX_ADMIN_ID, '🛎 Новый заказ №18 от Анны');
    const adminRow = page.locator(`.user-row[data-user-id="${SANDBOX_ADMIN_ID}"]`);
    await adminRow.locator('.unread', { hasText: '1' }).waitFor();
    assert.match(await adminRow.innerText(), /Новый заказ №18/);
    await adminRow.click();
    await chat(page).getByText('🛎 Новый заказ №18 от Анны').waitFor();
    await page.getByRole('navigation', { name: 'Chat as' }).getByRole('button', { name: /Анна Смирнова/ }).click();
    await chat(page).getByText('Lavka Shop — main menu. What would you like to do?').last().waitFor();
  });

  test('a new user can be added with a chosen language and talks to the bot in it', async () => {
    await page.getByRole('button', { name: 'New user' }).click();
    const dialog = page.getByRole('dialog', { name: 'New user' });
    await dialog.getByLabel('First name').fill('Dana');
    await dialog.getByLabel('Language').selectOption('en');
    await dialog.getByLabel('Telegram id').fill('1234');
    await dialog.getByRole('button', { name: 'Add user' }).click();
    await button(page, 'START').click();
    await chat(page).getByText('Hello, Dana! Welcome to Lavka Shop.').waitFor();
  });

  test('on a phone-sized screen the chat fills the screen and the user list is one tap away', async () => {
    const phone = await browser.newContext({ viewport: { width: 360, height: 740 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, colorScheme: 'dark' });
    const mobile = await phone.newPage();
    await mobile.goto(`${app.url}/sandbox#user=${SANDBOX_CUSTOMER_ID}`);
    await chat(mobile).getByText('Lavka Shop — main menu. What would you like to do?').last().waitFor();
    assert.equal(await mobile.locator('.sidebar').isVisible(), false);
    const width = await mobile.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= 360, `nothing overflows sideways (scrollWidth ${width})`);
    await mobile.screenshot({ path: path.join(ARTIFACTS, 'sandbox-chat-phone.png') });
    await mobile.getByRole('button', { name: 'Back to users' }).click();
    await mobile.getByRole('navigation', { name: 'Chat as' }).waitFor();
    assert.equal(await mobile.locator('.chat').isVisible(), false);
    await phone.close();
  });
});
