// A small WebDriver BiDi client for browser tests in Firefox. playwright-core drives only its
// own patched Firefox (not available offline), and its BiDi mode for stock Firefox needs
// commands Debian's firefox-esr does not implement. The W3C protocol itself is enough for a
// test that navigates, clicks with a real pointer, types with real keys and takes screenshots.

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';

/** Where Debian's package puts Firefox; LAVKA_FIREFOX points elsewhere. */
export const FIREFOX = process.env.LAVKA_FIREFOX ?? '/usr/bin/firefox-esr';

type PrefValue = string | number | boolean;

/**
 * Firefox phones home on start (remote settings, telemetry, updates, captive portal checks,
 * safe browsing lists, studies). Tests run offline, so each of those would only wait for a
 * timeout, log noise or, worst, change the browser's behaviour halfway through a run.
 */
const QUIET_PREFS: Record<string, PrefValue> = {
  'app.normandy.enabled': false,
  'app.normandy.api_url': '',
  'app.shield.optoutstudies.enabled': false,
  'app.update.auto': false,
  'app.update.checkInstallTime': false,
  'app.update.disabledForTesting': true,
  'browser.aboutwelcome.enabled': false,
  'browser.discovery.enabled': false,
  'browser.ml.enable': false,
  'browser.newtabpage.enabled': false,
  'browser.newtabpage.activity-stream.feeds.system.topstories': false,
  'browser.newtabpage.activity-stream.feeds.telemetry': false,
  'browser.newtabpage.activity-stream.telemetry': false,
  'browser.ping-centre.telemetry': false,
  'browser.region.network.url': '',
  'browser.region.update.enabled': false,
  'browser.safebrowsing.blockedURIs.enabled': false,
  'browser.safebrowsing.downloads.enabled': false,
  'browser.safebrowsing.downloads.remote.enabled': false,
  'browser.safebrowsing.malware.enabled': false,
  'browser.safebrowsing.phishing.enabled': false,
  'browser.safebrowsing.provider.google4.updateURL': '',
  'browser.safebrowsing.provider.mozilla.updateURL': '',
  'browser.search.geoSpecificDefaults': false,
  'browser.search.update': false,
  'browser.sessionstore.resume_from_crash': false,
  'browser.shell.checkDefaultBrowser': false,
  'browser.startup.homepage': 'about:blank',
  'browser.startup.homepage_override.mstone': 'ignore',
  'browser.startup.page': 0,
  'browser.tabs.warnOnClose': false,
  'browser.topsites.contile.enabled': false,
  'browser.translations.enable': false,
  'captivedetect.canonicalURL': '',
  'datareporting.healthreport.uploadEnabled': false,
  'datareporting.policy.dataSubmissionEnabled': false,
  'extensions.blocklist.enabled': false,
  'extensions.getAddons.cache.enabled': false,
  'extensions.systemAddon.update.enabled': false,
  'extensions.update.enabled': false,
  'geo.provider.network.url': '',
  'identity.fxaccounts.enabled': false,
  'media.gmp-manager.url': '',
  'media.gmp-provider.enabled': false,
  'messaging-system.rsexperimentloader.enabled': false,
  'network.captive-portal-service.enabled': false,
  'network.connectivity-service.enabled': false,
  'network.dns.disablePrefetch': true,
  'network.http.speculative-parallel-limit': 0,
  'network.prefetch-next': false,
  'network.trr.mode': 5,
  'nimbus.rollouts.enabled': false,
  'services.settings.server': 'data:,',
  'startup.homepage_welcome_url': '',
  'startup.homepage_welcome_url.additional': '',
  'toolkit.telemetry.archive.enabled': false,
  'toolkit.telemetry.enabled': false,
  'toolkit.telemetry.server': 'data:,',
  'toolkit.telemetry.unified': false,
  // Animations (toasts sliding in) would otherwise make screenshots and click points vary.
  'ui.prefersReducedMotion': 1,
};

/** How to start Firefox. */
export interface LaunchOptions {
  executablePath?: string;
  /** More user.js prefs, e.g. `layout.css.prefers-color-scheme.content-override`. */
  prefs?: Record<string, PrefValue>;
  viewport?: { width: number; height: number };
  /** The default for waitFor and click. */
  timeoutMs?: number;
}

