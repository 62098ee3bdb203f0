// The contract between Lavka's server and the sandbox page: what GET /sandbox/config.json
// returns. The page owns it; src/http/sandbox.routes.ts imports it as a type.

/** A simulated Telegram user the page offers to chat as. */
export interface SandboxUser {
  id: number;
  first_name: string;
  last_name?: string;
  username?: string;
  language_code: string;
}

/** Everything the page needs to know about the running sandbox. */
export interface SandboxPageConfig {
  /** The preset running now, e.g. "shop". */
  preset: string;
  /** Every preset that ships with Lavka, for the "how to switch" hint. */
  presets: string[];
  businessName: string;
  bot: { id: number; username: string; firstName: string };
  /** Languages the bot speaks, the default first. */
  locales: string[];
  /** The users the page starts with: a customer first, then the admin. */
  users: SandboxUser[];
  /** Telegram ids Lavka treats as admins. */
  adminIds: number[];
  /** The admin panel, once Lavka serves one; null until then. */
  adminUrl: string | null;
  /** Where the simulator's HTTP API is mounted, e.g. "/sandbox/telegram". */
  apiPrefix: string;
  /** The bot's Mini App (its menu button), or null when the preset has none or it is turned off. */
  miniApp: { url: string; text: string } | null;
}
