// The admin panel in a real browser: Lavka runs polling the Telegram simulator, an owner asks
// the bot for a login link with /admin, Debian's Chromium (through playwright-core) opens it,
// and the test works the panel as an owner would: the dashboard, an order's status change
// that reaches the customer in the simulator, customers, content, a product created in the
// catalogue editor that customers then find in the bot, a support answer that reaches the
// customer, business hours changed in the settings that the bot shows with the contacts, a
// manual top-up approved from its receipt so the balance grows, and the clinic's
// calendar, directory and tickets. Screenshots (desktop and phone, light and dark) land in
// test-artifacts/admin/.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { ADMIN_PAGE_DIR } from '../../src/http/admin.ts';
import { encodePng } from '../../src/media/png.ts';
import type { ApiInlineButton, SimUser, ViewMessage } from '../../src/sim/index.ts';
import { testIdentity } from '../support/clinic.ts';
import { binaryStl, box } from '../support/mesh-fixtures.ts';
import { startTestLavka, TEST_BOT_TOKEN, type TestLavka } from '../support/harness.ts';
import { signWebAppInitData } from '../../src/sim/web-app.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const ARTIFACTS = path.join(ROOT, 'test-artifacts', 'admin');
const CHROMIUM = process.env.LAVKA_CHROMIUM ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
const IN_CI = Boolean(process.env.CI);
const OWNER = 900;
const DAY_MS = 86_400_000;

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

/** Asks the bot for a login link as `userId` and returns it. */
async function loginLink(lavka: TestLavka, userId: number, firstName = 'Aigerim'): Promise<string> {
  const user = lavka.sim.user({ id: userId, first_name: firstName, language_code: 'ru' });
  await user.send('/admin');
  const reply = await user.waitForMessage((message) => /https?:\/\//.test(message.text ?? ''), { timeoutMs: 5000 });
  const url = /https?:\/\/\S+/.exec(reply.text ?? '')?.[0];
  assert.ok(url, `the bot sent a link: ${reply.text}`);
  return url;
}

/** A picture to upload: a soft gradient with a darker band, `widthPx` × `heightPx`. */
function picture(widthPx: number, heightPx: number, rgb: [number, number, number]): Buffer {
  const pixels = new Uint8Array(widthPx * heightPx * 3);
  for (let y = 0; y < heightPx; y += 1) {
    for (let x = 0; x < widthPx; x += 1) {
      const band = y > heightPx * 0.4 && y < heightPx * 0.6 ? 0.7 : 1;
      const offset = (y * widthPx + x) * 3;
      for (let channel = 0; channel < 3; channel += 1) pixels[offset + channel] = Math.round((rgb[channel] as number) * band * (0.85 + (0.15 * x) / widthPx));
    }
  }
  return encodePng(widthPx, heightPx, pixels);
}

/** A transfer receipt as a customer photographs it: white paper with lines of print. */
function receiptPicture(): Buffer {
  const [width, height] = [240, 320];
  const pixels = new Uint8Array(width * height * 3).fill(248);
  for (let line = 0; line < 14; line += 1) {
    const y0 = 24 + line * 20;
    const length = line % 4 === 3 ? 120 : 190;
    for (let y = y0; y < y0 + 6; y += 1) for (let x = 24; x < 24 + length; x += 1) pixels.fill(line === 9 ? 40 : 120, (y * width + x) * 3, (y * width + x) * 3 + 3);
  }
  return encodePng(width, height, pixels);
}

const textOf = (message: ViewMessage) => message.text ?? message.caption ?? '';
const buttonsOf = (message: ViewMessage): ApiInlineButton[] => message.reply_markup?.inline_keyboard.flat() ?? [];

/** Presses an inline button of the latest message and waits for the bot's answer to the press. */
async function press(user: SimUser, label: string | ((button: ApiInlineButton) => boolean)): Promise<void> {
  const result = await user.pressButton(label);
  assert.equal(result.type, 'callback');
  if (result.type === 'callback') await user.waitForCallbackAnswer(result.callbackQueryId, { timeoutMs: 5000 });
}

async function shot(page: Page, name: string): Promise<void> {
  await page.waitForLoadState('networkidle').catch(() => undefined);
  // Charts and skeletons settle; a screenshot of a half-drawn page helps nobody.
  await page.waitForTimeout(150);
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });
}

