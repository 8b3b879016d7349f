import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { IocError } from '../errors/define-error';
import { PasswordCommon, PasswordContainsUsername, PasswordTooShort } from '../errors/errors';

/** 000 Art 5.6: at least 8 characters. */
export const PASSWORD_MIN_LENGTH = 8;

const COMMON_PASSWORDS_FILE = fileURLToPath(new URL('./common-passwords.txt', import.meta.url));
let common: ReadonlySet<string> | null = null;

/** The shipped list of common passwords (`common-passwords.txt`, lower-case), read once. */
export function commonPasswords(): ReadonlySet<string> {
  common ??= new Set(
    readFileSync(COMMON_PASSWORDS_FILE, 'utf8')
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line !== '' && !line.startsWith('#')),
  );
  return common;
}

/**
 * Passwords are compared and hashed in Unicode NFC: the same Vietnamese word typed with two keyboards (composed or
 * decomposed diacritics) is the same password (domain.md §0).
 */
export function normalizePassword(password: string): string {
  return password.normalize('NFC');
}

/**
 * Why `password` may not be set for `username`, or null when it may. Refused: fewer than 8 characters (counted as
 * characters, not UTF-16 units); a common password, compared lower-cased, also once trailing digits and symbols are
 * taken off (`Thainguyen@2025` is `thainguyen`); a password containing the user name. Reuse of the current password
 * is checked by the caller, which holds the hash.
 */
export function passwordProblem(password: string, username: string): IocError | null {
  const normalized = normalizePassword(password);
  if ([...normalized].length < PASSWORD_MIN_LENGTH) return PasswordTooShort.create({ min: PASSWORD_MIN_LENGTH });
  const lower = normalized.toLowerCase();
  const list = commonPasswords();
  const stem = lower.replace(/[^\p{L}]+$/u, '');
  if (list.has(lower) || (stem.length >= 4 && list.has(stem))) return PasswordCommon.create({});
  if (username.length >= 3 && lower.includes(username.toLowerCase())) return PasswordContainsUsername.create({});
  return null;
}
