import { createRouter, createWebHistory, type RouteRecordRaw } from 'vue-router';

declare module 'vue-router' {
  interface RouteMeta {
    /** i18n key of the page name, for the document title. */
    titleKey?: string;
  }
}

/**
 * One route per screen. The server answers every one of these paths with index.html (SPA fallback), so adding
 * /ops, /dept, /m or /admin is a line here plus its page folder; each page brings its own layout.
 */
export const routes: RouteRecordRaw[] = [
  { path: '/', redirect: '/wall' },
  { path: '/wall', name: 'wall', component: () => import('../wall/wall-page.vue'), meta: { titleKey: 'wall.pageTitle' } },
  // Until the other screens exist, an unknown address shows the wall rather than a blank page.
  { path: '/:unknown(.*)*', redirect: '/wall' },
];

export function createAppRouter() {
  return createRouter({ history: createWebHistory(import.meta.env.BASE_URL), routes });
}