describe('the admin panel in a browser (shop)', { skip: skipReason }, () => {
  let lavka: TestLavka;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const clock = { offsetMs: 0 };
  const orderOf = new Map<number, number>();
  const CUSTOMER = 7001;

  before(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    lavka = await startTestLavka({ preset: 'shop', adminIds: [OWNER], now: () => Date.now() + clock.offsetMs });
    const { users, orders, catalog } = lavka.app.services;
    assert.ok(users && orders && catalog);
    // A month of a small shop: customers arriving, orders most days.
    const names = ['Айгерим Сейітова', 'Данияр Ахметов', 'Анна Смирнова', 'Ерлан Жумабаев', 'Мадина Касымова', 'Олег Петров', 'Асель Нурланова', 'Тимур Оспанов'];
    const products = (await catalog.listProducts({ page: 1, pageSize: 20 }, 'ru')).products;
    assert.ok(products.length > 3, 'the shop preset seeds products');
    for (let day = 29; day >= 0; day -= 1) {
      clock.offsetMs = -day * DAY_MS - 3 * 3600_000;
      const arrivals = 1 + ((day * 7) % 4);
      for (let index = 0; index < arrivals; index += 1) {
        const id = 7000 + day * 10 + index + 1;
        const [first, last] = (names[(day + index) % names.length] as string).split(' ');
        await users.register({ id, first_name: first as string, last_name: last, username: `client${id}`, language_code: index % 3 === 0 ? 'kk' : 'ru' });
        if ((day + index) % 3 !== 1) {
          const product = products[(day + index) % products.length];
          assert.ok(product);
          const quantity = 1 + ((day + index) % 2);
          const order = await orders.place({
            kind: 'shop',
            userId: id,
            currency: product.currency,
            lines: [{ kind: 'product', productId: product.id, title: product.title, unitPriceMinor: product.priceMinor, quantity }],
            contactName: `${first} ${last}`,
            contactPhone: `+7701${String(id).padStart(7, '0')}`,
            delivery: { method: index % 2 ? 'courier' : 'pickup', address: index % 2 ? 'Алматы, ул. Абая 10' : null, pickupPoint: index % 2 ? null : 'ТРЦ Dostyk Plaza' },
            paymentMethod: 'on_delivery',
          });
          orderOf.set(id, order.id);
          if (day > 2) await orders.changeStatus(order.id, day % 5 === 0 ? 'cancelled' : 'confirmed', { role: 'system' });
        }
      }
    }
    clock.offsetMs = 0;
    await users.addTag(7001, 'vip');
    await users.addTag(7011, 'опт');
    // The customer whose order the test moves: they started the bot, so notifications reach them.
    lavka.sim.user({ id: CUSTOMER, first_name: 'Айгерим', language_code: 'ru', hasStartedBot: true });

    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    context = await browser.newContext({ viewport: { width: 1360, height: 900 }, locale: 'ru-RU', colorScheme: 'light' });
    page = await context.newPage();
    page.on('pageerror', (error) => {
      throw error;
    });
  });

  after(async () => {
    await browser?.close();
    await lavka?.stop();
  });

  test('the login page explains the bot login and refuses a wrong password in plain words', async () => {
    await page.goto(`${lavka.app.url}/admin/`);
    await page.getByRole('heading', { name: 'Вход' }).waitFor();
    await shot(page, '01-login');
    await page.getByLabel('Логин').fill('owner');
    await page.getByLabel('Пароль').fill('not the password');
    await page.getByRole('button', { name: 'Войти' }).click();
    await page.getByRole('alert').filter({ hasText: 'The login or the password is wrong.' }).waitFor();
  });

  test('an owner logs in with the one-time link from /admin, and the link cannot be used twice', async () => {
    const link = await loginLink(lavka, OWNER);
    await page.goto(link);
    await page.getByRole('heading', { name: 'Сводка' }).waitFor();
    assert.equal(new URL(page.url()).hash, '', 'the token does not stay in the address bar');
    const cookies = await context.cookies();
    const session = cookies.find((cookie) => cookie.name === 'lavka_admin');
    assert.ok(session?.httpOnly, 'the session cookie is HttpOnly');
    assert.equal(session?.sameSite, 'Strict');

    const other = await browser.newContext({ locale: 'ru-RU' });
    const replay = await other.newPage();
    await replay.goto(link);
    await replay.getByText('Этой ссылкой уже воспользовались').waitFor();
    await shot(replay, '02-link-used');
    await other.close();
  });

  test('the dashboard shows the period figures, charts and the latest orders', async () => {
    await page.goto(`${lavka.app.url}/admin/dashboard`);
    await page.getByText('Новые пользователи', { exact: true }).waitFor();
    await page.locator('.chart svg').first().waitFor();
    await page.getByRole('button', { name: '30 дней' }).click();
    const tiles = await page.locator('.tile-value').allInnerTexts();
    assert.ok(tiles.length >= 6, `tiles: ${tiles.join(', ')}`);
    assert.ok(Number(tiles[0]?.replace(/\D/g, '')) > 20, `new users in 30 days: ${tiles[0]}`);
    assert.ok((await page.locator('table tbody tr').count()) > 0, 'recent orders are listed');
    await shot(page, '03-dashboard');
  });

  test('changing an order’s status in the panel notifies the customer in Telegram', async () => {
    const orderId = orderOf.get(CUSTOMER) as number;
    const order = await lavka.app.services.orders?.get(orderId);
    assert.equal(order?.user_id, CUSTOMER);
    await page.goto(`${lavka.app.url}/admin/orders`);
    await page.getByRole('link', { name: order?.number }).waitFor();
    await shot(page, '04-orders');
    await page.getByRole('link', { name: order?.number }).click();
    await page.getByRole('heading', { name: 'Перевести заказ' }).waitFor();
    await shot(page, '05-order');
    const before = lavka.sim.chat(CUSTOMER).messages.length;
    await page.getByRole('button', { name: 'Подтверждён' }).click();
    await page.getByLabel('Заметка в истории').fill('Собираем заказ');
    await shot(page, '06-order-confirm');
    await page.getByRole('dialog').getByRole('button', { name: 'Сменить статус' }).click();
    await page.getByText('Клиент уведомлён').waitFor();
    const customer = lavka.sim.user({ id: CUSTOMER, first_name: 'Айгерим', language_code: 'ru' });
    const notice = await customer.waitForMessage((message) => (message.text ?? '').includes(order?.number as string), { timeoutMs: 10_000 });
    // The customer writes to the bot in Kazakh, so the notice is in Kazakh.
    assert.equal(notice.text, `Сіздің ${order?.number} тапсырысыңыз: ✅ Расталды`);
    assert.ok(lavka.sim.chat(CUSTOMER).messages.length > before);
    const changed = await lavka.app.services.orders?.detail(orderId);
    assert.equal(changed?.status, 'confirmed');
    assert.equal(changed?.history.at(-1)?.note, 'Собираем заказ');
    const audit = await lavka.app.services.audit?.list({ limit: 5 });
    assert.ok(audit?.some((entry) => entry.action === 'orders.POST /api/orders/:id/status' && entry.actor_type === 'admin'));
  });

  test('the orders export downloads the current filter as CSV', async () => {
    await page.goto(`${lavka.app.url}/admin/orders?status=confirmed`);
    await page.locator('table tbody tr').first().waitFor();
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'CSV' }).click()]);
    const file = await download.path();
    assert.ok(file);
    const { readFileSync } = await import('node:fs');
    const text = readFileSync(file, 'utf8');
    assert.match(text, /Подтверждён|Confirmed/);
    assert.doesNotMatch(text, /Отменён/);
  });

  test('the owner makes an API key on the Integrations page; a back end notes an order with it, the note shows on the order, and revoking cuts it off', async () => {
    await page.goto(`${lavka.app.url}/admin/integrations`);
    await page.getByRole('heading', { name: 'Интеграции', exact: true }).waitFor();
    await page.getByText('API-ключей пока нет').waitFor();
    await page.getByRole('button', { name: 'Новый ключ' }).click();
    await page.getByLabel('Название').fill('Склад 1С');
    await page.getByLabel('orders:write').check();
    await shot(page, '07-integrations-new-key');
    await page.getByRole('dialog').getByRole('button', { name: 'Создать ключ' }).click();
    const secret = (await page.locator('[data-secret]').innerText()).trim();
    assert.match(secret, /^lvk_live_[A-Za-z0-9]{40}$/);
    await shot(page, '08-integrations-secret');
    await page.getByRole('button', { name: 'Я сохранил ключ' }).click();
    const row = page.locator('tr', { hasText: secret.slice(0, 17) });
    await row.getByText('Действует').waitFor();
    assert.ok(!(await page.content()).includes(secret), 'the secret is gone once the dialog is closed');

    const order = await lavka.app.services.orders!.place({
      kind: 'shop',
      userId: CUSTOMER,
      currency: 'KZT',
      lines: [{ kind: 'product', productId: 1, title: 'Футболка', unitPriceMinor: 699_000, quantity: 1 }],
      contactName: 'Айгерим',
      delivery: { method: 'pickup', pickupPoint: 'Dostyk Plaza' },
      paymentMethod: 'on_delivery',
    });
    const noted = await fetch(`${lavka.app.url}/api/v1/orders/${order.id}/notes`, {
      method: 'POST',
      headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' },
      body: JSON.stringify({ text: 'Собран на складе, ячейка B-12' }),
    });
    assert.equal(noted.status, 201, await noted.text());
    await page.goto(`${lavka.app.url}/admin/orders/${order.id}`);
    await page.getByText('Собран на складе, ячейка B-12').waitFor();
    await page.getByText('Склад 1С (API-ключ)', { exact: false }).first().waitFor();

    await page.goto(`${lavka.app.url}/admin/integrations`);
    // A webhook endpoint: registered with its events, its secret shown, paused and removed.
    await page.getByText('Вебхуков пока нет').waitFor();
    await page.getByRole('button', { name: 'Добавить адрес' }).click();
    await page.getByLabel('URL').fill('https://93.184.215.14/hooks/lavka');
    await page.getByRole('checkbox', { name: 'broadcast.finished' }).check();
    await page.getByRole('dialog').getByRole('button', { name: 'Добавить' }).click();
    assert.match((await page.locator('[data-webhook-secret]').innerText()).trim(), /^whsec_/);
    await page.getByRole('button', { name: 'Закрыть' }).last().click();
    const endpointRow = page.locator('tr', { hasText: 'https://93.184.215.14/hooks/lavka' });
    await endpointRow.getByText('Включён').waitFor();
    await shot(page, '09-integrations-webhooks');
    await endpointRow.getByRole('button', { name: 'Доставки' }).click();
    await page.getByText('Пока ничего не отправлено').waitFor();
    await page.keyboard.press('Escape');
    await endpointRow.getByRole('button', { name: 'Пауза' }).click();
    await endpointRow.getByText('На паузе').waitFor();
    page.once('dialog', (dialog) => void dialog.accept());
    await endpointRow.getByRole('button', { name: 'Удалить' }).click();
    await page.getByText('Вебхуков пока нет').waitFor();

    page.once('dialog', (dialog) => void dialog.accept());
    await row.getByRole('button', { name: 'Отозвать' }).click();
    await row.getByText('Отозван').waitFor();
    const refused = await fetch(`${lavka.app.url}/api/v1/orders/${order.id}`, { headers: { authorization: `Bearer ${secret}` } });
    assert.equal(refused.status, 401);
    assert.equal(((await refused.json()) as { error: { code: string } }).error.code, 'api.key_revoked');
  });

  test('customers can be searched, tagged and written to', async () => {
    await page.goto(`${lavka.app.url}/admin/customers`);
    await page.getByRole('searchbox').fill('Айгерим');
    await page.getByRole('button', { name: 'Поиск' }).click();
    await page.locator('table tbody tr').first().waitFor();
    await shot(page, '07-customers');
    await page.goto(`${lavka.app.url}/admin/customers/${CUSTOMER}`);
    await page.getByRole('heading', { name: 'Метки' }).waitFor();
    await page.getByLabel('Новая метка').fill('постоянный');
    await page.getByRole('button', { name: 'Добавить' }).click();
    await page.locator('.chip', { hasText: 'постоянный' }).waitFor();
    assert.deepEqual(await lavka.app.services.users?.tagsOf(CUSTOMER), ['vip', 'постоянный']);
    await page.getByRole('button', { name: 'Написать' }).click();
    await page.getByLabel('Текст').fill('Здравствуйте! Ваш заказ почти готов.');
    await shot(page, '08-customer-message');
    await page.getByRole('dialog').getByRole('button', { name: 'Отправить' }).click();
    const customer = lavka.sim.user({ id: CUSTOMER, first_name: 'Айгерим', language_code: 'ru' });
    await customer.waitForMessage((message) => message.text === 'Здравствуйте! Ваш заказ почти готов.', { timeoutMs: 10_000 });
  });

  test('the owner edits a bot text and the bot uses it at once', async () => {
    await page.goto(`${lavka.app.url}/admin/content?tab=texts`);
    await page.getByRole('searchbox').fill('fallback-unknown');
    await page.getByRole('button', { name: /fallback-unknown/ }).click();
    await page.getByLabel('Ваш текст').fill('Не понял вас. Нажмите /start, чтобы открыть меню.');
    await page.getByRole('dialog').getByRole('button', { name: 'Сохранить' }).click();
    await page.getByText('Изменён').first().waitFor();
    const customer = lavka.sim.user({ id: CUSTOMER, first_name: 'Айгерим', language_code: 'ru' });
    await customer.send('абракадабра');
    // A failure names what the customer got instead: the answer, or nothing.
    await customer.waitForMessage((message) => message.text === 'Не понял вас. Нажмите /start, чтобы открыть меню.', { timeoutMs: 10_000 }).catch((error: unknown) => {
      const last = lavka.sim.chat(CUSTOMER).messages.slice(-4).map((message) => `${message.from_bot ? 'bot' : 'customer'}: ${message.text ?? '(no text)'}`);
      throw new Error(`no edited text; the chat ends with:\n${last.join('\n')}`, { cause: error });
    });
    await page.goto(`${lavka.app.url}/admin/content`);
    await page.getByText('Сколько стоит доставка?').or(page.locator('.list-item').first()).first().waitFor();
    await shot(page, '09-content-faq');
  });

  test('the owner changes the business hours in the settings and the bot shows them with the contacts at once', async () => {
    await page.goto(`${lavka.app.url}/admin/content?tab=settings`);
    const hours = page.getByRole('form', { name: 'Часы работы' });
    await hours.getByLabel('Суббота: закрытие 1').waitFor();
    await hours.getByLabel('Суббота: открытие 1').fill('11:00');
    await hours.getByLabel('Суббота: закрытие 1').fill('16:00');
    // A mistake is caught before anything is sent: the day's hours overlap.
    await hours.getByRole('group', { name: 'Воскресенье' }).getByRole('button', { name: 'Рабочий день' }).click();
    await hours.getByLabel('Воскресенье: открытие 1').fill('12:00');
    await hours.getByLabel('Воскресенье: закрытие 1').fill('10:00');
    await hours.getByText('Время закрытия должно быть позже открытия.').waitFor();
    assert.equal(await hours.getByRole('button', { name: 'Сохранить' }).isDisabled(), true);
    await hours.getByRole('button', { name: 'Убрать эти часы (Воскресенье)' }).click();
    await hours.getByLabel('Примечание (необязательно)').fill('В праздники не работаем');
    await hours.getByRole('button', { name: 'Сохранить' }).click();
    await page.getByText('Сохранено. Бот уже использует это.').waitFor();
    await page.locator('.settings-hours').getByText('Изменено в панели').waitFor();
    assert.deepEqual(lavka.app.config.business.hours?.weekly?.sat, [{ from: '11:00', to: '16:00' }]);
    const audit = await lavka.app.services.audit?.list({ limit: 1 });
    assert.equal(audit?.[0]?.action, 'admin.PUT /api/admin/settings/hours');
    await shot(page, '18-settings');

    const reader = lavka.sim.user({ id: 7901, first_name: 'Мадина', language_code: 'ru' });
    await reader.send('/support');
    const contacts = await reader.waitForMessage((message) => textOf(message).includes('Как с нами связаться'), { timeoutMs: 5000 });
    assert.match(textOf(contacts), /🕘 Часы работы:\nПн–Пт: 10:00–19:00\nСб: 11:00–16:00\nВс: выходной\n.+\nВ праздники не работаем/);

    const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, locale: 'ru-RU', colorScheme: 'dark' });
    await phone.addCookies(await context.cookies());
    const mobile = await phone.newPage();
    await mobile.goto(`${lavka.app.url}/admin/content?tab=settings`);
    await mobile.getByRole('form', { name: 'Способы оплаты и реквизиты' }).waitFor();
    await shot(mobile, '18-phone-settings-dark');
    await mobile.locator('.settings-hours').screenshot({ path: path.join(ARTIFACTS, '18-phone-settings-hours-dark.png') });
    await mobile.locator('.settings-payments').screenshot({ path: path.join(ARTIFACTS, '18-phone-settings-payments-dark.png') });
    await phone.close();
  });

  test('the owner turns the Mini App off and shortens its launch data in the settings; its API answers 404 at once', async () => {
    const customer = lavka.sim.user({ id: 7911, first_name: 'Асель', language_code: 'ru' });
    const session = () => fetch(`${lavka.app.url}/api/miniapp/app/session`, { headers: { authorization: `tma ${signWebAppInitData(TEST_BOT_TOKEN, customer.profile, Math.floor(Date.now() / 1000))}` } });
    assert.equal((await session()).status, 200);
    await page.goto(`${lavka.app.url}/admin/content?tab=settings`);
    const form = page.getByRole('form', { name: 'Telegram Mini App' });
    const maxAge = form.getByLabel('Данные запуска действуют, минут');
    await maxAge.fill('0');
    assert.equal(await form.getByRole('button', { name: 'Сохранить' }).isDisabled(), true, 'outside 1 minute … 7 days');
    await maxAge.fill('30');
    await form.getByLabel('Предлагать Mini App').uncheck();
    await form.getByRole('button', { name: 'Сохранить' }).click();
    await page.getByText('Сохранено. Бот уже использует это.').waitFor();
    await page.locator('.settings-miniapp').getByText('Изменено в панели').waitFor();
    assert.deepEqual(lavka.app.services.miniapp?.settings(), { enabled: false, initDataMaxAgeSeconds: 1800 });
    const off = await session();
    assert.equal(off.status, 404);
    assert.equal(((await off.json()) as { error: { code: string } }).error.code, 'miniapp.disabled');

    await page.getByRole('form', { name: 'Telegram Mini App' }).getByLabel('Предлагать Mini App').check();
    await page.getByRole('form', { name: 'Telegram Mini App' }).getByRole('button', { name: 'Сохранить' }).click();
    await page.getByText('Сохранено. Бот уже использует это.').last().waitFor();
    assert.equal(lavka.app.services.miniapp?.settings().enabled, true);
    assert.equal((await session()).status, 200);
  });

  test('a product made in the catalogue editor — new category, texts in three languages, photo, variants — is sold in the bot', async () => {
    await page.goto(`${lavka.app.url}/admin/catalog`);
    await page.getByRole('heading', { name: 'Каталог', exact: true }).waitFor();
    await page.getByRole('button', { name: 'Новая категория' }).click();
    let dialog = page.getByRole('dialog');
    await dialog.getByLabel('Название (Русский)').fill('Термосы');
    await dialog.getByLabel('Название (Қазақша)').fill('Термостар');
    await dialog.getByLabel('Название (English)').fill('Flasks');
    await dialog.getByLabel('Внутри').selectOption({ label: 'Аксессуары' });
    await dialog.getByRole('button', { name: 'Сохранить' }).click();
    await page.locator('.tree-item', { hasText: 'Термосы' }).waitFor();

    await page.getByRole('button', { name: 'Новый товар' }).click();
    dialog = page.getByRole('dialog');
    await dialog.getByLabel('Название (Русский)').fill('Термос «Степной»');
    await dialog.getByLabel('Название (Қазақша)').fill('«Дала» термосы');
    await dialog.getByLabel('Название (English)').fill('Steppe flask');
    await dialog.getByLabel('Категория').selectOption({ label: '\u00a0\u00a0\u00a0Термосы' });
    await dialog.getByLabel('Цена, KZT').fill('8 990');
    await dialog.getByLabel('Остаток').fill('12');
    // A thermos is a physical good: the "digital" box (Stars may pay) stays unticked.
    assert.equal(await dialog.getByLabel(/Цифровой товар или услуга/).isChecked(), false);
    await shot(page, '19-catalog-new-product');
    await dialog.getByRole('button', { name: 'Создать' }).click();
    await page.getByRole('heading', { name: /Термос «Степной»/ }).waitFor();

    await page.getByLabel('Описание (Русский)').fill('Держит чай горячим 12 часов. Объём 0,75 л.');
    await page.getByRole('button', { name: 'Сохранить' }).click();
    await page.getByText('Сохранено').first().waitFor();
    await page.locator('input[type=file]').setInputFiles({ name: 'flask.png', mimeType: 'image/png', buffer: picture(480, 480, [46, 125, 110]) });
    await page.getByText('Фото сохранено.').waitFor();
    await page.locator('img.product-photo').waitFor();
    for (const [title, price, stock] of [
      ['0,5 л', '7990', '5'],
      ['0,75 л', '8990', '7'],
    ] as const) {
      await page.getByRole('button', { name: 'Добавить вариант' }).click();
      dialog = page.getByRole('dialog');
      await dialog.getByLabel('Вариант (Русский)').fill(title);
      await dialog.getByLabel('Цена, KZT').fill(price);
      await dialog.getByLabel('Остаток').fill(stock);
      await dialog.getByRole('button', { name: 'Сохранить' }).click();
      await page.getByRole('cell', { name: title, exact: true }).waitFor();
    }
    await page.waitForFunction(() => !document.querySelector('.toast'), undefined, { timeout: 6000 });
    await shot(page, '19-catalog-product-editor');
    const created = (await lavka.app.services.catalog?.search('Steppe flask', 1, 'en'))?.products[0];
    assert.equal(created?.variants.length, 2);
    assert.equal(created?.priceMinor, 799_000);
    assert.equal((await lavka.app.services.catalog?.photo(created.id))?.fileId, null, 'uploaded, not yet sent to Telegram');

    // A Russian-speaking customer browses to it and opens its card, with the photo.
    const shopper = lavka.sim.user({ id: 7950, first_name: 'Мария', language_code: 'ru' });
    await shopper.send('/catalog');
    await shopper.waitForMessage((message) => buttonsOf(message).some((button) => button.text.includes('Аксессуары')), { timeoutMs: 5000 });
    await press(shopper, (button) => button.text.includes('Аксессуары'));
    await shopper.waitForMessage((message) => buttonsOf(message).some((button) => button.text.includes('Термосы')), { timeoutMs: 5000 });
    await press(shopper, (button) => button.text.includes('Термосы'));
    await shopper.waitForMessage((message) => buttonsOf(message).some((button) => button.text.includes('Термос «Степной»')), { timeoutMs: 5000 });
    await press(shopper, (button) => button.text.includes('Термос «Степной»'));
    const card = await shopper.waitForMessage((message) => Boolean(message.photo) && textOf(message).includes('Термос «Степной»'), { timeoutMs: 5000 });
    assert.match(textOf(card), /Держит чай горячим/);
    assert.ok(buttonsOf(card).some((button) => button.text.includes('0,75 л')), 'the variants are offered');
    // The same product in Kazakh, found by search.
    const kazakh = lavka.sim.user({ id: 7951, first_name: 'Дана', language_code: 'kk' });
    await kazakh.send('/search термосы');
    const found = await kazakh.waitForMessage((message) => buttonsOf(message).some((button) => button.text.includes('«Дала» термосы')), { timeoutMs: 5000 });
    assert.ok(found);

    // Hidden in the panel: customers no longer find it.
    await page.getByRole('button', { name: 'Скрыть' }).click();
    await page.getByText('Скрыт: покупатели его больше не видят.').waitFor();
    assert.equal((await lavka.app.services.catalog?.search('Steppe flask', 1, 'en'))?.window.total, 0);
    await page.getByRole('button', { name: 'Вернуть в продажу' }).click();
    await page.getByText('Снова в продаже.').waitFor();

    // A spreadsheet with mistakes is refused with each row explained, and changes nothing.
    await page.goto(`${lavka.app.url}/admin/catalog`);
    await page.getByRole('button', { name: 'Загрузить CSV' }).click();
    const csv = [
      'type,product_id,variant_id,category_id,title_ru,title_kk,title_en,description_ru,description_kk,description_en,price,stock,hidden',
      `product,${created.id},,,Термос «Степной»,,,,,,9 990,12,0`,
      'product,,,,Кружка складная,,,,,,двести,3,0',
      'variant,999999,,,XL,,,,,,100,1,',
    ].join('\n');
    await page.getByRole('dialog').getByLabel('CSV-файл').setInputFiles({ name: 'catalog.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await page.getByText('Строка 3: цена «двести» — не сумма.').waitFor();
    await page.getByText('Строка 4: товара 999999 нет.').waitFor();
    assert.equal(await page.getByRole('dialog').getByRole('button', { name: 'Загрузить' }).isDisabled(), true);
    await shot(page, '19-catalog-import-errors');
    await page.getByRole('dialog').getByRole('button', { name: 'Отмена' }).click();
    assert.equal((await lavka.app.services.catalog?.product(created.id, 'ru'))?.priceMinor, 799_000, 'nothing was imported');
    await page.locator('.product-cell', { hasText: 'Термос «Степной»' }).first().waitFor();
    await shot(page, '10-catalog');
  });

  test('the catalogue, staff, audit log and system pages load', async () => {
    for (const [url, heading, name] of [
      ['/admin/staff', 'Сотрудники', '11-staff'],
      ['/admin/audit', 'Журнал действий', '12-audit'],
      ['/admin/system', 'Система', '13-system'],
      ['/admin/broadcasts/new', 'Новая рассылка', '14-broadcast-composer'],
    ] as const) {
      await page.goto(`${lavka.app.url}${url}`);
      await page.getByRole('heading', { name: heading, exact: true }).waitFor();
      await page.locator('.skeleton').first().waitFor({ state: 'detached' }).catch(() => undefined);
      if (name === '14-broadcast-composer') await page.getByRole('textbox', { name: /^Текст Осталось/ }).fill('Весенняя распродажа: −20% на всё до воскресенья!');
      await shot(page, name);
    }
    await page.goto(`${lavka.app.url}/admin/audit`);
    await page.getByText('orders.POST /api/orders/:id/status').first().waitFor();
  });

  test('on a phone the menu folds into a drawer, and the dark theme works', async () => {
    const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, locale: 'ru-RU', colorScheme: 'dark' });
    await phone.addCookies(await context.cookies());
    const mobile = await phone.newPage();
    await mobile.goto(`${lavka.app.url}/admin/dashboard`);
    await mobile.getByText('Новые пользователи', { exact: true }).waitFor();
    assert.equal(await mobile.locator('#sidebar').isVisible(), true, 'the sidebar exists');
    const box = await mobile.locator('#sidebar').boundingBox();
    assert.ok(box && box.x + box.width <= 1, 'the drawer starts off screen');
    await shot(mobile, '15-phone-dashboard-dark');
    await mobile.screenshot({ path: path.join(ARTIFACTS, '15-phone-dashboard-dark-screen.png') });
    await mobile.getByRole('button', { name: 'Меню' }).click();
    await mobile.waitForTimeout(300);
    await mobile.screenshot({ path: path.join(ARTIFACTS, '16-phone-menu-dark.png') });
    await mobile.getByRole('link', { name: 'Заказы', exact: true }).click();
    await mobile.getByRole('heading', { name: 'Заказы', exact: true }).waitFor();
    await shot(mobile, '17-phone-orders-dark');
    await mobile.goto(`${lavka.app.url}/admin/catalog`);
    await mobile.locator('.product-cell').first().waitFor();
    await shot(mobile, '17-phone-catalog-dark');
    const flask = (await lavka.app.services.catalog?.search('Steppe flask', 1, 'en'))?.products[0];
    assert.ok(flask);
    await mobile.goto(`${lavka.app.url}/admin/catalog/${flask.id}`);
    await mobile.locator('img.product-photo').waitFor();
    await shot(mobile, '17-phone-product-dark');
    const desktop = await browser.newContext({ viewport: { width: 1360, height: 900 }, locale: 'ru-RU', colorScheme: 'dark' });
    await desktop.addCookies(await context.cookies());
    const wide = await desktop.newPage();
    await wide.goto(`${lavka.app.url}/admin/catalog/${flask.id}`);
    await wide.locator('img.product-photo').waitFor();
    await shot(wide, '17-desktop-product-dark');
    await wide.goto(`${lavka.app.url}/admin/orders?q=${encodeURIComponent('Айгерим')}&sort=total-desc`);
    await wide.locator('table tbody tr').first().waitFor();
    await shot(wide, '17-desktop-orders-search-dark');
    await desktop.close();
    await phone.close();
  });

  test('a staff member with a narrower role sees only their pages', async () => {
    await lavka.app.services.admin?.createStaff({ telegramId: 4100, displayName: 'Дана', role: 'support' });
    const support = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'ru-RU' });
    const supportPage = await support.newPage();
    await supportPage.goto(await loginLink(lavka, 4100, 'Дана'));
    await supportPage.getByRole('heading', { name: 'Клиенты', exact: true }).waitFor();
    const nav = await supportPage.locator('nav .nav-link').allInnerTexts();
    assert.deepEqual(nav, ['Клиенты', 'Обращения']);
    assert.equal(await supportPage.getByRole('button', { name: 'Написать' }).count(), 0);
    await supportPage.goto(`${lavka.app.url}/admin/system`);
    await supportPage.getByText('Эта страница недоступна для вашей роли').waitFor();
    await shot(supportPage, '18-support-role');
    await support.close();
  });

  test('the support role answers a customer who wrote to the shop, and the answer reaches them in the bot', async () => {
    const writer = lavka.sim.user({ id: 7960, first_name: 'Ерлан', last_name: 'Жумабаев', language_code: 'ru' });
    await writer.send('/support');
    await writer.waitForMessage((message) => buttonsOf(message).some((button) => button.text.includes('Написать нам здесь')), { timeoutMs: 5000 });
    await press(writer, (button) => button.text.includes('Написать нам здесь'));
    await writer.waitForMessage((message) => textOf(message).startsWith('Напишите сообщение'), { timeoutMs: 5000 });
    await writer.send('Здравствуйте! Можно забрать заказ завтра после 19:00?');
    await writer.waitForMessage((message) => textOf(message).startsWith('✅ Отправлено'), { timeoutMs: 5000 });

    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'ru-RU' });
    const inbox = await context.newPage();
    await inbox.goto(await loginLink(lavka, 4100, 'Дана'));
    await inbox.getByRole('link', { name: 'Обращения' }).click();
    await inbox.getByRole('link', { name: 'Ерлан Жумабаев' }).waitFor();
    await shot(inbox, '24-support-inbox');
    await inbox.getByRole('link', { name: 'Ерлан Жумабаев' }).click();
    await inbox.getByText('Можно забрать заказ завтра после 19:00?').waitFor();
    await inbox.getByLabel('Ваш ответ').fill('Да, пункт выдачи работает до 21:00. Ждём вас!');
    await inbox.getByRole('button', { name: 'Отправить' }).click();
    await inbox.getByText('Ответ отправлен клиенту.').waitFor();
    await inbox.locator('.bubble-staff', { hasText: 'Ждём вас!' }).waitFor();
    const answer = await writer.waitForMessage((message) => textOf(message).startsWith('💬 Ответ нашей команды'), { timeoutMs: 10_000 });
    assert.equal(textOf(answer), '💬 Ответ нашей команды:\n\nДа, пункт выдачи работает до 21:00. Ждём вас!');
    assert.ok(buttonsOf(answer).some((button) => button.text === '✍️ Ответить'));
    await shot(inbox, '25-support-conversation');
    await inbox.getByRole('button', { name: 'Закрыть' }).click();
    await inbox.getByRole('dialog').getByRole('button', { name: 'Закрыть' }).click();
    await inbox.getByText('Переписка закрыта.').waitFor();
    await writer.waitForMessage((message) => textOf(message).startsWith('Мы закрыли ваш вопрос'), { timeoutMs: 10_000 });
    const audit = await lavka.app.services.audit?.list({ limit: 5 });
    assert.ok(audit?.some((entry) => entry.action === 'support.POST /api/support/:userId/reply' && entry.subject_id === '7960'));
    await context.close();
  });

  test('logging out ends the session', async () => {
    await page.goto(`${lavka.app.url}/admin/dashboard`);
    await page.getByRole('button', { name: 'Выйти' }).click();
    await page.getByRole('heading', { name: 'Вход' }).waitFor();
    const status = await page.evaluate(async () => (await fetch('/api/admin/auth/me')).status);
    assert.equal(status, 401);
  });
});

