import { expect, it } from 'vitest';
import { ERROR_CODES } from './errors';
import { messagesEn } from './messages.en';
import { messagesVi } from './messages.vi';

const placeholders = (s: string | undefined) => [...(s ?? '').matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

it.each(ERROR_CODES)('%s has a Vietnamese and an English message with the same placeholders', (code) => {
  expect(messagesVi[code], `vi message for ${code}`).toBeTruthy();
  expect(messagesEn[code], `en message for ${code}`).toBeTruthy();
  expect(placeholders(messagesVi[code])).toEqual(placeholders(messagesEn[code]));
});

it('the catalogues hold no message for an unknown code', () => {
  expect(Object.keys(messagesVi).sort()).toEqual([...ERROR_CODES].sort());
  expect(Object.keys(messagesEn).sort()).toEqual([...ERROR_CODES].sort());
});
