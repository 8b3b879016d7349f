import { describe, expect, it } from 'vitest';
import en from './en';
import { initialLocale, LOCALE_STORAGE_KEY } from './locale';
import vi from './vi';

function leaves(messages: object, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, value] of Object.entries(messages)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (typeof value === 'string') out.set(path, value);
    else for (const [k, v] of leaves(value as object, path)) out.set(k, v);
  }
  return out;
}

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('messages', () => {
  it('have the same keys and placeholders in Vietnamese and English', () => {
    const viLeaves = leaves(vi);
    const enLeaves = leaves(en);
    expect([...enLeaves.keys()].sort()).toEqual([...viLeaves.keys()].sort());
    for (const [key, text] of viLeaves) expect(placeholders(enLeaves.get(key)!), key).toEqual(placeholders(text));
  });

  it('use no vue-i18n syntax characters by accident (@ starts a linked message, | a plural)', () => {
    for (const [key, text] of [...leaves(vi), ...leaves(en)]) expect(text, key).not.toMatch(/[@|]/);
  });

  it('are Unicode NFC (domain.md §0), with the wall’s key terms spelled right', () => {
    for (const [key, text] of leaves(vi)) expect(text.normalize('NFC'), key).toBe(text);
    expect(vi.kpi).toMatchObject({
      received: 'Hồ sơ tiếp nhận hôm nay',
      finishedOnTime: 'Giải quyết đúng hạn',
      finishedLate: 'Giải quyết trễ hạn',
      open: 'Đang xử lý',
      overdue: 'Quá hạn',
      onTimeRate: 'Tỷ lệ đúng hạn',
      noData: 'Không có dữ liệu',
    });
    expect(vi.link.reconnecting).toBe('Mất kết nối — đang kết nối lại…');
  });
});

describe('initialLocale', () => {
  const storage = (value: string | null) => ({ getItem: (key: string) => (key === LOCALE_STORAGE_KEY ? value : null) });

  it('is Vietnamese by default', () => {
    expect(initialLocale('', storage(null))).toBe('vi');
    expect(initialLocale('', null)).toBe('vi');
  });
  it('follows the saved choice, and ?lang= over it', () => {
    expect(initialLocale('', storage('en'))).toBe('en');
    expect(initialLocale('?lang=en', storage('vi'))).toBe('en');
    expect(initialLocale('?lang=vi', storage('en'))).toBe('vi');
  });
  it('ignores unknown languages and a storage that throws', () => {
    expect(initialLocale('?lang=fr', storage('de'))).toBe('vi');
    expect(
      initialLocale('', {
        getItem: () => {
          throw new Error('SecurityError');
        },
      }),
    ).toBe('vi');
  });
});
