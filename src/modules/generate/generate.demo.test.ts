import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { readPngChunks } from '../../../test/support/png.ts';
import { createDemoGenerator, drawPromptPicture } from './generate.demo.ts';

const request = (prompt: string) => ({ jobId: 1, prompt, locale: 'en' as const, signal: new AbortController().signal });
const noSleep = async () => undefined;

describe('the demo generator', () => {
  test('the same prompt always draws the same picture and another prompt draws a different one', () => {
    const fox = drawPromptPicture('a red fox');
    assert.ok(fox.equals(drawPromptPicture('  A red fox ')), 'case and surrounding spaces do not matter');
    assert.ok(!fox.equals(drawPromptPicture('a blue whale')));
  });

  test('the picture is a valid 512×512 colour PNG', () => {
    const chunks = readPngChunks(drawPromptPicture('кот на крыше'));
    const header = chunks.find((chunk) => chunk.type === 'IHDR');
    assert.deepEqual([header?.data.readUInt32BE(0), header?.data.readUInt32BE(4), header?.data[8], header?.data[9]], [512, 512, 8, 2]);
  });

  test('it reports rising progress after each step and returns the picture', async () => {
    const seen: number[] = [];
    const result = await createDemoGenerator({ steps: 4, stepMs: 0, failMarker: '#fail' }, noSleep).run(request('a red fox'), async (percent) => void seen.push(percent));
    assert.deepEqual(seen, [25, 50, 75, 100]);
    assert.equal(result.kind, 'image');
    assert.ok(result.kind === 'image' && Buffer.from(result.png).equals(drawPromptPicture('a red fox')));
  });

  test('a prompt with the fail marker fails half-way with generate.job_failed', async () => {
    const seen: number[] = [];
    await assert.rejects(
      createDemoGenerator({ steps: 4, stepMs: 0, failMarker: '#fail' }, noSleep).run(request('#fail a red fox'), async (percent) => void seen.push(percent)),
      (error: Error & { code?: string }) => error.code === 'generate.job_failed',
    );
    assert.deepEqual(seen, [25]);
  });
});
