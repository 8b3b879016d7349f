import type { CreateSilenceRequest, Role, SilenceView } from '@ioc/core';
import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import { apiRequest, type ApiError, type ApiResult, type Fetcher } from '../auth/api';
import { useSessionStore } from '../auth/session';

/** How a silence stands at an instant, for the list's label and order. */
export type SilenceStatus = 'active' | 'upcoming' | 'cancelled' | 'ended';

export function silenceStatus(s: SilenceView, now: number): SilenceStatus {
  if (s.cancelledAt) return 'cancelled';
  if (Date.parse(s.endsAt) <= now) return 'ended';
  return Date.parse(s.startsAt) > now ? 'upcoming' : 'active';
}

const STATUS_ORDER: Record<SilenceStatus, number> = { active: 0, upcoming: 1, cancelled: 2, ended: 3 };

/** Active first (ending soonest first), then upcoming (starting soonest), then cancelled ones, most recent first. */
export function orderSilences(list: readonly SilenceView[], now: number): SilenceView[] {
  const key = (s: SilenceView, status: SilenceStatus) =>
    status === 'active' ? Date.parse(s.endsAt) : status === 'upcoming' ? Date.parse(s.startsAt) : -Date.parse(s.cancelledAt ?? s.endsAt);
  return list
    .map((s) => ({ s, status: silenceStatus(s, now) }))
    .sort((a, b) => STATUS_ORDER[a.status] - STATUS_ORDER[b.status] || key(a.s, a.status) - key(b.s, b.status))
    .map(({ s }) => s);
}

/** The end of a silence chosen as "for N hours from now", as the ISO instant the API takes. */
export function endsAfterHours(now: number, hours: number): string {
  return new Date(now + hours * 3_600_000).toISOString();
}

/** Whether a role may create a silence and end one early (server/src/policy/policy.ts `silence.create`, `silence.cancel`). */
export function canSilence(role: Role | null | undefined): boolean {
  return role === 'operator' || role === 'admin';
}

/**
 * Whether a role may see the silences (`silence.list`): the centre's operators and admins, leaders and viewers. A
 * department handles what is forwarded to it and does not; nor does a display device.
 */
export function canSeeSilences(role: Role | null | undefined): boolean {
  return role === 'operator' || role === 'admin' || role === 'leader' || role === 'viewer';
}

export interface SilencesOptions {
  fetcher?: Fetcher;
  clock?: () => number;
}

/**
 * Silences and maintenance windows (`/api/silences`): alerts they match still show, marked silenced, but nobody is
 * notified and no incident opens. They are not pushed live: the list loads when shown and after each change here.
 */
export const useSilencesStore = defineStore('silences', () => {
  const silences = shallowRef<SilenceView[]>([]);
  const loaded = ref(false);
  const loadError = ref<ApiError | null>(null);
  /** `create` or the id being cancelled, while the call runs. */
  const pending = ref<string | null>(null);
  /** The server's refusal of the last create, for the form that sent it. */
  const createError = ref<ApiError | null>(null);
  /**
   * The server's refusal of the last cancel, for the list it was asked from. Kept apart from `createError`: the form
   * and the list are shown at once, and each must show only what failed there.
   */
  const cancelError = ref<ApiError | null>(null);

  let fetcher: Fetcher = (input, init) => fetch(input, init);
  let clock: () => number = Date.now;

  function configure(options: SilencesOptions): void {
    if (options.fetcher) fetcher = options.fetcher;
    if (options.clock) clock = options.clock;
  }

  /** Silences not over yet: active and upcoming ones, the cancelled kept briefly so the list can say so. */
  const current = computed(() => {
    const now = clock();
    return orderSilences(
      silences.value.filter((s) => silenceStatus(s, now) !== 'ended'),
      now,
    );
  });
  const activeCount = computed(() => {
    const now = clock();
    return silences.value.filter((s) => silenceStatus(s, now) === 'active').length;
  });

  function hydrate(list: readonly SilenceView[]): void {
    silences.value = [...list];
    loaded.value = true;
  }

  function dehydrate(): SilenceView[] {
    return [...silences.value];
  }

  const call = <T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<ApiResult<T>> => {
    const session = useSessionStore();
    return apiRequest<T>(fetcher, { method, path, body, csrfToken: session.csrfToken, locale: document?.documentElement.lang || 'vi' });
  };

  /** `GET /api/silences`. A failure keeps what was shown and says why. */
  async function load(): Promise<void> {
    const result = await call<{ silences: SilenceView[] }>('GET', '/api/silences');
    if (result.ok) {
      hydrate(result.body.silences);
      loadError.value = null;
    } else loadError.value = result.error;
  }

  function replace(view: SilenceView): void {
    silences.value = [...silences.value.filter((s) => s.id !== view.id), view];
  }

  /** `POST /api/silences`; resolves to the new silence, or null with `createError` set. */
  async function create(
    request: Partial<CreateSilenceRequest> & Pick<CreateSilenceRequest, 'endsAt' | 'reason'>,
  ): Promise<SilenceView | null> {
    if (pending.value) return null;
    pending.value = 'create';
    createError.value = null;
    try {
      const result = await call<SilenceView>('POST', '/api/silences', request);
      if (!result.ok) {
        createError.value = result.error;
        return null;
      }
      replace(result.body);
      return result.body;
    } finally {
      pending.value = null;
    }
  }

  /**
   * `POST /api/silences/:id/cancel`: ends it now; the server keeps it, so what it silenced stays explainable.
   * Resolves false with `cancelError` set when refused.
   */
  async function cancel(id: string): Promise<boolean> {
    if (pending.value) return false;
    pending.value = id;
    cancelError.value = null;
    try {
      const result = await call<SilenceView>('POST', `/api/silences/${encodeURIComponent(id)}/cancel`);
      if (!result.ok) {
        cancelError.value = result.error;
        return false;
      }
      replace(result.body);
      return true;
    } finally {
      pending.value = null;
    }
  }

  return {
    silences,
    loaded,
    loadError,
    pending,
    createError,
    cancelError,
    current,
    activeCount,
    configure,
    hydrate,
    dehydrate,
    load,
    create,
    cancel,
  };
});
