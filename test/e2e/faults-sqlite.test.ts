import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql, type Kysely } from 'kysely';
import { startTestLavka, type TestLavka } from '../support/harness.ts';

// A full disk under SQLite, made with `max_page_count`: SQLite then fails every write that
// needs a new page with SQLITE_FULL, exactly as it does when the disk has no space left.

interface Filler {
  test_filler: { body: string };
}

interface Readiness {
  status: string;
  checks: { name: string; ok: boolean; detail?: string }[];
}

async function readiness(lavka: TestLavka): Promise<{ code: number; database?: { ok: boolean; detail?: string } }> {
  const response = await fetch(`${lavka.app.url}/health/ready`);
  const body = (await response.json()) as Readiness;
  return { code: response.status, database: body.checks.find((item) => item.name === 'database') };
}

/** Caps the file at its size and fills what room is left in it, as a disk that filled up. */
async function fillDisk(db: Kysely<Filler>): Promise<void> {
  await sql`create table if not exists test_filler (body text not null)`.execute(db);
  await sql`pragma max_page_count = 1`.execute(db);
  for (const size of [3000, 300, 30]) {
    for (;;) {
      try {
        await db.insertInto('test_filler').values({ body: 'x'.repeat(size) }).execute();
      } catch {
        break;
      }
    }
  }
}

describe('Lavka on SQLite when the disk is full', () => {
  let lavka: TestLavka;
  before(async () => {
    lavka = await startTestLavka();
  });
  after(async () => {
    await lavka?.stop();
  });

  test('writes fail, the user is answered, reads go on, readiness says "disk full", and all recovers when space returns', async () => {
    const user = lavka.sim.user({ id: 6101, first_name: 'Full', language_code: 'en' });
    await user.send('/start');
    await user.waitForMessage((message) => Boolean(message.text?.startsWith('Hello')), { timeoutMs: 5000 });
    const db = lavka.app.database.db as unknown as Kysely<Filler>;
    await fillDisk(db);

    const full = await readiness(lavka);
    assert.equal(full.code, 503);
    assert.match(full.database?.detail ?? '', /^disk full/);

    // Each search keeps its words in the session, committed with the update's mark after the
    // answer; once the last page with room is used up, that commit fails and the user is told.
    // (An update that wrote nothing and answered already is not followed by an apology.)
    let apology: string | undefined;
    for (let attempt = 0; attempt < 400 && apology === undefined; attempt += 1) {
      await user.send(`/search filler${attempt}`);
      const reply = await user.waitForMessage(undefined, { timeoutMs: 5000 });
      if (!reply.text?.includes(`“filler${attempt}”`)) apology = reply.text;
    }
    assert.equal(apology ?? 'no update failed', 'The service is briefly unavailable. Please try again in a minute.');
    // The process still serves reads.
    assert.equal((await lavka.app.services.users?.get(6101))?.first_name, 'Full');

    await sql`pragma max_page_count = 1073741823`.execute(db);
    await user.send('/help');
    await user.waitForMessage((message) => message.text?.startsWith('Here is what I can do') === true, { timeoutMs: 5000 });
    const recovered = await readiness(lavka);
    assert.equal(recovered.code, 200, JSON.stringify(recovered.database));
  });
});