describe('the admin panel in a browser (wallet and payments)', { skip: skipReason }, () => {
  let lavka: TestLavka;
  let browser: Browser;
  let page: Page;
  const CUSTOMER = 8101;

  before(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    lavka = await startTestLavka({ preset: 'billing', adminIds: [OWNER] });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    const context = await browser.newContext({ viewport: { width: 1360, height: 900 }, locale: 'ru-RU' });
    page = await context.newPage();
    page.on('pageerror', (error) => {
      throw error;
    });
  });

  after(async () => {
    await browser?.close();
    await lavka?.stop();
  });

  test('approving a manual top-up in the panel credits the wallet, and the balance shows it', async () => {
    const { users, payments, wallet } = lavka.app.services;
    assert.ok(users && payments && wallet);
    lavka.sim.user({ id: CUSTOMER, first_name: 'Мария', language_code: 'ru', hasStartedBot: true });
    await users.register({ id: CUSTOMER, first_name: 'Мария', language_code: 'ru' });
    // The customer chose the 100-token pack and a bank transfer in the bot.
    const { payment } = await payments.start({ userId: CUSTOMER, purpose: 'topup', ref: 'p100', method: 'manual.card_ru', locale: 'ru' });
    assert.equal(payment.status, 'pending');
    assert.equal(await wallet.balance(CUSTOMER), 0);
    // …transferred the money and sent the bank's receipt as a photo.
    const customer = lavka.sim.user({ id: CUSTOMER, first_name: 'Мария', language_code: 'ru' });
    const receipt = receiptPicture();
    await customer.sendPhoto(receipt, 'Чек');
    const photo = lavka.sim.chat(CUSTOMER).messages.findLast((message) => !message.from_bot && message.photo)?.photo?.at(-1);
    assert.ok(photo, 'the simulator stored the receipt photo');
    await payments.attachReceipt(payment.id, CUSTOMER, photo.file_id);

    await page.goto(await loginLink(lavka, OWNER));
    await page.getByRole('heading', { name: 'Сводка' }).waitFor();
    await page.getByText('ручное пополнение ждёт решения').waitFor();
    await shot(page, '20-billing-dashboard-alert');
    await page.getByRole('link', { name: 'Кошелёк и платежи' }).click();
    // The approval card names who pays (with their Telegram id) and shows the receipt itself,
    // fetched from Telegram for the panel.
    const card = page.locator('.decision-card', { hasText: String(CUSTOMER) });
    await card.getByRole('link', { name: `Мария ${CUSTOMER}` }).waitFor();
    const image = card.getByRole('img', { name: `Чек платежа №${payment.id}` });
    await image.waitFor();
    await page.waitForFunction((id) => {
      const element = document.querySelector<HTMLImageElement>(`img[alt="Чек платежа №${id}"]`);
      return Boolean(element?.complete && element.naturalWidth === 240);
    }, payment.id);
    await shot(page, '21-payments-pending');
    await card.getByRole('button', { name: 'Подтвердить' }).click();
    await page.getByText(`Платёж №${payment.id} подтверждён`).waitFor();
    assert.equal((await payments.get(payment.id))?.status, 'paid');
    assert.equal(await wallet.balance(CUSTOMER), 100);
    await page.locator('.decision-card').first().waitFor({ state: 'detached' });

    // The payments list filters by customer and status.
    await page.getByLabel('Статус').selectOption('paid');
    await page.getByLabel('Telegram id клиента').fill(String(CUSTOMER));
    await page.getByRole('cell', { name: `№${payment.id}` }).waitFor();
    assert.equal(await page.locator('table tbody tr').count(), 1);

    // The ledger lists the credit, filtered by customer and kind.
    await page.getByRole('button', { name: 'Журнал операций' }).click();
    await page.getByLabel('Telegram id клиента').fill(String(CUSTOMER));
    await page.getByLabel('Операция').selectOption('topup');
    await page.locator('table tbody tr', { hasText: '+100' }).waitFor();
    await shot(page, '22-wallet-ledger');
    await page.getByLabel('Операция').selectOption('spend');
    await page.getByText('Ничего не найдено').waitFor();

    await page.getByRole('button', { name: 'Кошелёк', exact: true }).click();
    await page.getByLabel('Telegram id').fill(String(CUSTOMER));
    await page.getByRole('button', { name: 'Показать' }).click();
    await page.locator('.big-number', { hasText: '100' }).waitFor();
    await shot(page, '22-wallet-balance');
    const audit = await lavka.app.services.audit?.list({ limit: 10 });
    assert.ok(audit?.some((entry) => entry.action === 'payments.POST /api/payments/:id/approve' && entry.actor_type === 'admin'));
  });
});

