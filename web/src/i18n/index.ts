import { createI18n } from 'vue-i18n';
import type { UiLocale } from '../format/time-format';
import en from './en';
import { DEFAULT_LOCALE, initialLocale, saveLocale } from './locale';
import vi, { type MessageSchema } from './vi';

function browserStorage(): Storage | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage;
  } catch {
    return null;
  }
}

/** The app's vue-i18n instance (composition mode), starting in the language `initialLocale` picks. */
export function createAppI18n(locale: UiLocale = initialLocale(globalThis.location?.search ?? '', browserStorage())) {
  const i18n = createI18n<[MessageSchema], UiLocale, false>({
    legacy: false,
    locale,
    fallbackLocale: DEFAULT_LOCALE,
    messages: { vi, en },
  });
  setDocumentLanguage(locale);
  return i18n;
}

/** `<html lang>` follows the interface language, so screen readers and hyphenation do too. */
export function setDocumentLanguage(locale: UiLocale): void {
  if (typeof document !== 'undefined') document.documentElement.lang = locale;
}

/** Switches the language everywhere (pass `useI18n()` or `i18n.global`) and remembers the choice on this device. */
export function changeLocale(composer: { locale: { value: string } }, locale: UiLocale): void {
  composer.locale.value = locale;
  setDocumentLanguage(locale);
  saveLocale(locale, browserStorage());
}