/** A CSS selector, or the visible text of a button, link or option (exact after trimming, or a pattern). */
export type ClickTarget = string | { text: string | RegExp; selector?: string };

/** The browser's one tab. */
export interface FirefoxPage {
  /** Navigates and waits for the load event. */
  goto(url: string): Promise<void>;
  setViewport(width: number, height: number): Promise<void>;
  /** Runs `fn` in the page; arguments and the result travel as JSON, so both must survive it. */
  evaluate<T, A extends unknown[] = []>(fn: (...args: A) => T | Promise<T>, ...args: A): Promise<T>;
  /** Polls a JavaScript expression in the page until it is truthy. */
  waitFor(predicateSource: string, timeoutMs?: number): Promise<void>;
  /** Waits for the last visible match to be clickable, then clicks its centre with the mouse. */
  click(target: ClickTarget, timeoutMs?: number): Promise<void>;
  /** Types into the focused element, one key press per character. */
  type(text: string): Promise<void>;
  /** Presses one key: a character or a name such as Enter, Escape, Tab, Backspace, ArrowDown. */
  press(key: string): Promise<void>;
  screenshot(file: string): Promise<void>;
  /** Uncaught errors and unhandled rejections the page has reported so far. */
  readonly errors: readonly string[];
}

/** A running Firefox with a WebDriver BiDi session. */
export interface Firefox {
  readonly version: string;
  readonly page: FirefoxPage;
  /** Ends the browser and removes its profile; safe to call twice. */
  close(): Promise<void>;
}

type BidiMessage =
  | { type: 'success'; id: number; result: unknown }
  | { type: 'error'; id: number | null; error: string; message: string }
  | { type: 'event'; method: string; params: unknown };

interface RemoteValue {
  type: string;
  value?: unknown;
}

type ScriptResult = { type: 'success'; result: RemoteValue } | { type: 'exception'; exceptionDetails: { text: string } };

interface LogEntry {
  type: string;
  level: string;
  text: string | null;
  source: { context?: string };
  stackTrace?: { callFrames: { url: string; lineNumber: number }[] };
}

interface Connection {
  send<R>(method: string, params: object): Promise<R>;
  onEvent(listener: (method: string, params: unknown) => void): void;
  close(): void;
}

const COMMAND_TIMEOUT_MS = 30_000;
const LAUNCH_TIMEOUT_MS = 30_000;

/** The WebDriver key codes for the names press() accepts. */
const KEYS: Record<string, string> = {
  Backspace: '\uE003',
  Tab: '\uE004',
  Enter: '\uE007',
  Escape: '\uE00C',
  Space: ' ',
  PageUp: '\uE00E',
  PageDown: '\uE00F',
  End: '\uE010',
  Home: '\uE011',
  ArrowLeft: '\uE012',
  ArrowUp: '\uE013',
  ArrowRight: '\uE014',
  ArrowDown: '\uE015',
  Delete: '\uE017',
};

