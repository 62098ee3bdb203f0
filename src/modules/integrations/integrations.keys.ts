import { createHmac, randomBytes } from 'node:crypto';

/** Every key starts so: scanners (GitHub's, a company's own) recognise a leaked Lavka key. */
export const KEY_PREFIX = 'lvk_live_';
/** Random characters after the prefix: 40 of 62 are about 238 bits. */
const SECRET_LENGTH = 40;
/** Characters of the secret shown in the panel after the prefix, to tell keys apart. */
const SHOWN_LENGTH = 8;
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** A new secret: the prefix and 40 random letters and digits (no bias: bytes ≥ 248 are drawn again). */
export function generateSecret(): string {
  let out = '';
  while (out.length < SECRET_LENGTH) {
    for (const byte of randomBytes(SECRET_LENGTH)) {
      if (byte < 248 && out.length < SECRET_LENGTH) out += ALPHABET[byte % 62];
    }
  }
  return `${KEY_PREFIX}${out}`;
}

/** True for a string shaped like a Lavka key (checked before any lookup). */
export function looksLikeKey(secret: string): boolean {
  return secret.length === KEY_PREFIX.length + SECRET_LENGTH && secret.startsWith(KEY_PREFIX) && /^[A-Za-z0-9]+$/.test(secret.slice(KEY_PREFIX.length));
}

/** The part of a key that may be shown: `lvk_live_AbCd1234`. */
export function shownPrefixOf(secret: string): string {
  return secret.slice(0, KEY_PREFIX.length + SHOWN_LENGTH);
}

/** What is stored of a key: its HMAC-SHA-256 under the server's secret, in hex. */
export function hashSecret(serverSecret: string, secret: string): string {
  return createHmac('sha256', serverSecret).update(secret).digest('hex');
}
