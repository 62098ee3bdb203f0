// getUpdates, setWebhook, deleteWebhook and getWebhookInfo. A webhook and long polling
// exclude each other, with Telegram's 409 conflicts.

import { ApiError, badRequest } from '../api-error.ts';
import type { SimState } from '../sim-state.ts';
import type { MethodTable } from './types.ts';

const WEBHOOK_CONFLICT = "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first";

/** Handlers for receiving updates. */
export function createUpdateMethods(state: SimState): MethodTable {
  return {
    getUpdates({ params, signal }) {
      if (state.webhook.config()) throw new ApiError(409, WEBHOOK_CONFLICT);
      return state.updates.poll(
        {
          offset: params.offset as number | undefined,
          limit: params.limit as number | undefined,
          timeoutSec: params.timeout as number | undefined,
          allowedUpdates: params.allowed_updates as string[] | undefined,
        },
        signal,
      );
    },

    setWebhook({ params }) {
      const url = String(params.url).trim();
      if (url === '') {
        state.webhook.clear();
        if (params.drop_pending_updates === true) state.updates.dropAll();
        return true;
      }
      let parsed: URL;
      try {
        parsed = new URL(url);
      } catch {
        throw badRequest('bad webhook: Failed to resolve host: Name or service not known');
      }
      // Real Telegram insists on HTTPS; the simulator also takes plain HTTP so a local bot can listen.
      if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
        throw badRequest('bad webhook: An HTTPS URL must be provided for webhook');
      }
      const secret = params.secret_token === undefined ? undefined : String(params.secret_token);
      if (secret !== undefined && !/^[A-Za-z0-9_-]{1,256}$/.test(secret)) {
        throw badRequest('secret token contains unallowed characters');
      }
      const maxConnections = params.max_connections === undefined ? 40 : Number(params.max_connections);
      if (maxConnections < 1 || maxConnections > 100) throw badRequest('bad webhook: max_connections must be between 1 and 100');
      if (params.drop_pending_updates === true) state.updates.dropAll();
      if (params.allowed_updates !== undefined) state.updates.setAllowedUpdates(params.allowed_updates as string[]);
      state.updates.terminatePoll(new ApiError(409, WEBHOOK_CONFLICT));
      state.webhook.set({
        url: parsed.href,
        secretToken: secret,
        maxConnections,
        ipAddress: params.ip_address === undefined ? undefined : String(params.ip_address),
      });
      return true;
    },

    deleteWebhook({ params }) {
      state.webhook.clear();
      if (params.drop_pending_updates === true) state.updates.dropAll();
      return true;
    },

    getWebhookInfo() {
      const config = state.webhook.config();
      const info: Record<string, unknown> = {
        url: config?.url ?? '',
        has_custom_certificate: false,
        pending_update_count: state.updates.pendingCount(),
      };
      if (config) {
        info.max_connections = config.maxConnections;
        if (config.ipAddress) info.ip_address = config.ipAddress;
        const lastError = state.webhook.lastError();
        if (lastError) {
          info.last_error_date = lastError.dateSec;
          info.last_error_message = lastError.message;
        }
      }
      const allowed = state.updates.allowedUpdates();
      if (allowed && allowed.length > 0) info.allowed_updates = [...allowed];
      return info;
    },
  };
}