/** Starts headless Firefox with a fresh profile and opens a BiDi session with one tab. */
export async function launchFirefox(options: LaunchOptions = {}): Promise<Firefox> {
  const profile = mkdtempSync(path.join(tmpdir(), 'lavka-firefox-'));
  const prefs = { ...QUIET_PREFS, ...options.prefs };
  writeFileSync(
    path.join(profile, 'user.js'),
    Object.entries(prefs)
      .map(([name, value]) => `user_pref(${JSON.stringify(name)}, ${JSON.stringify(value)});\n`)
      .join(''),
  );

  let child: ChildProcess | undefined;
  let connection: Connection | undefined;
  // Also runs when the test process exits without reaching its after() hooks.
  const killNow = () => {
    killGroup(child);
    rmSync(profile, { recursive: true, force: true });
  };
  process.once('exit', killNow);
  const fail = (error: unknown): never => {
    connection?.close();
    process.off('exit', killNow);
    killNow();
    throw error;
  };

  try {
    const started = await startProcess(options.executablePath ?? FIREFOX, profile);
    child = started.child;
    connection = await connect(`${started.endpoint}/session`);
    const session = await connection.send<{ capabilities: { browserVersion: string } }>('session.new', { capabilities: {} });
    const tree = await connection.send<{ contexts: { context: string }[] }>('browsingContext.getTree', { maxDepth: 0 });
    // The tab headless Firefox starts with never gets document focus (browsingContext.activate
    // does not help): fields would take focus without focus events or :focus, so a page that
    // reacts to focus, like the composer's suggestions, would not. A tab opened over BiDi does.
    const { context } = await connection.send<{ context: string }>('browsingContext.create', { type: 'tab' });
    for (const initial of tree.contexts) await connection.send('browsingContext.close', { context: initial.context });
    const page = createPage(connection, context, options.timeoutMs ?? 10_000);
    await connection.send('session.subscribe', { events: ['log.entryAdded'] });
    if (options.viewport) await page.setViewport(options.viewport.width, options.viewport.height);

    const running = child;
    const open = connection;
    let closed = false;
    return {
      version: session.capabilities.browserVersion,
      page,
      async close() {
        if (closed) return;
        closed = true;
        process.off('exit', killNow);
        // A polite close lets Firefox end its content processes; a group kill covers a hang.
        await Promise.race([open.send('browser.close', {}).catch(() => undefined), delay(5_000)]);
        open.close();
        if (!(await exited(running, 5_000))) {
          killGroup(running);
          await exited(running, 5_000);
        }
        rmSync(profile, { recursive: true, force: true, maxRetries: 3, retryDelay: 100 });
      },
    };
  } catch (error) {
    return fail(error);
  }
}

/** Spawns Firefox and waits for the line announcing the BiDi endpoint. */
function startProcess(executable: string, profile: string): Promise<{ child: ChildProcess; endpoint: string }> {
  // Its own process group, so a kill also reaches the content processes it forked.
  const child = spawn(executable, ['--headless', '--no-remote', '--remote-debugging-port=0', '--profile', profile], {
    detached: true,
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, MOZ_CRASHREPORTER_DISABLE: '1' },
  });
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => done(new Error(`Firefox did not open WebDriver BiDi within ${LAUNCH_TIMEOUT_MS} ms:\n${output.slice(-2000)}`)), LAUNCH_TIMEOUT_MS);
    const done = (error: Error | null, endpoint?: string) => {
      clearTimeout(timer);
      child.off('exit', onExit);
      child.off('error', onError);
      if (error) {
        killGroup(child);
        reject(error);
      } else if (endpoint) {
        resolve({ child, endpoint });
      }
    };
    const onExit = (code: number | null, signal: string | null) =>
      done(new Error(`Firefox exited on start (${signal ?? `code ${code}`}):\n${output.slice(-2000)}`));
    const onError = (error: Error) => done(new Error(`Firefox could not be started from ${executable}: ${error.message}`));
    child.once('exit', onExit);
    child.once('error', onError);
    // Keep reading stderr after the endpoint line: a full pipe would block Firefox.
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => {
      if (output.length < 100_000) output += chunk;
      const endpoint = /WebDriver BiDi listening on (ws:\/\/\S+)/.exec(output)?.[1];
      if (endpoint) done(null, endpoint);
    });
  });
}

