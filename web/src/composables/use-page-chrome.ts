import { computed } from 'vue';
import { useI18n } from 'vue-i18n';
import { useRoute, useRouter } from 'vue-router';
import { useSessionStore } from '../auth/session';
import type { UiLocale } from '../format/time-format';
import { changeLocale } from '../i18n';

/**
 * What a signed-in page's header needs (the dashboards pages, the ops console): the language, who is signed in, the
 * switch and sign-out. A page with a live channel closes it before `signOut`: else the server ending the session would
 * read as a refusal, and the page would send to sign-in as if the session had expired.
 */
export function usePageChrome() {
  const i18n = useI18n();
  const session = useSessionStore();
  const route = useRoute();
  const router = useRouter();
  const locale = computed(() => i18n.locale.value as UiLocale);
  const user = computed(() => {
    const u = session.user;
    return u ? { name: u.displayName ?? u.username, role: i18n.t(`roles.${u.role}`) } : null;
  });
  function switchLocale(next: UiLocale): void {
    changeLocale(i18n, next);
    if (route.query.lang) void router.replace({ query: { ...route.query, lang: next } });
  }
  async function signOut(): Promise<void> {
    await session.logout();
    void router.replace({ name: 'login' });
  }
  return { locale, user, switchLocale, signOut };
}
