import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { describe, test } from 'node:test';
import { createOutgoingPolicy, OutgoingError, OutgoingTooLarge, postThrough, requestThrough } from './outgoing.ts';

const refusal = async (promise: Promise<unknown>): Promise<string | undefined> => {
  try {
    await promise;
    return undefined;
  } catch (error) {
    return error instanceof OutgoingError ? error.code : `other: ${(error as Error).message}`;
  }
};

describe('the outgoing URL policy (webhooks, connectors, feeds)', () => {
  test('internal addresses are refused by default, public ones pass', async () => {
    const policy = createOutgoingPolicy([]);
    for (const url of [
      'http://127.0.0.1/',
      'http://127.8.9.10:8080/x',
      'http://10.1.2.3/',
      'http://172.16.0.1/',
      'http://192.168.1.1/',
      'http://169.254.169.254/latest/meta-data',
      'http://100.64.0.1/',
      'http://0.0.0.0/',
      'http://[::1]/',
      'http://[::ffff:127.0.0.1]/',
      'http://[fd00::1]/',
      'http://[fe80::1]/',
      'http://localhost/',
    ]) {
      assert.equal(await refusal(policy.check(url)), 'outgoing.address_refused', url);
    }
    for (const url of ['https://8.8.8.8/hook', 'http://[2a00:1450:4001::1]/hook']) assert.equal(await refusal(policy.check(url)), undefined, url);
    for (const url of ['ftp://8.8.8.8/', 'https://user:pass@8.8.8.8/', 'not a url', 'javascript:alert(1)']) assert.equal(await refusal(policy.check(url)), 'outgoing.url_invalid', url);
  });

  test('the config file allows exactly the addresses, ranges and host names it lists', async () => {
    const policy = createOutgoingPolicy(['127.0.0.1', '10.0.0.0/8', 'localhost']);
    assert.equal(await refusal(policy.check('http://127.0.0.1:9000/')), undefined);
    assert.equal(await refusal(policy.check('http://127.0.0.2/')), 'outgoing.address_refused');
    assert.equal(await refusal(policy.check('http://10.200.3.4/')), undefined);
    assert.equal(await refusal(policy.check('http://192.168.0.1/')), 'outgoing.address_refused');
    assert.equal(await refusal(policy.check('http://localhost/')), undefined);
  });

  test('the check runs again on every connection, so a name cannot be turned into an internal address later', async () => {
    const server = createServer((_request, response) => response.writeHead(204).end());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    try {
      // A name that resolves to loopback: refused at connection time without a rule for it.
      const strict = createOutgoingPolicy([]);
      assert.equal(await refusal(postThrough(strict, new URL(`http://localhost:${port}/`), '{}', {}, 2000)), 'outgoing.address_refused');
      const allowed = createOutgoingPolicy(['localhost']);
      assert.equal((await postThrough(allowed, new URL(`http://localhost:${port}/`), '{}', {}, 2000)).status, 204);
    } finally {
      server.close();
    }
  });

  test('a call to an address written in the URL is checked too, and an answer over the size a caller accepts is refused', async () => {
    const big = Buffer.alloc(50_000, 'x');
    const server = createServer((request, response) => response.writeHead(200, { 'content-type': 'text/plain' }).end(request.url === '/big' ? big : 'ok'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    try {
      assert.equal(await refusal(requestThrough(createOutgoingPolicy([]), new URL(`http://127.0.0.1:${port}/`), { timeoutMs: 2000, maxBytes: 1000 })), 'outgoing.address_refused');
      const allowed = createOutgoingPolicy(['127.0.0.1']);
      const small = await requestThrough(allowed, new URL(`http://127.0.0.1:${port}/`), { timeoutMs: 2000, maxBytes: 1000 });
      assert.equal(small.body.toString(), 'ok');
      await assert.rejects(requestThrough(allowed, new URL(`http://127.0.0.1:${port}/big`), { timeoutMs: 2000, maxBytes: 10_000 }), OutgoingTooLarge);
      const whole = await requestThrough(allowed, new URL(`http://127.0.0.1:${port}/big`), { timeoutMs: 2000, maxBytes: 100_000 });
      assert.equal(whole.body.length, big.length);
      const start = await requestThrough(allowed, new URL(`http://127.0.0.1:${port}/big`), { timeoutMs: 2000, maxBytes: 10_000, truncate: true });
      assert.equal(start.body.length, 10_000);
    } finally {
      server.close();
    }
  });

  test('a call waits until what the database committed is on disk before it connects', async () => {
    const events: string[] = [];
    const server = createServer((_request, response) => (events.push('received'), response.writeHead(204).end()));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    let synced!: () => void;
    const policy = createOutgoingPolicy(['127.0.0.1'], { untilDurable: () => new Promise<void>((resolve) => (synced = () => (events.push('synced'), resolve()))) });
    try {
      const call = postThrough(policy, new URL(`http://127.0.0.1:${port}/hook`), '{"event":"order.created"}', {}, 2000);
      await new Promise((resolve) => setTimeout(resolve, 50));
      assert.deepEqual(events, [], 'nothing reaches the other system before the disk has the write');
      synced();
      assert.equal((await call).status, 204);
      assert.deepEqual(events, ['synced', 'received']);
    } finally {
      server.close();
    }
  });
});