function killGroup(child: ChildProcess | undefined): void {
  if (!child?.pid || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}

function exited(child: ChildProcess, timeoutMs: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), timeoutMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

async function connect(url: string): Promise<Connection> {
  const socket = new WebSocket(url);
  await new Promise<void>((resolve, reject) => {
    socket.addEventListener('open', () => resolve(), { once: true });
    socket.addEventListener('error', () => reject(new Error(`could not connect to ${url}`)), { once: true });
  });
  let nextId = 0;
  const pending = new Map<number, { method: string; resolve(result: unknown): void; reject(error: Error): void }>();
  const listeners: ((method: string, params: unknown) => void)[] = [];

  socket.addEventListener('message', (event) => {
    const message = JSON.parse(String(event.data)) as BidiMessage;
    if (message.type === 'event') {
      for (const listener of listeners) listener(message.method, message.params);
      return;
    }
    const waiting = message.id === null ? undefined : pending.get(message.id);
    if (!waiting || message.id === null) return;
    pending.delete(message.id);
    if (message.type === 'success') waiting.resolve(message.result);
    else waiting.reject(new Error(`${waiting.method}: ${message.error}: ${message.message}`));
  });
  socket.addEventListener('close', () => {
    for (const waiting of pending.values()) waiting.reject(new Error(`${waiting.method}: Firefox closed the connection`));
    pending.clear();
  });

  return {
    send<R>(method: string, params: object): Promise<R> {
      if (socket.readyState !== WebSocket.OPEN) return Promise.reject(new Error(`${method}: the connection to Firefox is closed`));
      const id = ++nextId;
      return new Promise<R>((resolve, reject) => {
        // Without a limit a wedged browser would hold the test until its own timeout, with no hint why.
        const timer = setTimeout(() => {
          pending.delete(id);
          reject(new Error(`${method}: no answer from Firefox within ${COMMAND_TIMEOUT_MS} ms`));
        }, COMMAND_TIMEOUT_MS);
        pending.set(id, {
          method,
          resolve: (result) => {
            clearTimeout(timer);
            resolve(result as R);
          },
          reject: (error) => {
            clearTimeout(timer);
            reject(error);
          },
        });
        socket.send(JSON.stringify({ id, method, params }));
      });
    },
    onEvent(listener) {
      listeners.push(listener);
    },
    close() {
      socket.close();
    },
  };
}

function createPage(connection: Connection, context: string, defaultTimeoutMs: number): FirefoxPage {
  const errors: string[] = [];
  connection.onEvent((method, params) => {
    if (method !== 'log.entryAdded') return;
    const entry = params as LogEntry;
    if (entry.type !== 'javascript' || entry.source.context !== context) return;
    const frame = entry.stackTrace?.callFrames[0];
    errors.push(`${entry.text ?? 'unknown error'}${frame ? ` (${frame.url}:${frame.lineNumber + 1})` : ''}`);
  });

  const unwrap = (result: ScriptResult): RemoteValue => {
    if (result.type === 'exception') throw new Error(`script error in the page: ${result.exceptionDetails.text}`);
    return result.result;
  };

  const evaluate = async <T, A extends unknown[] = []>(fn: (...args: A) => T | Promise<T>, ...args: A): Promise<T> => {
    const result = await connection.send<ScriptResult>('script.callFunction', {
      functionDeclaration: `async function (json) { return JSON.stringify(await (${fn.toString()})(...JSON.parse(json))); }`,
      arguments: [{ type: 'string', value: JSON.stringify(args) }],
      awaitPromise: true,
      resultOwnership: 'none',
      target: { context },
    });
    const value = unwrap(result);
    // JSON.stringify(undefined) is undefined: the function returned nothing.
    return (value.type === 'string' ? JSON.parse(String(value.value)) : undefined) as T;
  };

  const performActions = (actions: object[]) => connection.send('input.performActions', { context, actions });

  const page: FirefoxPage = {
    errors,

    async goto(url) {
      await connection.send('browsingContext.navigate', { context, url, wait: 'complete' });
    },

    async setViewport(width, height) {
      await connection.send('browsingContext.setViewport', { context, viewport: { width, height } });
    },

    evaluate,

    async waitFor(predicateSource, timeoutMs = defaultTimeoutMs) {
      const deadline = Date.now() + timeoutMs;
      let lastError: string | undefined;
      for (;;) {
        try {
          const result = await connection.send<ScriptResult>('script.evaluate', {
            expression: `(async () => Boolean(await (${predicateSource})))()`,
            awaitPromise: true,
            resultOwnership: 'none',
            target: { context },
          });
          if (unwrap(result).value === true) return;
          lastError = undefined;
        } catch (error) {
          // A navigation in progress or a predicate that throws until the page is ready: retry.
          lastError = error instanceof Error ? error.message : String(error);
        }
        if (Date.now() >= deadline) {
          throw new Error(`timed out after ${timeoutMs} ms waiting for ${predicateSource}${lastError ? `\n(last attempt: ${lastError})` : ''}`);
        }
        await delay(50);
      }
    },

    async click(target, timeoutMs = defaultTimeoutMs) {
      const query = typeof target === 'string' ? { selector: target, text: null, pattern: null } : textQuery(target);
      const described = typeof target === 'string' ? target : typeof target.text === 'string' ? JSON.stringify(target.text) : String(target.text);
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = await evaluate(locateForClick, query.selector, query.text, query.pattern);
        if (found.ok) {
          await performActions([
            {
              type: 'pointer',
              id: 'mouse',
              parameters: { pointerType: 'mouse' },
              actions: [
                { type: 'pointerMove', x: Math.round(found.x), y: Math.round(found.y), origin: 'viewport' },
                { type: 'pointerDown', button: 0 },
                { type: 'pointerUp', button: 0 },
              ],
            },
          ]);
          return;
        }
        if (Date.now() >= deadline) throw new Error(`click on ${described} timed out after ${timeoutMs} ms: ${found.reason}`);
        await delay(50);
      }
    },

    async type(text) {
      await performActions([{ type: 'key', id: 'keyboard', actions: [...text].flatMap((value) => [{ type: 'keyDown', value }, { type: 'keyUp', value }]) }]);
    },

    async press(key) {
      const value = KEYS[key] ?? ([...key].length === 1 ? key : undefined);
      if (value === undefined) throw new Error(`press: unknown key ${key} (known: ${Object.keys(KEYS).join(', ')})`);
      await performActions([{ type: 'key', id: 'keyboard', actions: [{ type: 'keyDown', value }, { type: 'keyUp', value }] }]);
    },

    async screenshot(file) {
      const { data } = await connection.send<{ data: string }>('browsingContext.captureScreenshot', { context });
      mkdirSync(path.dirname(file), { recursive: true });
      await writeFile(file, Buffer.from(data, 'base64'));
    },
  };
  return page;
}

