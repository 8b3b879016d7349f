import { describe, expect, it } from 'vitest';
import { commonPasswords, passwordProblem } from './password-policy';

describe('passwordProblem', () => {
  it.each([
    ['1234567', 'password.tooShort'],
    ['Ảnh7ký', 'password.tooShort'],
    ['12345678', 'password.common'],
    ['PASSWORD1', 'password.common'],
    ['matkhau123', 'password.common'],
    ['Thainguyen2025', 'password.common'],
    ['thainguyen@123', 'password.common'],
    ['Admin@123', 'password.common'],
    ['P@ssw0rd', 'password.common'],
    ['iloveyou!!', 'password.common'],
    ['anhyeuem123', 'password.common'],
    ['88888888', 'password.common'],
    ['nguyenvana-2026', 'password.containsUsername'],
  ])('refuses %s: %s', (password, code) => {
    expect(passwordProblem(password, 'nguyenvana')?.code).toBe(code);
  });

  it.each(['Đồi chè Tân Cương', 'xe-dap-do-2026', 'Trâu ăn cỏ non', 'k7#Qm2vL'])('accepts %s', (password) => {
    expect(passwordProblem(password, 'nguyenvana')).toBeNull();
  });

  it('counts characters, not UTF-16 units, in NFC: eight Vietnamese letters are eight', () => {
    const decomposed = 'Ảnh7kýđẹ'.normalize('NFD');
    expect(decomposed.length).toBeGreaterThan(8);
    expect(passwordProblem(decomposed, 'x')).toBeNull();
    expect(passwordProblem('Ảnh7kýđ'.normalize('NFD'), 'x')?.code).toBe('password.tooShort');
  });

  it('ships about a thousand common passwords, lower-case, with the Vietnamese favourites', () => {
    const list = commonPasswords();
    expect(list.size).toBeGreaterThan(1000);
    for (const p of ['123456', 'password', 'matkhau', '12345678', 'thainguyen', 'admin@123']) expect(list.has(p), p).toBe(true);
    expect([...list].every((p) => p === p.toLowerCase() && !p.startsWith('#'))).toBe(true);
  });
});
