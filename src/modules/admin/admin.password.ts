import type * as Argon2 from '@node-rs/argon2';

/**
 * The Argon2 binding (a native library), loaded with the first password hashed or checked:
 * most starts of Lavka never see a password, and need not load it.
 */
let argon2: Promise<typeof Argon2> | undefined;
const loadArgon2 = () => (argon2 ??= import('@node-rs/argon2'));

/** Shortest password the CLI and the panel accept. */
export const MIN_PASSWORD_LENGTH = 10;
/** Longest password accepted; argon2 would take anything, but a megabyte "password" is an attack. */
export const MAX_PASSWORD_LENGTH = 256;

/**
 * A hash made once at start-up and verified against when the login is unknown, so that an
 * unknown login takes as long as a wrong password and logins cannot be discovered by timing.
 */
let decoyHash: Promise<string> | undefined;

/**
 * Hashes a password with Argon2id (OWASP's parameters: 19 MiB, 2 passes, 1 lane — the
 * library's defaults). `@node-rs/argon2` ships prebuilt binaries inside its npm packages,
 * so nothing is compiled at install time.
 */
export async function hashPassword(password: string): Promise<string> {
  return (await loadArgon2()).hash(password);
}

/** True when `password` matches the stored PHC string; a malformed hash counts as a mismatch. */
export async function verifyPassword(storedHash: string | null, password: string): Promise<boolean> {
  const { hash, verify } = await loadArgon2();
  if (!storedHash) {
    decoyHash ??= hash('lavka-decoy-password');
    await verify(await decoyHash, password).catch(() => false);
    return false;
  }
  try {
    return await verify(storedHash, password);
  } catch {
    return false;
  }
}

/** Why a new password is refused, or undefined when it is acceptable. */
export function passwordProblem(password: string): string | undefined {
  if (password.length < MIN_PASSWORD_LENGTH) return `the password must have at least ${MIN_PASSWORD_LENGTH} characters`;
  if (password.length > MAX_PASSWORD_LENGTH) return `the password must have at most ${MAX_PASSWORD_LENGTH} characters`;
  if (new Set(password).size < 4) return 'the password repeats too few characters';
  return undefined;
}
