// The sandbox chat page in Firefox: Lavka starts in sandbox mode in-process (no token), Debian's
// firefox-esr opens /sandbox over WebDriver BiDi (test/support/firefox.ts), and the test walks a
// short journey with a real mouse and keyboard: START, a menu button that edits the menu in
// place, the language switch, a command picked from the "/" suggestions, then the page on a
// phone-sized screen and in the dark theme. The longer journey runs in Chromium
// (sandbox.test.ts). Screenshots land in test-artifacts/sandbox-firefox-*.png.

import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startLavka, type LavkaApp } from '../../src/app.ts';
import { parseEnv } from '../../src/config/env.ts';
import { SANDBOX_CUSTOMER_ID } from '../../src/http/sandbox.routes.ts';
import { silentLogger } from '../../src/observability/logger.ts';
import { FIREFOX, launchFirefox, type Firefox, type FirefoxPage } from '../support/firefox.ts';
import { ensureSandboxPage } from '../support/sandbox-page.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const ARTIFACTS = path.join(ROOT, 'test-artifacts');
const IN_CI = Boolean(process.env.CI);
const PHONE = { width: 390, height: 844 };

/** Builds the page when it is missing; returns why the test cannot run, or undefined. */
function prepare(): string | undefined {
  if (!existsSync(FIREFOX)) {
    const reason = `Firefox is not installed at ${FIREFOX} (.ci/run installs it with apt-get install firefox-esr; LAVKA_FIREFOX points elsewhere)`;
    if (IN_CI) throw new Error(reason);
    return reason;
  }
  const buildFailure = ensureSandboxPage();
  if (buildFailure && IN_CI) throw new Error(buildFailure);
  return buildFailure;
}

// Predicates for waitFor: JavaScript source, so a timeout message shows exactly what was awaited.
const source = JSON.stringify;
const chatHas = (text: string) => `document.querySelector('[role="log"][aria-label="Messages"]')?.innerText.includes(${source(text)})`;
const buttonShown = (label: RegExp) =>
  `[...document.querySelectorAll('button')].some((button) => button.checkVisibility() && ${String(label)}.test(button.innerText.trim()))`;
const shown = (selector: string) => `document.querySelector(${source(selector)})?.checkVisibility() === true`;

