import { createRouter, createWebHistory, type RouteRecordRaw } from 'vue-router';
import { installAuthGuard } from './auth-guard';

declare module 'vue-router' {
  interface RouteMeta {
    /** i18n key of the page name, for the document title. */
    titleKey?: string;
    /** Reachable without a session (the sign-in page). */
    public?: boolean;
  }
}

/**
 * One route per screen. The server answers every one of these paths with index.html (SPA fallback), so adding
 * /ops, /dept, /m or /admin is a line here plus its page folder; each page brings its own layout.
 */
export const routes: RouteRecordRaw[] = [
  { path: '/', redirect: '/wall' },
  { path: '/wall', name: 'wall', component: () => import('../wall/wall-page.vue'), meta: { titleKey: 'wall.pageTitle' } },
  {
    path: '/login',
    name: 'login',
    component: () => import('../auth/login-page.vue'),
    meta: { titleKey: 'auth.signInTitle', public: true },
  },
  { path: '/ops', name: 'ops', component: () => import('../ops/ops-page.vue'), meta: { titleKey: 'ops.pageTitle' } },
  {
    path: '/dashboards',
    name: 'dashboards',
    component: () => import('../dashboards/dashboards-page.vue'),
    meta: { titleKey: 'dashboards.pageTitle' },
  },
  {
    path: '/dashboards/:id',
    name: 'dashboard',
    component: () => import('../dashboards/dashboard-page.vue'),
    meta: { titleKey: 'dashboards.pageTitle' },
  },
  { path: '/password', name: 'password', component: () => import('../auth/password-page.vue'), meta: { titleKey: 'auth.changeTitle' } },
  // Until the other screens exist, an unknown address shows the wall rather than a blank page.
  { path: '/:unknown(.*)*', redirect: '/wall' },
];

export function createAppRouter() {
  const router = createRouter({ history: createWebHistory(import.meta.env.BASE_URL), routes });
  installAuthGuard(router);
  return router;
}
