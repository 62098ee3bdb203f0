import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Composer, Context, type Api } from 'grammy';
import type { Update, UserFromGetMe } from 'grammy/types';
import { installFastComposer } from './fast-composer.ts';

installFastComposer();

const ME = { id: 1, is_bot: true, first_name: 'Lavka', username: 'lavka_bot' } as UserFromGetMe;

function message(text: string, chatType: 'private' | 'group' = 'private'): Context {
  const update = {
    update_id: 1,
    message: { message_id: 1, date: 0, chat: { id: 5, type: chatType, ...(chatType === 'private' ? { first_name: 'A' } : { title: 'G' }) }, from: { id: 5, is_bot: false, first_name: 'A' }, text, ...(text.startsWith('/') ? { entities: [{ type: 'bot_command', offset: 0, length: text.split(' ')[0]!.length }] } : {}) },
  } as Update;
  return new Context(update, {} as Api, ME);
}

function button(data: string): Context {
  const update = {
    update_id: 2,
    callback_query: { id: 'q', chat_instance: 'c', data, from: { id: 5, is_bot: false, first_name: 'A' }, message: { message_id: 3, date: 0, chat: { id: 5, type: 'private', first_name: 'A' } } },
  } as Update;
  return new Context(update, {} as Api, ME);
}

/** A middleware that notes `label` in `seen` and passes the update on. */
const noting =
  (seen: string[], label: string) =>
  (_ctx: Context, next: () => Promise<void>): Promise<void> => {
    seen.push(label);
    return next();
  };

/** Runs `composer` on `ctx`; returns the handlers that ran, in order, and whether the chain fell through. */
async function run(composer: Composer<Context>, ctx: Context, seen: string[]): Promise<{ seen: string[]; fellThrough: boolean }> {
  let fellThrough = false;
  await composer.middleware()(ctx, async () => {
    fellThrough = true;
  });
  return { seen: [...seen], fellThrough };
}

