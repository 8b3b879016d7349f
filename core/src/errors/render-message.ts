import { messagesEn } from './messages.en';
import { messagesVi } from './messages.vi';
import type { IocError } from './define-error';

export type Language = 'vi' | 'en';
export const MESSAGES: Record<Language, Record<string, string>> = { vi: messagesVi, en: messagesEn };

/** The error's message in `language` (Vietnamese by default), placeholders filled from its details. */
export function renderMessage(err: Pick<IocError, 'code' | 'details'>, language: Language = 'vi'): string {
  const template = MESSAGES[language][err.code] ?? MESSAGES.en[err.code] ?? err.code;
  return template.replace(/\{(\w+)\}/g, (_, key: string) => {
    const value = err.details[key];
    return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? String(value) : `{${key}}`;
  });
}
