import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import pg from 'pg';
import { freePort } from '../../test/support/harness.ts';
import type { BotContext } from './context.ts';
import { holdWhileDatabaseDown } from './database-wait.ts';

/** The error pg gives when the server is not there: real, from a closed port. */
async function connectionRefused(): Promise<unknown> {
  const client = new pg.Client({ connectionString: `postgres://postgres@127.0.0.1:${await freePort()}/none`, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
  } catch (error) {
    return error;
  }
  throw new Error('expected the connection to be refused');
}

const ctx = {} as BotContext;

describe('holding updates while the database is away', () => {
  test('after an update lost the database, the next one waits until it answers and then runs', async () => {
    const refused = await connectionRefused();
    let databaseUp = false;
    const events: string[] = [];
    const hold = holdWhileDatabaseDown({
      health: async () => {
        events.push(databaseUp ? 'probe:up' : 'probe:down');
        return { ok: databaseUp };
      },
      pollMs: 20,
      maxWaitMs: 5000,
    });
    await assert.rejects(async () =>
      hold(ctx, async () => {
        throw refused;
      }),
    );
    setTimeout(() => {
      databaseUp = true;
    }, 150);
    await hold(ctx, async () => void events.push('handled'));
    assert.equal(events.at(-1), 'handled');
    assert.equal(events.at(-2), 'probe:up');
    assert.ok(events.includes('probe:down'));
    // The database is back: the update after that runs at once, without a probe.
    const probes = events.length;
    await hold(ctx, async () => void events.push('handled again'));
    assert.deepEqual(events.slice(probes), ['handled again']);
  });

  test('an update waits at most the set time, then runs anyway', async () => {
    const refused = await connectionRefused();
    const hold = holdWhileDatabaseDown({ health: async () => ({ ok: false }), pollMs: 10, maxWaitMs: 100 });
    await assert.rejects(async () =>
      hold(ctx, async () => {
        throw refused;
      }),
    );
    let handled = false;
    await hold(ctx, async () => {
      handled = true;
    });
    assert.equal(handled, true);
  });

  test('a failure that is not a lost connection holds nothing and asks nothing', async () => {
    let probes = 0;
    const hold = holdWhileDatabaseDown({
      health: async () => {
        probes += 1;
        return { ok: false };
      },
    });
    await assert.rejects(async () =>
      hold(ctx, async () => {
        throw new TypeError("Cannot read properties of undefined (reading 'id')");
      }),
    );
    await hold(ctx, async () => {});
    assert.equal(probes, 0);
  });
});
