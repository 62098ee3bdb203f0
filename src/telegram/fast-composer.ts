import { Composer, type Context, type Middleware, type MiddlewareFn } from 'grammy';

/**
 * grammY's `Composer.branch` — under every `on`, `command`, `callbackQuery`, `hears`,
 * `chatType` and `filter` — builds a new `Composer` for each update it sees (it is written
 * with `lazy`), and awaits its predicate even when the predicate answered at once. An update
 * passes every handler registered before the one that takes it, over a hundred in the shop
 * preset, so that was a tenth of the CPU an update cost (throughput benchmark's profile).
 *
 * This `branch` chooses the same middleware with the same predicate, and runs it the same
 * way: a composer given to it is asked for its middleware when an update arrives, as grammY's
 * does, so that handlers added to the composer `filter` returned still run. Installed once,
 * for every composer (grammY's own included), when the bot module is loaded.
 */
function fastBranch<C extends Context>(this: Composer<C>, predicate: (ctx: C) => boolean | Promise<boolean>, trueMiddleware: Middleware<C>, falseMiddleware: Middleware<C>): Composer<C> {
  const onTrue = asFunction(trueMiddleware);
  const onFalse = asFunction(falseMiddleware);
  const branch: MiddlewareFn<C> & Branched<C> = (ctx, next) => {
    let chosen: boolean | Promise<boolean>;
    try {
      chosen = predicate(ctx);
    } catch (error) {
      // A predicate that throws fails the update through its promise, as in grammY.
      return Promise.reject(error);
    }
    // grammY reads the answer by truthiness, as here; a promise is awaited first.
    if (!(chosen instanceof Promise)) return (chosen ? onTrue : onFalse)(ctx, next);
    return chosen.then((yes) => (yes ? onTrue : onFalse)(ctx, next));
  };
  // A chain that meets this branch decides it itself (chainOf): most updates pass it by.
  branch[BRANCH] = { predicate, onTrue, onFalse };
  return this.use(branch);
}

/** What a chain needs to decide a branch without calling it. */
const BRANCH = Symbol('lavka.composer.branch');
interface Branched<C extends Context> {
  [BRANCH]?: { predicate: (ctx: C) => boolean | Promise<boolean>; onTrue: MiddlewareFn<C>; onFalse: MiddlewareFn<C> };
}

/** A middleware function for `middleware`, looked up at each call as grammY's `flatten` does. */
function asFunction<C extends Context>(middleware: Middleware<C>): MiddlewareFn<C> {
  return typeof middleware === 'function' ? middleware : (ctx, next) => middleware.middleware()(ctx, next);
}

/**
 * grammY's `Composer.use` nests each new middleware in the chain before it (`concat`): an
 * update passing a hundred handlers runs two async functions and awaits two promises at each.
 * Here a composer keeps what was `use`d in a list and its `middleware()` walks the list, one
 * plain call per handler, with grammY's semantics: each handler gets a `next` that runs the
 * rest and returns a promise, a second call of the same `next` fails, a handler that throws
 * fails the update through its promise, and the composers `use` returned are asked for their
 * middleware at each update, so that handlers added to them later still run.
 */
const LINKS = Symbol('lavka.composer.links');
const CHAIN = Symbol('lavka.composer.chain');

/** A middleware in a composer's list: the composer's own first middleware, or a composer `use` returned. */
type Link<C extends Context> = MiddlewareFn<C> | Composer<C>;

interface Listed<C extends Context> {
  handler: MiddlewareFn<C>;
  [LINKS]?: Link<C>[];
  [CHAIN]?: MiddlewareFn<C>;
}

function fastUse<C extends Context>(this: Composer<C>, ...middleware: Middleware<C>[]): Composer<C> {
  const composer = new Composer<C>(...middleware);
  const self = this as unknown as Listed<C>;
  // What the constructor composed (grammY's `pass` when it was given nothing) comes first.
  (self[LINKS] ??= [self.handler]).push(composer);
  return composer;
}

function fastMiddleware<C extends Context>(this: Composer<C>): MiddlewareFn<C> {
  const self = this as unknown as Listed<C>;
  const links = self[LINKS];
  if (links === undefined) return self.handler;
  return (self[CHAIN] ??= chainOf(links));
}

/**
 * Runs `links` in order, each one's `next` running the ones after it, then the chain's own `next`.
 * A branch (`on`, `command`, `callbackQuery`…) whose predicate says no and whose other side
 * only passes the update on is stepped over in place: no call, no `next` made for it (an update
 * passes about a hundred of them before the handler that takes it).
 */
function chainOf<C extends Context>(links: readonly Link<C>[]): MiddlewareFn<C> {
  return (ctx, next) => {
    let reached = -1;
    const step = (from: number): Promise<unknown> => {
      if (from <= reached) return Promise.reject(new Error('`next` already called before!'));
      try {
        for (let index = from; ; index += 1) {
          reached = index;
          if (index === links.length) return next();
          const link = links[index]!;
          const run: MiddlewareFn<C> & Branched<C> = typeof link === 'function' ? link : link.middleware();
          const branch = run[BRANCH];
          if (branch === undefined) return Promise.resolve(run(ctx, restOf(index)));
          const chosen = branch.predicate(ctx);
          if (chosen instanceof Promise) return chosen.then((yes) => (yes ? branch.onTrue : branch.onFalse)(ctx, restOf(index)));
          if (chosen) return Promise.resolve(branch.onTrue(ctx, restOf(index)));
          if (branch.onFalse !== passOn) return Promise.resolve(branch.onFalse(ctx, restOf(index)));
        }
      } catch (error) {
        return Promise.reject(error);
      }
    };
    // The `next` of the middleware at `index`: made only for a middleware that is called.
    const restOf = (index: number) => () => step(index + 1) as Promise<void>;
    return step(0);
  };
}

/** grammY's own middleware that only calls `next` (the false side of every filter), as an empty composer has it. */
const passOn = new Composer().middleware();

let installed = false;

/**
 * Replaces `Composer.prototype.branch`, `use` and `middleware` with {@link fastBranch},
 * {@link fastUse} and {@link fastMiddleware}; a second call does nothing. Composers built
 * before keep what they have: their first `use` after it starts their list.
 */
export function installFastComposer(): void {
  if (installed) return;
  installed = true;
  const prototype = Composer.prototype as unknown as { branch: typeof fastBranch; use: typeof fastUse; middleware: typeof fastMiddleware };
  prototype.branch = fastBranch;
  prototype.use = fastUse;
  prototype.middleware = fastMiddleware;
}
