// The print studio's quote in the Mini App's API over real HTTP, as the app in a customer's
// Telegram calls it: launch data signed by the simulated Telegram, a model uploaded as
// multipart and measured by the bot's own parser, its preview, the studio's options, and
// quotes that are the bot's quotes for the same choices. Forged initData and files that are
// not models are refused with clear codes, and nothing is stored for them.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { CustomOrdersService } from '../../src/modules/custom-orders/custom-orders.service.ts';
import { signWebAppInitData } from '../../src/sim/web-app.ts';
import { binaryStl, box, jpegBytes } from '../support/mesh-fixtures.ts';
import { startTestLavka, TEST_BOT_TOKEN, type TestLavka } from '../support/harness.ts';
import { testDialects } from '../support/services.ts';

const CUSTOMER = 8811;
const OTHER = 8812;

interface Answer {
  status: number;
  headers: Headers;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON answers read field by field in assertions
  body: any;
}

/** Calls the Mini App's API of `lavka` with `initData`; a FormData body goes as multipart. */
async function call(lavka: TestLavka, method: string, url: string, initData: string, body?: unknown): Promise<Answer> {
  const json = body !== undefined && !(body instanceof FormData);
  const response = await fetch(`${lavka.app.url}/api/miniapp${url}`, {
    method,
    headers: { authorization: `tma ${initData}`, ...(json ? { 'content-type': 'application/json' } : {}) },
    ...(body === undefined ? {} : { body: json ? JSON.stringify(body) : (body as FormData) }),
  });
  if (response.headers.get('content-type')?.startsWith('image/')) return { status: response.status, headers: response.headers, body: new Uint8Array(await response.arrayBuffer()) };
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined };
}

/** A form with one file, as the app's file input sends it. */
function form(bytes: Uint8Array, name: string, type = 'application/octet-stream'): FormData {
  const data = new FormData();
  data.append('file', new Blob([Uint8Array.from(bytes)], { type }), name);
  return data;
}

