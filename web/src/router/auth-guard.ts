import type { LocationQueryRaw, RouteLocationNormalized, Router } from 'vue-router';
import { useSessionStore } from '../auth/session';

/** Where to go after signing in: a path of this app only (never `//other.site` or a full URL). */
export function safeNext(value: unknown, fallback = '/wall'): string {
  return typeof value === 'string' && /^\/(?![/\\])/.test(value) && !value.startsWith('/login') ? value : fallback;
}

function nextQuery(to: RouteLocationNormalized): LocationQueryRaw {
  return to.fullPath === '/wall' || to.fullPath === '/' ? {} : { next: to.fullPath };
}

/**
 * Every screen but the sign-in page needs a session. Without one: the sign-in page (coming back here after). With a
 * password change due (first login, reset, 6 months): the change-password page and nothing else (domain.md §1.3).
 * A display device shows its dashboard only. The server enforces all of this too; the guard only spares people
 * screens that would be refused.
 */
export function installAuthGuard(router: Router): void {
  router.beforeEach(async (to) => {
    if (to.meta.public) return true;
    const session = useSessionStore();
    if (session.status === 'unknown') await session.load();
    if (session.status !== 'authenticated') return { name: 'login', query: nextQuery(to) };
    if (session.isDisplay) return to.name === 'wall' ? true : { name: 'wall' };
    if (session.passwordChangeRequired && to.name !== 'password') return { name: 'password', query: nextQuery(to) };
    return true;
  });
}
