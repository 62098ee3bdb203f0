import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CustomOrdersError } from './custom-orders.core.ts';
import { FILE_LINK_TTL_MS, createFileLinks } from './custom-orders.file-links.ts';

describe('print files for the order back end: signed, expiring links', () => {
  let nowMs = Date.parse('2026-03-11T06:00:00Z');
  const links = createFileLinks({ key: Buffer.from('k'.repeat(32)), publicUrl: 'https://shop.example/', now: () => nowMs });
  const parts = (url: string) => {
    const parsed = new URL(url);
    return { fileId: Number(parsed.pathname.split('/').at(-1)), expires: Number(parsed.searchParams.get('expires')), signature: parsed.searchParams.get('signature') ?? '' };
  };
  const codeOf = (work: () => void) => {
    try {
      work();
      return 'ok';
    } catch (error) {
      return error instanceof CustomOrdersError ? error.code : 'other';
    }
  };

  test('a link names the public URL once, works until it expires, and is refused after', () => {
    const url = links.urlOf(7, Math.floor((nowMs + FILE_LINK_TTL_MS) / 1000)) ?? '';
    assert.match(url, /^https:\/\/shop\.example\/public\/custom-orders\/files\/7\?expires=\d+&signature=[\w-]+$/);
    const { fileId, expires, signature } = parts(url);
    assert.equal(codeOf(() => links.check(fileId, expires, signature)), 'ok');
    nowMs += FILE_LINK_TTL_MS + 1000;
    assert.equal(codeOf(() => links.check(fileId, expires, signature)), 'custom_orders.link_expired');
  });

  test('a signature is for one file and one expiry, under one key', () => {
    const { fileId, expires, signature } = parts(links.urlOf(7, 4_000_000_000) ?? '');
    assert.equal(codeOf(() => links.check(fileId + 1, expires, signature)), 'custom_orders.link_invalid');
    assert.equal(codeOf(() => links.check(fileId, expires + 1, signature)), 'custom_orders.link_invalid');
    const other = createFileLinks({ key: Buffer.from('o'.repeat(32)), publicUrl: 'https://shop.example', now: () => nowMs });
    assert.equal(codeOf(() => other.check(fileId, expires, signature)), 'custom_orders.link_invalid');
  });

  test('without a public URL there are no links', () => {
    const offline = createFileLinks({ key: Buffer.from('k'.repeat(32)), publicUrl: undefined, now: () => nowMs });
    assert.equal(offline.urlOf(7, 4_000_000_000), undefined);
  });
});