for (const dialect of await testDialects()) {
  describe(`the Mini App's print quote: upload, preview and the bot's own quote (${dialect.name})`, () => {
    let lavka: TestLavka;
    let initData: string;
    let service: CustomOrdersService;
    const filesOf = (userId: number) => lavka.app.database.db.selectFrom('custom_order_files').selectAll().where('user_id', '=', userId).execute();

    before(async () => {
      lavka = await startTestLavka({ preset: 'print3d', database: await dialect.create(), env: { PUBLIC_URL: 'https://print.example' } });
      const customer = lavka.sim.user({ id: CUSTOMER, first_name: 'Dana', language_code: 'en', hasStartedBot: true });
      initData = signWebAppInitData(TEST_BOT_TOKEN, customer.profile, Math.floor(Date.now() / 1000));
      const found = lavka.app.services['custom-orders'];
      assert.ok(found);
      service = found;
    });
    after(async () => {
      await lavka?.stop();
    });

    test('the studio offers the print section, and forged initData is refused before anything runs', async () => {
      const session = await call(lavka, 'GET', '/app/session', initData);
      assert.equal(session.status, 200);
      assert.deepEqual(session.body.sections, ['print']);
      const forged = initData.replace(/hash=[0-9a-f]+/, `hash=${'0'.repeat(64)}`);
      assert.notEqual(forged, initData);
      const refused = await call(lavka, 'POST', '/print/models', forged, form(binaryStl(box([10, 10, 10])), 'cube.stl'));
      assert.equal(refused.status, 401);
      assert.match(refused.body.error.code, /^miniapp\./);
      const options = await call(lavka, 'GET', '/print/options', forged);
      assert.equal(options.status, 401);
      assert.equal((await filesOf(CUSTOMER)).length, 0);
    });

    test('the options are the studio’s offered choices in the user’s language', async () => {
      const options = await call(lavka, 'GET', '/print/options', initData);
      assert.equal(options.status, 200);
      const fdm = options.body.technologies.find((item: { id: string }) => item.id === 'fdm');
      assert.deepEqual(fdm.infill_percents, [10, 20, 40, 100]);
      const pla = fdm.materials.find((item: { id: string }) => item.id === 'pla');
      assert.ok(pla.colours.some((colour: { id: string; title: string }) => colour.id === 'white' && colour.title === 'White'));
      const petg = fdm.materials.find((item: { id: string }) => item.id === 'petg');
      assert.ok(!petg.colours.some((colour: { id: string }) => colour.id === 'green'), 'an unavailable colour is not offered');
    });

    test('an STL is uploaded, measured and previewed; quotes for two infills differ as the bot’s do', async () => {
      const upload = await call(lavka, 'POST', '/print/models', initData, form(binaryStl(box([50, 40, 30])), 'bracket.stl'));
      assert.equal(upload.status, 201, JSON.stringify(upload.body));
      const model = upload.body.model;
      assert.equal(model.format, 'stl');
      assert.deepEqual(model.size_mm, [50, 40, 30]);
      assert.ok(Math.abs(model.volume_cm3 - 60) < 1e-6, `volume ${model.volume_cm3}`);
      assert.equal(model.is_closed, true);

      const preview = await call(lavka, 'GET', `/print/models/${model.id}/preview?hex=d7263d`, initData);
      assert.equal(preview.status, 200);
      assert.equal(preview.headers.get('content-type'), 'image/png');
      assert.deepEqual([...(preview.body as Uint8Array).slice(0, 4)], [0x89, 0x50, 0x4e, 0x47]);

      // Another customer cannot see or quote this model.
      const other = signWebAppInitData(TEST_BOT_TOKEN, lavka.sim.user({ id: OTHER, first_name: 'Erlan', hasStartedBot: true }).profile, Math.floor(Date.now() / 1000));
      assert.equal((await call(lavka, 'GET', `/print/models/${model.id}/preview`, other)).status, 404);

      const choice = { model_id: model.id, technology: 'fdm', material: 'pla', colour: 'white', quantity: 3 };
      const sparse = await call(lavka, 'POST', '/print/quote', initData, { ...choice, infill_percent: 10 });
      const solid = await call(lavka, 'POST', '/print/quote', initData, { ...choice, infill_percent: 100 });
      assert.equal(sparse.status, 200, JSON.stringify(sparse.body));
      assert.equal(solid.status, 200);
      assert.ok(solid.body.quote.totalMinor > sparse.body.quote.totalMinor, 'more infill costs more');
      assert.ok(solid.body.quote.lines[0].massG > sparse.body.quote.lines[0].massG);
      assert.equal(solid.body.quote.fillFactor, 1);
      // The bot's quote for the same file and choices (the same service the chat's flow asks).
      const [file] = await service.draftFiles(CUSTOMER, [model.id]);
      assert.ok(file);
      for (const [answer, infillPercent] of [[sparse, 10], [solid, 100]] as const) {
        const bot = service.quote([file], { technology: 'fdm', material: 'pla', colour: 'white', infillPercent, quantity: 3 });
        assert.ok(bot);
        const { formatted, ...quote } = answer.body.quote;
        assert.deepEqual(quote, JSON.parse(JSON.stringify(bot)));
        assert.match(formatted.total, /\d/);
      }

      const unavailable = await call(lavka, 'POST', '/print/quote', initData, { ...choice, colour: 'green', material: 'petg', infill_percent: 20 });
      assert.equal(unavailable.status, 400);
      assert.equal(unavailable.body.error.code, 'custom_orders.choice_unavailable');
      const odd = await call(lavka, 'POST', '/print/quote', initData, { ...choice, infill_percent: 33 });
      assert.equal(odd.body.error.code, 'custom_orders.choice_unavailable');
      const gone = await call(lavka, 'POST', '/print/quote', initData, { ...choice, model_id: model.id + 1000, infill_percent: 20 });
      assert.equal(gone.status, 404);
      assert.equal(gone.body.error.code, 'custom_orders.file_not_found');
    });

    test('a file that is not a model is refused with a clear code and nothing is stored', async () => {
      const before = (await filesOf(CUSTOMER)).length;
      const photo = await call(lavka, 'POST', '/print/models', initData, form(jpegBytes(), 'photo.jpg', 'image/jpeg'));
      assert.equal(photo.status, 400);
      assert.equal(photo.body.error.code, 'model.unsupported_format');
      assert.deepEqual(photo.body.error.details.formats, ['stl', 'obj', '3mf']);
      const disguised = await call(lavka, 'POST', '/print/models', initData, form(jpegBytes(), 'photo.stl'));
      assert.equal(disguised.status, 400);
      assert.equal(disguised.body.error.code, 'model.not_a_model');
      const empty = await call(lavka, 'POST', '/print/models', initData, { not: 'a file' });
      assert.equal(empty.status, 400);
      assert.equal((await filesOf(CUSTOMER)).length, before);
    });
  });
}
