import type { UiLocale } from '../format/time-format';

export const LOCALES: readonly UiLocale[] = ['vi', 'en'];
export const DEFAULT_LOCALE: UiLocale = 'vi';
/** localStorage key of the language chosen with the switch. */
export const LOCALE_STORAGE_KEY = 'ioc.locale';

function asLocale(value: string | null | undefined): UiLocale | null {
  return value === 'vi' || value === 'en' ? value : null;
}

/**
 * The language a screen starts in: `?lang=` first (a kiosk URL can pin it), then the viewer's saved choice, then
 * Vietnamese. Storage may be missing or throw (private mode, locked-down kiosks): that only loses the saved choice.
 */
export function initialLocale(search: string, storage: Pick<Storage, 'getItem'> | null): UiLocale {
  const fromQuery = asLocale(new URLSearchParams(search).get('lang'));
  if (fromQuery) return fromQuery;
  try {
    return asLocale(storage?.getItem(LOCALE_STORAGE_KEY)) ?? DEFAULT_LOCALE;
  } catch {
    return DEFAULT_LOCALE;
  }
}

/** Saves the viewer's choice; a storage that refuses is not an error worth showing on a wall. */
export function saveLocale(locale: UiLocale, storage: Pick<Storage, 'setItem'> | null): void {
  try {
    storage?.setItem(LOCALE_STORAGE_KEY, locale);
  } catch {
    // The choice lasts until the page reloads.
  }
}
