import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestLavka, type TestLavka } from '../support/harness.ts';

describe('staff roles in the bot', () => {
  let lavka: TestLavka;
  before(async () => {
    lavka = await startTestLavka({ preset: 'shop', adminIds: [900] });
  });
  after(async () => {
    await lavka?.stop();
  });

  test('a manager added in the admin panel may use the staff commands; a support agent and a customer may not', async () => {
    const admin = lavka.app.services.admin;
    assert.ok(admin);
    await admin.createStaff({ telegramId: 7100, displayName: 'Manager', role: 'manager' });
    await admin.createStaff({ telegramId: 7101, displayName: 'Support', role: 'support' });
    const manager = lavka.sim.user({ id: 7100, first_name: 'Manager', language_code: 'en' });
    const support = lavka.sim.user({ id: 7101, first_name: 'Support', language_code: 'en' });
    const customer = lavka.sim.user({ id: 7102, first_name: 'Customer', language_code: 'en' });

    await manager.send('/stats');
    const stats = await manager.waitForMessage(undefined, { timeoutMs: 5000 });
    assert.notEqual(stats.text, 'This command is for the shop\u2019s staff only.');
    assert.doesNotMatch(stats.text ?? '', /staff only/);

    for (const user of [support, customer]) {
      await user.send('/stats');
      const refusal = await user.waitForMessage(undefined, { timeoutMs: 5000 });
      assert.match(refusal.text ?? '', /staff only/);
    }
  });

  test('a disabled staff account loses the staff commands', async () => {
    const admin = lavka.app.services.admin;
    assert.ok(admin);
    const staff = await admin.createStaff({ telegramId: 7110, displayName: 'Leaving', role: 'manager' });
    const manager = lavka.sim.user({ id: 7110, first_name: 'Leaving', language_code: 'en' });
    await manager.send('/stats');
    assert.doesNotMatch((await manager.waitForMessage(undefined, { timeoutMs: 5000 })).text ?? '', /staff only/);
    await admin.updateStaff(staff.id, { disabled: true });
    await manager.send('/stats');
    assert.match((await manager.waitForMessage(undefined, { timeoutMs: 5000 })).text ?? '', /staff only/);
  });
});
