import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import { createGroupCommit, durabilityRelaxed, withRelaxedDurability } from './durability.ts';

/** A WAL file to sync, and a sync that counts its calls and finishes when told to. */
function scratch() {
  const dir = mkdtempSync(path.join(tmpdir(), 'lavka-durability-'));
  const file = path.join(dir, 'lavka.db');
  writeFileSync(`${file}-wal`, 'frames');
  const syncs: { done: () => void }[] = [];
  const group = createGroupCommit(file, () => new Promise<void>((resolve) => syncs.push({ done: resolve })));
  return { group, syncs, drop: async () => (await group.close(), rmSync(dir, { recursive: true, force: true })) };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));
/** Waits (bounded) until `count` syncs have started: opening the WAL file takes a few turns of the loop. */
const syncsStarted = async (syncs: readonly unknown[], count: number) => {
  for (let turns = 0; syncs.length < count && turns < 200; turns++) await new Promise((resolve) => setTimeout(resolve, 1));
};

describe('group commit', () => {
  test('nothing committed: nothing to sync', async () => {
    const { group, syncs, drop } = scratch();
    await group.untilDurable();
    assert.equal(syncs.length, 0);
    await drop();
  });

  test('commits made while a sync runs share the next one, and each waiter waits for the sync that covers it', async () => {
    const { group, syncs, drop } = scratch();
    const resolved: string[] = [];
    group.committed();
    const first = group.untilDurable().then(() => resolved.push('first'));
    await syncsStarted(syncs, 1);
    assert.equal(syncs.length, 1, 'one sync for the first commit');
    // Two more commits while that sync is on the disk: it does not cover them.
    group.committed();
    const second = group.untilDurable().then(() => resolved.push('second'));
    group.committed();
    const third = group.untilDurable().then(() => resolved.push('third'));
    await tick();
    assert.equal(syncs.length, 1, 'they wait for the running sync instead of starting their own');
    syncs[0]?.done();
    await first;
    await tick();
    assert.deepEqual(resolved, ['first'], 'the later commits are not acknowledged by an earlier sync');
    assert.equal(syncs.length, 2, 'one more sync, shared by both');
    syncs[1]?.done();
    await Promise.all([second, third]);
    assert.deepEqual(resolved.sort(), ['first', 'second', 'third']);
    // Everything is on disk: asking again costs nothing.
    await group.untilDurable();
    assert.equal(syncs.length, 2);
    await drop();
  });

  test('a commit no acknowledgement waits for forces no sync; the next sync takes it along', async () => {
    const { group, syncs, drop } = scratch();
    group.committed(false);
    await group.untilDurable();
    assert.equal(syncs.length, 0, 'bookkeeping alone is not synced for an answer');
    group.committed(true);
    const acknowledged = group.untilDurable();
    await syncsStarted(syncs, 1);
    assert.equal(syncs.length, 1);
    syncs[0]?.done();
    await acknowledged;
    await drop();
  });

  test('writes inside withRelaxedDurability are told apart', () => {
    assert.equal(durabilityRelaxed(), false);
    assert.equal(
      withRelaxedDurability(() => durabilityRelaxed()),
      true,
    );
    assert.equal(durabilityRelaxed(), false);
  });

  test('a failed sync fails the acknowledgement, and the next one tries again', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'lavka-durability-'));
    const file = path.join(dir, 'lavka.db');
    writeFileSync(`${file}-wal`, 'frames');
    let calls = 0;
    const group = createGroupCommit(file, async () => {
      calls += 1;
      if (calls === 1) throw Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' });
    });
    group.committed();
    await assert.rejects(group.untilDurable(), /EIO/);
    await group.untilDurable();
    assert.equal(calls, 2);
    await group.close();
    rmSync(dir, { recursive: true, force: true });
  });
});
