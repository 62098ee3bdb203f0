/**
 * The reference clinic ERP run inside Lavka (`LAVKA_CLINIC_BACKEND=demo`), so the clinic
 * preset can be tried on top of an ERP in the sandbox: it is started on a loopback port with
 * a fresh token, and the config is pointed at it as an owner would point it at theirs.
 */
import { randomBytes } from 'node:crypto';
import type { BusinessConfig } from '../../config/business.ts';
import { ConfigError } from '../../config/env.ts';
import { startDemoErp, type DemoErp } from './demo-erp.server.ts';

export { startDemoErp, type DemoErp, type DemoErpServerOptions } from './demo-erp.server.ts';

/** Starts the demo ERP and returns the config and token that connect the clinic to it. */
export async function connectDemoErp(config: BusinessConfig): Promise<{ erp: DemoErp; config: BusinessConfig; token: string }> {
  if (!config.demo.booking) {
    throw new ConfigError('Lavka cannot start: LAVKA_CLINIC_BACKEND=demo needs a clinic directory to serve.', ['use LAVKA_PRESET=clinic (or a config with demo.booking)']);
  }
  const token = randomBytes(24).toString('base64url');
  const erp = await startDemoErp({ directory: config.demo.booking, timeZone: config.business.timeZone, currency: config.business.currency, token });
  return {
    erp,
    token,
    config: {
      ...config,
      // The ERP's directory replaces the demo one: nothing of it is seeded locally.
      connectors: { ...config.connectors, clinic: { pollSeconds: 5, syncMinutes: 1, ...(config.connectors.clinic as object | undefined), url: erp.url } },
      outgoing: { allowPrivate: [...config.outgoing.allowPrivate, '127.0.0.1'] },
    },
  };
}
