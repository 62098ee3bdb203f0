// Child of the webhook benchmark: Lavka in webhook mode behind its Fastify server, replying
// to the stub Bot API. Reports "ready" with its URL, then on "stop" its own figures.

import { nextParentMessage, peakRssMb, readJob, reportAndExit, rssMb, sendToParent } from './child.ts';
import type { LavkaBenchOptions } from './lavka.ts';
import { startLavkaForBench } from './lavka.ts';

/** What the parent asks for. */
export interface WebhookServerJob {
  lavka: LavkaBenchOptions;
  path: string;
}

/** What the server child reports at the end. */
export interface WebhookServerResult {
  updatesHandled: number;
  handlerErrors: number;
  peakRssMb: number;
  rssMb: number;
}

await reportAndExit(async () => {
  const job = readJob<WebhookServerJob>();
  const app = await startLavkaForBench(job.lavka);
  await sendToParent({ type: 'ready', url: `${app.url}${job.path}` });
  await nextParentMessage('stop');
  const sum = async (metric: { get(): Promise<{ values: { value: number }[] }> }) => (await metric.get()).values.reduce((total, item) => total + item.value, 0);
  const result: WebhookServerResult = {
    updatesHandled: await sum(app.metrics.updatesTotal),
    handlerErrors: await sum(app.metrics.updateErrorsTotal),
    peakRssMb: peakRssMb(),
    rssMb: rssMb(),
  };
  await app.stop();
  return result;
});