const CLICKABLE = 'button, a[href], [role="button"], [role="link"], [role="option"], [role="menuitem"], [role="tab"]';

function textQuery(target: { text: string | RegExp; selector?: string }) {
  const selector = target.selector ?? CLICKABLE;
  return typeof target.text === 'string'
    ? { selector, text: target.text, pattern: null }
    : { selector, text: null, pattern: [target.text.source, target.text.flags] as [string, string] };
}

type Located = { ok: true; x: number; y: number } | { ok: false; reason: string };

/** Runs in the page (serialised by evaluate): finds the element and checks a click would reach it. */
function locateForClick(selector: string, text: string | null, pattern: [string, string] | null): Located {
  const regexp = pattern ? new RegExp(pattern[0], pattern[1]) : null;
  const matches = [...document.querySelectorAll<HTMLElement>(selector)].filter((element) => {
    if (!element.checkVisibility()) return false;
    const label = element.innerText.replace(/\s+/g, ' ').trim();
    if (text !== null) return label === text;
    if (regexp) return regexp.test(label);
    return true;
  });
  const element = matches.at(-1);
  if (!element) {
    const seen = [...document.querySelectorAll<HTMLElement>(selector)]
      .filter((candidate) => candidate.checkVisibility())
      .map((candidate) => JSON.stringify(candidate.innerText.replace(/\s+/g, ' ').trim()))
      .slice(-12);
    return { ok: false, reason: `no visible match; the last visible candidates: ${seen.join(', ') || 'none'}` };
  }
  if ((element as HTMLButtonElement).disabled) return { ok: false, reason: 'the element is disabled' };
  element.scrollIntoView({ block: 'center', inline: 'center', behavior: 'instant' });
  const rect = element.getBoundingClientRect();
  const x = rect.left + rect.width / 2;
  const y = rect.top + rect.height / 2;
  const hit = document.elementFromPoint(x, y);
  if (!hit || !element.contains(hit)) {
    const cover = hit ? `${hit.tagName.toLowerCase()}${hit.className ? `.${String(hit.className).split(/\s+/).join('.')}` : ''}` : 'nothing (outside the viewport)';
    return { ok: false, reason: `its centre is covered by ${cover}` };
  }
  return { ok: true, x, y };
}
