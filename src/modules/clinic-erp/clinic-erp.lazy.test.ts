import assert from 'node:assert/strict';
import { registerHooks } from 'node:module';
import { after, test } from 'node:test';

// Its own file, and Lavka imported only once the hook listens: every module this process loads
// from now on is seen here.
const loaded: string[] = [];
registerHooks({
  load(url, context, nextLoad) {
    loaded.push(url);
    return nextLoad(url, context);
  },
});
const { startTestLavka } = await import('../../../test/support/harness.ts');
const contractFiles = () => loaded.filter((url) => /\/modules\/clinic-erp\/clinic-erp\.(contract|openapi|config)\.ts$/.test(url));

const shop = await startTestLavka({ preset: 'shop' });
after(() => shop.stop());

test("a shop loads none of the clinic ERP's contract until its document is asked for", async () => {
  assert.ok(loaded.some((url) => url.endsWith('/faq/faq.setup.ts')), 'the hook sees the modules the shop runs');
  assert.deepEqual(contractFiles(), []);

  const response = await fetch(`${shop.app.url}/api/v1/connectors/clinic-erp.openapi.json`);
  assert.equal(response.status, 200);
  const document = (await response.json()) as { paths: Record<string, unknown> };
  assert.ok(document.paths['/api/bot/appointments/'], 'the ERP side of the contract');
  assert.ok(contractFiles().length > 0, 'loaded for the document');
});
