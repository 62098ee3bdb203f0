import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { binaryStl, box, jpegBytes } from '../../../../test/support/mesh-fixtures.ts';
import { createModelAnalyser } from './analyser.ts';
import { ModelError } from './errors.ts';

describe('model analyser', () => {
  test('a worker thread measures models one after another and passes refusals back as ModelErrors', async () => {
    const analyser = createModelAnalyser();
    try {
      const [cube, refused, plate] = await Promise.allSettled([
        analyser.analyse(binaryStl(box([10, 10, 10])), 'cube.stl', { widthPx: 64, heightPx: 48 }),
        analyser.analyse(jpegBytes(), 'photo.stl'),
        analyser.analyse(binaryStl(box([20, 10, 5])), 'plate.stl'),
      ]);
      assert.equal(cube.status, 'fulfilled');
      assert.ok(Math.abs((cube.status === 'fulfilled' ? cube.value.measurements.volumeCm3 : 0) - 1) < 1e-6);
      const png = cube.status === 'fulfilled' ? Buffer.from(cube.value.thumbnailPng) : Buffer.alloc(0);
      assert.deepEqual([png.readUInt32BE(16), png.readUInt32BE(20)], [64, 48]);
      assert.equal(refused.status, 'rejected');
      assert.ok(refused.status === 'rejected' && refused.reason instanceof ModelError && refused.reason.code === 'model.not_a_model');
      assert.equal(plate.status, 'fulfilled');
      assert.deepEqual(plate.status === 'fulfilled' ? plate.value.measurements.sizeMm : [], [20, 10, 5]);
    } finally {
      await analyser.close();
    }
  });

  test('a model that takes longer than the limit is refused as too complex, and the next one is analysed', async () => {
    const analyser = createModelAnalyser({ timeoutMs: 1 });
    try {
      await assert.rejects(analyser.analyse(binaryStl(box([10, 10, 10])), 'slow.stl'), (error: unknown) => error instanceof ModelError && error.code === 'model.too_complex');
    } finally {
      await analyser.close();
    }
    const patient = createModelAnalyser({ timeoutMs: 30_000, idleMs: 10 });
    try {
      const result = await patient.analyse(binaryStl(box([10, 10, 10])), 'cube.stl');
      assert.equal(result.measurements.triangleCount, 12);
      // After the idle time the worker is gone; the next model starts a new one.
      await new Promise((resolve) => setTimeout(resolve, 50));
      assert.equal((await patient.analyse(binaryStl(box([10, 10, 10])), 'again.stl')).measurements.triangleCount, 12);
    } finally {
      await patient.close();
    }
  });
});