/** Runs in the page: the relative luminance (0 black … 1 white) of an element's background colour. */
function backgroundLuminance(selector: string): number | null {
  const element = document.querySelector(selector);
  if (!element) return null;
  const channels = /rgba?\(([\d.]+),\s*([\d.]+),\s*([\d.]+)/.exec(getComputedStyle(element).backgroundColor);
  if (!channels) return null;
  const [r, g, b] = channels.slice(1, 4).map((channel) => {
    const value = Number(channel) / 255;
    return value <= 0.03928 ? value / 12.92 : ((value + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * (r ?? 0) + 0.7152 * (g ?? 0) + 0.0722 * (b ?? 0);
}

const skip = prepare();

describe('the sandbox chat page in Firefox', { skip }, () => {
  let app: LavkaApp;
  let firefox: Firefox | undefined;
  let page: FirefoxPage;
  let dataDir: string;
  const messageRows = () => page.evaluate(() => document.querySelectorAll('.message-row').length);
  const lastRowText = (selector = '.message-row') => page.evaluate((rows) => [...document.querySelectorAll<HTMLElement>(rows)].at(-1)?.innerText.trim() ?? '', selector);

  before(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'lavka-sandbox-firefox-'));
    mkdirSync(ARTIFACTS, { recursive: true });
    const env = parseEnv({ PORT: '0', HOST: '127.0.0.1', DATABASE_URL: `sqlite:${path.join(dataDir, 'lavka.db')}`, LOG_LEVEL: 'silent' });
    app = await startLavka({ env, logger: silentLogger(), sandbox: { rateLimits: false } });
    // The page follows the system theme until the moon button is pressed: start from a known light one.
    firefox = await launchFirefox({ viewport: { width: 1280, height: 800 }, prefs: { 'layout.css.prefers-color-scheme.content-override': 1 } });
    page = firefox.page;
  });

  after(async () => {
    await firefox?.close();
    await app?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  test('the root URL redirects to the sandbox, which shows the preset', async () => {
    assert.equal(app.mode, 'sandbox');
    await page.goto(`${app.url}/`);
    await page.waitFor(shown('[data-testid="preset-name"]'));
    const seen = await page.evaluate(() => ({
      path: location.pathname,
      preset: document.querySelector('[data-testid="preset-name"]')?.textContent,
      users: document.querySelector<HTMLElement>('nav[aria-label="Chat as"]')?.innerText ?? '',
    }));
    assert.equal(seen.path, '/sandbox');
    assert.equal(seen.preset, 'shop');
    assert.match(seen.users, /Анна Смирнова/);
  });

  test('START sends /start and the Russian welcome and the main menu appear', async () => {
    await page.click({ text: 'START' });
    await page.waitFor(chatHas('Здравствуйте, Анна! Добро пожаловать в Lavka Shop.'));
    await page.waitFor(chatHas('Lavka Shop — главное меню. Что вы хотите сделать?'));
    await page.waitFor(buttonShown(/Вопросы и ответы/));
    await page.waitFor(buttonShown(/Язык/));
    assert.equal((await lastRowText('.message-row.is-outgoing')).split('\n')[0], '/start');
  });

  test('a menu button edits the menu into the FAQ in place', async () => {
    const rowsBefore = await messageRows();
    await page.click({ text: /Вопросы и ответы/ });
    await page.waitFor(chatHas('Частые вопросы. Выберите вопрос:'));
    await page.waitFor(buttonShown(/^Как оформить заказ\?$/));
    assert.equal(await messageRows(), rowsBefore, 'the menu message was edited, not a new one sent');
    assert.match(await lastRowText(), /Частые вопросы[\s\S]*edited/);
    await page.click({ text: /Главное меню/ });
    await page.waitFor(buttonShown(/Язык/));
  });

  test('the Language button switches the bot to English and a toast confirms it', async () => {
    await page.click({ text: /Язык/ });
    await page.waitFor(chatHas('Выберите язык:'));
    await page.click({ text: /English/ });
    await page.waitFor(`[...document.querySelectorAll('.toast')].some((toast) => toast.textContent.includes('Language set to English.'))`);
    await page.waitFor(chatHas('Lavka Shop — main menu. What would you like to do?'));
    await page.waitFor(buttonShown(/FAQ/));
    await page.waitFor(buttonShown(/Language/));
  });

  test('typing "/he" suggests /help, and Enter sends it', async () => {
    await page.click('textarea[aria-label="Message"]');
    await page.type('/he');
    const suggestions = `document.querySelector('[role="listbox"][aria-label="Bot commands"]')`;
    // The bot published the English list after the language change; the popup follows it.
    await page.waitFor(`${suggestions}?.innerText.includes('What this bot can do')`);
    assert.match(await page.evaluate(() => document.querySelector<HTMLElement>('[role="listbox"]')?.innerText ?? ''), /\/help\s+What this bot can do/);
    await page.press('Enter');
    await page.waitFor(chatHas('Here is what I can do:'));
    assert.equal((await lastRowText('.message-row.is-outgoing')).split('\n')[0], '/help');
    assert.equal(await page.evaluate(() => document.querySelector('textarea')?.value), '');
    await page.screenshot(path.join(ARTIFACTS, 'sandbox-firefox-chat.png'));
  });

  test('on a phone-sized screen the chat and the composer fit without sideways scrolling', async () => {
    await page.setViewport(PHONE.width, PHONE.height);
    await page.waitFor(`innerWidth === ${PHONE.width} && innerHeight === ${PHONE.height}`);
    const layout = await page.evaluate(() => {
      const box = (element: HTMLElement | null | undefined) => {
        if (!element?.checkVisibility()) return null;
        const rect = element.getBoundingClientRect();
        return { left: rect.left, right: rect.right, top: rect.top, bottom: rect.bottom };
      };
      return {
        width: innerWidth,
        height: innerHeight,
        scrollWidth: document.scrollingElement?.scrollWidth ?? Infinity,
        sidebar: box(document.querySelector<HTMLElement>('.sidebar')),
        chat: box(document.querySelector<HTMLElement>('.chat')),
        composer: box(document.querySelector<HTMLElement>('.composer')),
        field: box(document.querySelector<HTMLElement>('textarea[aria-label="Message"]')),
        lastMessage: box([...document.querySelectorAll<HTMLElement>('.message-row')].at(-1)),
      };
    });
    assert.ok(layout.scrollWidth <= layout.width, `nothing overflows sideways (scrollWidth ${layout.scrollWidth}, width ${layout.width})`);
    assert.equal(layout.sidebar, null, 'the user list hides behind the back button');
    assert.ok(layout.chat && layout.chat.left === 0 && layout.chat.right === layout.width, `the chat fills the screen's width: ${JSON.stringify(layout.chat)}`);
    for (const [name, box] of [['composer', layout.composer], ['message field', layout.field], ['last message', layout.lastMessage]] as const) {
      assert.ok(box, `the ${name} is shown`);
      assert.ok(box.left >= 0 && box.right <= layout.width && box.top >= 0 && box.bottom <= layout.height, `the ${name} is on screen: ${JSON.stringify(box)}`);
    }
    await page.screenshot(path.join(ARTIFACTS, 'sandbox-firefox-phone.png'));
  });

  test('the moon button turns the page dark', async () => {
    assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), 'light');
    const light = await page.evaluate(backgroundLuminance, '.chat');
    assert.ok(light !== null && light > 0.4, `the light wallpaper is light (luminance ${light})`);

    await page.click('button[aria-label="Back to users"]');
    await page.waitFor(shown('.sidebar'));
    await page.click('button[aria-label="Switch to dark theme"]');
    await page.waitFor(`document.documentElement.dataset.theme === 'dark'`);
    const sidebar = await page.evaluate(backgroundLuminance, '.sidebar');
    assert.ok(sidebar !== null && sidebar < 0.05, `the user list is dark (luminance ${sidebar})`);

    await page.click(`.user-row[data-user-id="${SANDBOX_CUSTOMER_ID}"]`);
    await page.waitFor(shown('.chat'));
    const dark = await page.evaluate(backgroundLuminance, '.chat');
    assert.ok(dark !== null && dark < 0.05, `the wallpaper is dark (luminance ${dark})`);
    assert.equal(await page.evaluate(() => document.querySelector<HTMLElement>('button[aria-label="Switch to light theme"]') !== null), true);
    await page.screenshot(path.join(ARTIFACTS, 'sandbox-firefox-phone-dark.png'));
    await page.setViewport(1280, 800);
    await page.waitFor(shown('.sidebar'));
    await page.screenshot(path.join(ARTIFACTS, 'sandbox-firefox-dark.png'));
  });

  test('the page threw no JavaScript errors', () => {
    assert.deepEqual(page.errors, []);
  });
});