describe("the composers' branch and chain", () => {
  test('is installed in place of grammY\'s, once', () => {
    const before = [Composer.prototype.branch, Composer.prototype.use, Composer.prototype.middleware];
    installFastComposer();
    assert.deepEqual([Composer.prototype.branch, Composer.prototype.use, Composer.prototype.middleware], before);
    assert.deepEqual(before.map((method) => method.name), ['fastBranch', 'fastUse', 'fastMiddleware']);
  });

  test('on, command, callbackQuery, hears and chatType pick the same handler as grammY, and pass the rest on', async () => {
    const seen: string[] = [];
    const composer = new Composer<Context>();
    composer.command('start', () => void seen.push('start'));
    composer.callbackQuery(/^cart:add:(\d+)$/, (ctx) => void seen.push(`add ${ctx.match[1]}`));
    composer.chatType('group').on('message:text', () => void seen.push('group text'));
    composer.hears(/^hello/i, () => void seen.push('hello'));
    composer.on('callback_query:data', () => void seen.push('other button'));

    assert.deepEqual(await run(composer, message('/start'), seen), { seen: ['start'], fellThrough: false });
    assert.deepEqual(await run(composer, button('cart:add:42'), seen), { seen: ['start', 'add 42'], fellThrough: false });
    assert.deepEqual(await run(composer, button('catalog:home'), seen), { seen: ['start', 'add 42', 'other button'], fellThrough: false });
    assert.deepEqual(await run(composer, message('Hello there', 'group'), seen), { seen: ['start', 'add 42', 'other button', 'group text'], fellThrough: false });
    assert.deepEqual(await run(composer, message('Hello there'), seen), { seen: ['start', 'add 42', 'other button', 'group text', 'hello'], fellThrough: false });
    assert.deepEqual(await run(composer, message('nothing matches'), seen), { seen: ['start', 'add 42', 'other button', 'group text', 'hello'], fellThrough: true });
  });

  test('handlers added to the composer filter returned, after the filter was registered, still run', async () => {
    const seen: string[] = [];
    const composer = new Composer<Context>();
    const privateChats = composer.chatType('private');
    privateChats.command('help', () => void seen.push('help'));
    privateChats.use(noting(seen, 'private'));
    assert.deepEqual(await run(composer, message('/help'), seen), { seen: ['help'], fellThrough: false });
    assert.deepEqual(await run(composer, message('hi'), seen), { seen: ['help', 'private'], fellThrough: true });
  });

  test('an asynchronous predicate is awaited, a truthy answer counts as true, and a failing one fails the update', async () => {
    const seen: string[] = [];
    const composer = new Composer<Context>();
    composer.filter(async (ctx) => (await Promise.resolve(ctx.message?.text)) === 'slow', () => void seen.push('slow'));
    composer.filter((ctx) => ctx.message?.text === 'truthy' && (1 as unknown as boolean), () => void seen.push('truthy'));
    composer.drop(async (ctx) => ctx.message?.text !== 'dropped-not', () => void seen.push('drop'));
    assert.deepEqual(await run(composer, message('slow'), seen), { seen: ['slow'], fellThrough: false });
    assert.deepEqual(await run(composer, message('truthy'), seen), { seen: ['slow', 'truthy'], fellThrough: false });
    assert.deepEqual(await run(composer, message('dropped-not'), seen), { seen: ['slow', 'truthy', 'drop'], fellThrough: false });

    const failing = new Composer<Context>();
    failing.filter(async () => Promise.reject(new Error('predicate broke')), () => void seen.push('never'));
    await assert.rejects(run(failing, message('x'), seen), /predicate broke/);
    const throwing = new Composer<Context>();
    throwing.filter(() => {
      throw new Error('sync predicate broke');
    });
    await assert.rejects(run(throwing, message('x'), seen), /sync predicate broke/);
  });

  test('branch chooses between its two middlewares', async () => {
    const seen: string[] = [];
    const composer = new Composer<Context>();
    composer.branch(
      (ctx) => ctx.message?.text === 'yes',
      () => void seen.push('true side'),
      noting(seen, 'false side'),
    );
    assert.deepEqual(await run(composer, message('yes'), seen), { seen: ['true side'], fellThrough: false });
    assert.deepEqual(await run(composer, message('no'), seen), { seen: ['true side', 'false side'], fellThrough: true });
  });

  test('handlers run in order, each next runs the rest, and the chain ends in the caller\'s next', async () => {
    const seen: string[] = [];
    const composer = new Composer<Context>(async (_ctx, next) => {
      seen.push('first in');
      await next();
      seen.push('first out');
    });
    composer.use(noting(seen, 'second'));
    // A composer `use` returned, extended after the chain was first run, runs what it has now.
    const later = composer.use();
    await run(composer, message('hi'), seen);
    later.use(noting(seen, 'added later'));
    assert.deepEqual(await run(composer, message('hi'), seen), { seen: ['first in', 'second', 'first out', 'first in', 'second', 'added later', 'first out'], fellThrough: true });
  });

  test('a handler that stops the chain, throws or rejects ends it there, and one next called twice fails', async () => {
    const seen: string[] = [];
    const stopping = new Composer<Context>();
    stopping.use(() => void seen.push('stop'));
    stopping.use(() => void seen.push('never'));
    assert.deepEqual(await run(stopping, message('x'), seen), { seen: ['stop'], fellThrough: false });

    const throwing = new Composer<Context>();
    throwing.use(() => {
      throw new Error('handler broke');
    });
    throwing.use(() => void seen.push('never'));
    // Thrown, not returned: the update fails through the chain's promise, as in grammY.
    const thrown = throwing.middleware()(message('x'), () => Promise.resolve());
    assert.ok(thrown instanceof Promise);
    await assert.rejects(thrown, /handler broke/);

    const rejecting = new Composer<Context>();
    rejecting.use(async () => Promise.reject(new Error('handler rejected')));
    await assert.rejects(run(rejecting, message('x'), seen), /handler rejected/);

    const twice = new Composer<Context>();
    twice.use(async (_ctx, next) => {
      await next();
      await next();
    });
    twice.use(() => void seen.push('once'));
    await assert.rejects(run(twice, message('x'), seen), /`next` already called before!/);
    assert.deepEqual(seen, ['stop', 'once']);
  });

  test('a synchronous handler\'s next still returns a promise, and the error boundary catches below it', async () => {
    const seen: string[] = [];
    const composer = new Composer<Context>();
    composer.use((_ctx, next) => {
      const after = next();
      assert.ok(after instanceof Promise);
      return after.then(() => void seen.push('after'));
    });
    composer.use(() => void seen.push('sync'));
    const bounded = new Composer<Context>();
    // The boundary's handler passes the update on, as grammY's `errorBoundary` lets it.
    bounded
      .errorBoundary((error, next) => {
        seen.push(`caught ${(error.error as Error).message}`);
        return next();
      })
      .use(() => {
        throw new Error('inside');
      });
    bounded.use(composer);
    assert.deepEqual(await run(bounded, message('x'), seen), { seen: ['caught inside', 'sync', 'after'], fellThrough: false });
  });

  test('a chain asks each branch\'s predicate once per update, taken or passed by', async () => {
    const seen: string[] = [];
    const asked: string[] = [];
    const composer = new Composer<Context>();
    const asking = (label: string, answer: (ctx: Context) => boolean | Promise<boolean>) => (ctx: Context) => {
      asked.push(label);
      return answer(ctx);
    };
    composer.filter(
      asking('never', () => false),
      () => void seen.push('never'),
    );
    composer.filter(
      asking('async no', async () => false),
      () => void seen.push('never'),
    );
    composer.filter(
      asking('yes', (ctx) => ctx.message?.text === 'go'),
      noting(seen, 'taken'),
    );
    composer.use(noting(seen, 'after'));
    assert.deepEqual(await run(composer, message('go'), seen), { seen: ['taken', 'after'], fellThrough: true });
    assert.deepEqual(asked, ['never', 'async no', 'yes']);
  });
});

