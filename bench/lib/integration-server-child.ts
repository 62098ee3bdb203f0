// Child of the integration benchmark: Lavka (shop, SQLite) with orders seeded, an API key, a
// staff session for the panel's API (the peer), and webhook endpoints pointing at the parent's
// receiver. On "fanout" it moves orders, whose status changes the endpoints hear about.

import { nextParentMessage, peakRssMb, readJob, reportAndExit, rssMb, sendToParent } from './child.ts';
import type { LavkaBenchOptions } from './lavka.ts';
import { startLavkaForBench } from './lavka.ts';

/** What the parent asks for. */
export interface IntegrationServerJob {
  lavka: LavkaBenchOptions;
  orders: number;
  /** Receiver URLs, one endpoint each. */
  endpoints: string[];
}

/** What the child reports when ready. */
export interface IntegrationServerReady {
  type: 'ready';
  url: string;
  key: string;
  cookie: string;
  orderIds: number[];
}

await reportAndExit(async () => {
  const job = readJob<IntegrationServerJob>();
  const app = await startLavkaForBench(job.lavka);
  const { orders, integrations, admin, users } = app.services;
  if (!orders || !integrations || !admin || !users) throw new Error('the shop preset runs orders, integrations, admin and users');
  const orderIds: number[] = [];
  for (let index = 0; index < job.orders; index += 1) {
    const userId = 30_000_000 + (index % 200);
    if (index < 200) await users.register({ id: userId, first_name: `Buyer ${index}` });
    const order = await orders.place({
      kind: 'shop',
      userId,
      currency: 'KZT',
      lines: [{ kind: 'product', productId: 1, title: 'T-shirt', unitPriceMinor: 699_000, quantity: 1 + (index % 3) }],
      contactName: `Buyer ${index}`,
      delivery: { method: 'pickup', pickupPoint: 'Dostyk Plaza' },
      paymentMethod: 'on_delivery',
    });
    orderIds.push(order.id);
  }
  const { secret } = await integrations.keys.create({ name: 'bench', scopes: ['orders:write'], createdBy: 'bench' });
  for (const url of job.endpoints) await integrations.webhooks.endpoints.create({ url, eventTypes: ['order.status_changed'], createdBy: 'bench' });
  const owner = await admin.staffForTelegram({ id: 7000, first_name: 'Owner' });
  if (!owner) throw new Error('the owner (ADMIN_IDS) has no staff account');
  const session = await admin.startSession(owner.id, { ip: '127.0.0.1' });
  await sendToParent({ type: 'ready', url: app.url ?? '', key: secret, cookie: `lavka_admin=${session.token}`, orderIds } satisfies IntegrationServerReady);

  const { count } = await nextParentMessage<{ type: 'fanout'; count: number }>('fanout');
  const started = Date.now();
  for (const id of orderIds.slice(0, count)) await orders.changeStatus(id, 'confirmed', { role: 'staff', id: 'bench' });
  await sendToParent({ type: 'moved', ms: Date.now() - started });

  await nextParentMessage('stop');
  const result = { peakRssMb: peakRssMb(), rssMb: rssMb() };
  await app.stop();
  return result;
});