describe('the admin panel in a browser (clinic)', { skip: skipReason }, () => {
  let lavka: TestLavka;
  let browser: Browser;
  let page: Page;
  const PATIENTS: [number, string][] = [
    [8601, 'Сейітова Айгерим Болатқызы'],
    [8602, 'Ахметов Данияр Серикович'],
    [8603, 'Смирнова Анна Викторовна'],
    [8604, 'Жумабаев Ерлан Маратович'],
  ];
  const booked: number[] = [];
  let visitDate = '';

  before(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    lavka = await startTestLavka({ preset: 'clinic', adminIds: [OWNER] });
    const { users, patients, booking } = lavka.app.services;
    assert.ok(users && patients && booking);
    for (const [id, name] of PATIENTS) {
      lavka.sim.user({ id, first_name: name.split(' ')[1] as string, language_code: 'ru', hasStartedBot: true });
      await users.register({ id, first_name: name.split(' ')[1] as string, language_code: 'ru' });
      await patients.register(id, { fullName: name, phone: `+7701${String(id).padStart(7, '0')}`, ...testIdentity(id) });
    }
    // Visits over the next days at the first branch, spread over its doctors.
    const branch = (await booking.listBranches())[0];
    const service = (await booking.listServices())[0];
    assert.ok(branch && service);
    const window = booking.bookingWindow();
    const slots = await booking.freeSlots({ branchId: branch.id, serviceId: service.id, fromDate: window.firstDate, toDate: window.lastDate });
    visitDate = slots[0]?.date as string;
    const sameDay = slots.filter((slot) => slot.date === visitDate);
    for (const [index, [patientId]] of PATIENTS.entries()) {
      const slot = sameDay[index * 3] ?? slots[index * 7];
      assert.ok(slot, 'the demo schedule has free slots');
      const appointment = await booking.book({ patientId, branchId: branch.id, serviceId: service.id, doctorId: slot.doctorIds[index % slot.doctorIds.length], startMs: slot.startMs, locale: 'ru' });
      booked.push(appointment.id);
    }
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    page = await (await browser.newContext({ viewport: { width: 1360, height: 900 }, locale: 'ru-RU' })).newPage();
    page.on('pageerror', (error) => {
      throw error;
    });
    await page.goto(await loginLink(lavka, OWNER));
    await page.getByRole('heading', { level: 1 }).first().waitFor();
  });

  after(async () => {
    await browser?.close();
    await lavka?.stop();
  });

  test('the calendar shows a day and a week of a branch with who comes for what, and a visit is marked from it', async () => {
    await page.getByRole('link', { name: 'Записи' }).click();
    await page.getByRole('heading', { name: 'Записи', exact: true }).waitFor();
    await page.getByLabel('Дата', { exact: true }).fill(visitDate);
    const first = PATIENTS[0]?.[1] as string;
    await page.getByRole('button', { name: new RegExp(first) }).waitFor();
    await shot(page, '40-bookings-day');
    await page.getByRole('button', { name: 'Неделя' }).click();
    await page.locator('.week-appointment', { hasText: first }).waitFor();
    await shot(page, '41-bookings-week');
    await page.locator('.week-appointment', { hasText: first }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByText('Приём терапевта').waitFor();
    await shot(page, '42-bookings-visit');
    await dialog.getByRole('button', { name: 'Не пришёл' }).click();
    await page.getByText('Отмечено: пациент не пришёл.').waitFor();
    assert.equal((await lavka.app.services.booking?.get(booked[0] as number))?.status, 'no_show');
    await page.locator('.week-appointment.appointment-no_show', { hasText: first }).waitFor();
    const audit = await lavka.app.services.audit?.list({ limit: 5 });
    assert.ok(audit?.some((entry) => entry.action === 'booking.POST /api/booking/appointments/:id/:action' && entry.subject_id === String(booked[0])));
  });

  test('the directory edits a doctor’s weekly hours and adds a day off, which the calendar then shows', async () => {
    await page.getByRole('button', { name: 'Справочник клиники' }).click();
    await page.getByRole('heading', { name: 'Врачи' }).waitFor();
    await shot(page, '43-bookings-directory');
    const { booking } = lavka.app.services;
    const doctor = (await booking?.listDoctors())?.[0];
    assert.ok(doctor);
    const row = page.locator('tr', { has: page.getByRole('button', { name: 'Расписание' }) }).first();
    await row.getByRole('button', { name: 'Расписание' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByText('Часы', { exact: true }).first().waitFor();
    // Saturday mornings, with a break.
    const saturday = dialog.locator('.schedule-row').nth(5);
    await saturday.getByRole('checkbox').check();
    await saturday.getByLabel(/с$/).fill('10:00');
    await saturday.getByLabel(/до$/).fill('14:00');
    await saturday.getByLabel(/Перерыв$/).fill('12:00');
    await saturday.getByLabel(/конец перерыва$/).fill('12:30');
    await dialog.getByLabel('Дата', { exact: true }).fill(visitDate);
    await dialog.getByLabel('Заметка').fill('Конференция');
    await dialog.getByRole('button', { name: 'Добавить' }).click();
    await dialog.getByText(/Конференция/).waitFor();
    await shot(page, '44-bookings-schedule');
    await dialog.getByRole('button', { name: 'Сохранить часы работы' }).click();
    await page.getByText('Расписание сохранено').waitFor();
    const schedule = await booking?.scheduleOf(doctor.id);
    assert.deepEqual(schedule?.find((rule) => rule.weekday === 6), { weekday: 6, start: '10:00', end: '14:00', breaks: [{ start: '12:00', end: '12:30' }] });
    const exceptions = await booking?.exceptionsOf(doctor.id, visitDate, visitDate);
    assert.deepEqual(exceptions?.map((item) => [item.kind, item.note]), [['closed', 'Конференция']]);
    await page.goto(`${lavka.app.url}/admin/bookings?date=${visitDate}`);
    const column = page.locator('.day-column', { hasText: JSON.parse(doctor.name).ru as string });
    await column.getByText('Выходной').waitFor();
  });

  test('a patient’s ticket is answered from the inbox and the answer reaches the patient in the bot', async () => {
    const [patientId, name] = PATIENTS[1] as [number, string];
    const ticket = await lavka.app.services.tickets?.open(patientId, 'Нужно ли приходить натощак на УЗИ?');
    assert.ok(ticket);
    await page.getByRole('link', { name: 'Обращения' }).click();
    await page.getByRole('link', { name: /Нужно ли приходить натощак/ }).click();
    await page.getByText(name.split(' ')[0] as string).first().waitFor();
    await page.getByLabel('Ваш ответ').fill('Да, за 6 часов до УЗИ не ешьте. Воду пить можно.');
    await page.getByRole('button', { name: 'Отправить' }).click();
    await page.getByText('Ответ отправлен клиенту.').waitFor();
    await shot(page, '45-support-ticket');
    const patient = lavka.sim.user({ id: patientId, first_name: 'Данияр', language_code: 'ru' });
    const answer = await patient.waitForMessage((message) => textOf(message).includes('Да, за 6 часов до УЗИ'), { timeoutMs: 10_000 });
    assert.match(textOf(answer), new RegExp(`№${ticket.id}`));
    const thread = await lavka.app.services.tickets?.thread(ticket.id);
    assert.equal(thread?.at(-1)?.author_id, 'Aigerim', 'the answer records who wrote it');
  });

  test('the new pages work on a phone in the dark theme', async () => {
    const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, locale: 'ru-RU', colorScheme: 'dark' });
    await phone.addCookies(await page.context().cookies());
    const mobile = await phone.newPage();
    mobile.on('pageerror', (error) => {
      throw error;
    });
    await mobile.goto(`${lavka.app.url}/admin/bookings?date=${visitDate}`);
    await mobile.locator('.appointment').first().waitFor();
    await shot(mobile, '46-phone-bookings-dark');
    await mobile.goto(`${lavka.app.url}/admin/bookings?tab=directory`);
    await mobile.getByRole('heading', { name: 'Врачи' }).waitFor();
    await shot(mobile, '47-phone-directory-dark');
    await mobile.goto(`${lavka.app.url}/admin/support?status=all`);
    await mobile.locator('table tbody tr').first().waitFor();
    await shot(mobile, '48-phone-support-dark');
    await phone.close();
    const desktop = await browser.newContext({ viewport: { width: 1360, height: 900 }, locale: 'ru-RU', colorScheme: 'dark' });
    await desktop.addCookies(await page.context().cookies());
    const wide = await desktop.newPage();
    await wide.goto(`${lavka.app.url}/admin/bookings?view=week&date=${visitDate}`);
    await wide.locator('.week-appointment').first().waitFor();
    await shot(wide, '49-bookings-week-dark');
    await desktop.close();
  });
});

