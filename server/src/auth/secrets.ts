import { createHash, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';
import { hash, verify, type Options } from '@node-rs/argon2';
import { normalizePassword } from '@ioc/core';

/**
 * argon2id with OWASP's first recommended setting (19 MiB, 2 passes, 1 lane): ~30 ms here, and a GPU gets little
 * from it. `Algorithm` is a const enum, which isolated modules cannot read: 2 is `Algorithm.Argon2id`.
 */
const ARGON2: Options = { algorithm: 2, memoryCost: 19_456, timeCost: 2, parallelism: 1 };

export function hashPassword(password: string): Promise<string> {
  return hash(normalizePassword(password), ARGON2);
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, normalizePassword(password));
  } catch {
    // A malformed stored hash is a wrong password, not a crash of the sign-in page.
    return false;
  }
}

let dummyHash: Promise<string> | null = null;

/**
 * Spends the time of one verification for a user name that does not exist, so that the answer's delay does not tell
 * which names do.
 */
export async function verifyNothing(password: string): Promise<void> {
  dummyHash ??= hashPassword(randomToken(16));
  await verifyPassword(await dummyHash, password);
}

/** A random secret for cookies and pairing links: `bytes` random bytes, base64url. */
export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

/** What the store keeps of a token: its sha256, so a copy of the table opens no session. */
export function tokenHash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

// No 0/O, 1/l/I: first-login passwords are read off a screen or a sheet of paper and typed.
const LOWER = 'abcdefghijkmnpqrstuvwxyz';
const UPPER = 'ABCDEFGHJKLMNPQRSTUVWXYZ';
const DIGITS = '23456789';
const ALL = LOWER + UPPER + DIGITS;

/** A first-login password: 12 characters with lower case, upper case and digits (≈ 70 bits). */
export function generatePassword(length = 12): string {
  const pick = (set: string) => set[randomInt(set.length)]!;
  const chars = [pick(LOWER), pick(UPPER), pick(DIGITS)];
  while (chars.length < length) chars.push(pick(ALL));
  for (let i = chars.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [chars[i], chars[j]] = [chars[j]!, chars[i]!];
  }
  return chars.join('');
}

/** A display device's pairing token; the prefix makes a leaked one easy to recognise in logs and chats. */
export function generateDisplayToken(): string {
  return `iocd_${randomToken(32)}`;
}
