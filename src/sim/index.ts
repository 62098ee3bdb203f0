// Public surface of the Telegram Bot API simulator.

export { createSimulator } from './simulator.ts';
export type { CallOptions, ChannelInit, GroupInit, SimInfo, SimulatorOptions, TelegramSimulator } from './simulator.ts';
export type { ChatTarget, PressResult, SimUser, SimUserInit } from './sim-user.ts';
export type { PaymentResult } from './payment-flow.ts';
export type { CallbackAnswer, ChatView, ViewMessage } from './chat-types.ts';
export type { SimEvent, SimEventBody, SimEventBus } from './event-bus.ts';
export type { FaultSpec } from './faults.ts';
export type { SimStats } from './stats.ts';
export type { RateLimitOptions } from './rate-limit.ts';
export type { BotCommand } from './command-store.ts';
export type { StoredFile } from './file-store.ts';
export type { UploadedFile } from './validate.ts';
export type * from './api-types.ts';
export { ApiError, DroppedRequestError } from './api-error.ts';
export { formatText, parseHtml, parseMarkdownV2, parseMarkdownLegacy } from './formatting.ts';
export type { FormattedText } from './formatting.ts';
export { registerSimulatorRoutes, simulatorPlugin } from './sim.routes.ts';
export { startSimulatorServer } from './server.ts';
export type { SimulatorServer, SimulatorServerOptions } from './server.ts';
