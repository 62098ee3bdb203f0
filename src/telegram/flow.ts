import type { Composer, MiddlewareFn } from 'grammy';
import type { BotContext, FlowState } from './context.ts';


/** Controls the current flow from inside a step handler. */
export interface FlowControl<D extends Record<string, unknown> = Record<string, unknown>> {
  readonly step: string;
  readonly data: D;
  /** Moves to another step, merging `patch` into the data. */
  go(step: string, patch?: Partial<D>): void;
  /** Merges `patch` into the data without changing the step. */
  update(patch: Partial<D>): void;
  /** Ends the flow. */
  leave(): void;
}

/** One step: handles the user's messages while the flow waits on this step. */
export interface FlowStep<D extends Record<string, unknown> = Record<string, unknown>> {
  onMessage(ctx: BotContext, flow: FlowControl<D>): Promise<void>;
}

/** A flow a module owns. */
export interface FlowDefinition<D extends Record<string, unknown> = Record<string, unknown>> {
  name: string;
  version: number;
  steps: Record<string, FlowStep<D>>;
}

/** Declares a flow with its data type checked. */
export function defineFlow<D extends Record<string, unknown>>(definition: FlowDefinition<D>): FlowDefinition {
  return definition as unknown as FlowDefinition;
}

/** Starts (or restarts) a flow at `step` for the chat of `ctx`. */
export async function startFlow(
  ctx: BotContext,
  definition: Pick<FlowDefinition, 'name' | 'version'>,
  step: string,
  data: Record<string, unknown> = {},
): Promise<void> {
  const session = await ctx.session;
  session.flow = { name: definition.name, version: definition.version, step, data, startedAt: Date.now() };
}

/** The chat's current flow, if it is the named one. */
export async function activeFlow(ctx: BotContext, name: string): Promise<FlowState | undefined> {
  const session = await ctx.session;
  return session.flow?.name === name ? session.flow : undefined;
}

/** Ends whatever flow the chat is in; true when there was one. */
export async function leaveFlow(ctx: BotContext): Promise<boolean> {
  const session = await ctx.session;
  const had = session.flow !== undefined;
  delete session.flow;
  return had;
}

/** Wraps a stored state into a control object that writes back into the session. */
export function flowControl(session: { flow?: FlowState }, state: FlowState): FlowControl {
  return {
    get step() {
      return state.step;
    },
    get data() {
      return state.data;
    },
    go(step, patch) {
      state.step = step;
      if (patch) state.data = { ...state.data, ...patch };
      session.flow = state;
    },
    update(patch) {
      state.data = { ...state.data, ...patch };
      session.flow = state;
    },
    leave() {
      delete session.flow;
    },
  };
}

/**
 * Routes messages (not commands) to the active flow's current step. A flow whose
 * definition is gone or has a newer version is closed with a clear message.
 */
export function flowRouter(flows: readonly FlowDefinition[]): MiddlewareFn<BotContext> {
  const byName = new Map(flows.map((flow) => [flow.name, flow]));
  return async (ctx, next) => {
    if (!ctx.message || ctx.message.text?.startsWith('/')) return next();
    const session = await ctx.session;
    const state = session.flow;
    if (!state) return next();
    const definition = byName.get(state.name);
    const step = definition?.steps[state.step];
    if (!definition || definition.version !== state.version || !step) {
      delete session.flow;
      await ctx.reply(ctx.t('flow-expired'));
      return;
    }
    await step.onMessage(ctx, flowControl(session, state));
  };
}

/** Registers a flow's entry points on a composer; a small helper for module composers. */
export type FlowComposer = Composer<BotContext>;