describe('the admin panel in a browser (3D printing)', { skip: skipReason }, () => {
  test('the custom orders page appears when the module is enabled, beside the orders of every kind, and the catalogue does not', async () => {
    const lavka = await startTestLavka({ preset: 'print3d', adminIds: [OWNER] });
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    try {
      const page = await (await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'ru-RU' })).newPage();
      await page.goto(await loginLink(lavka, OWNER));
      await page.getByRole('link', { name: 'Заказы на печать' }).click();
      await page.getByRole('heading', { name: 'Заказы на печать', exact: true }).waitFor();
      await page.locator('.skeleton').first().waitFor({ state: 'detached' }).catch(() => undefined);
      const nav = await page.locator('nav .nav-link').allInnerTexts();
      // Print jobs are orders of the orders module, so its list is there; the shop's catalogue is not.
      assert.ok(!nav.includes('Каталог') && nav.includes('Заказы'), `no catalogue, one list of orders: ${nav.join(', ')}`);
      await shot(page, '30-print3d-custom-orders');

      // A print job is an order: the orders list shows it with its kind and opens it on the custom orders page,
      // with its number, payments and status history.
      const service = lavka.app.services['custom-orders'];
      assert.ok(service && lavka.app.services.users);
      await lavka.app.services.users.register({ id: 4242, first_name: 'Дана', language_code: 'ru' });
      const file = await service.acceptFile({ userId: 4242, fileName: 'cube.stl', telegramFileId: 'browser-cube', bytes: binaryStl(box([20, 20, 20])) });
      const placed = await service.placeOrder({ userId: 4242, contactName: 'Дана', fileIds: [file.id], technology: 'fdm', material: 'pla', colour: 'white', infillPercent: 20, quantity: 1, comment: null, deadline: null, manualQuote: false, previewFileId: null });
      await page.goto(`${lavka.app.url}/admin/orders?kind=print3d`);
      // The export follows the list's filter, print jobs included.
      const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'CSV' }).click()]);
      const exported = readFileSync((await download.path()) as string, 'utf8');
      assert.match(exported, new RegExp(`${placed.number}.*Дана`));
      await page.getByRole('link', { name: placed.number }).click();
      await page.waitForURL(new RegExp(`/admin/custom-orders/${placed.id}$`));
      await page.getByRole('heading', { name: new RegExp(placed.number) }).waitFor();
      await page.getByRole('heading', { name: 'Платежи', exact: true }).waitFor();
      await page.getByRole('heading', { name: 'История статусов', exact: true }).waitFor();
      assert.equal(await page.locator('.timeline li').count(), 3, 'new → quoted → awaiting payment, from the orders module');
      assert.equal(await page.getByRole('button', { name: 'Ждёт оплаты' }).count(), 0);
    } finally {
      await browser.close();
      await lavka.stop();
    }
  });
});
