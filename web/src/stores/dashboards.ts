import type { Dashboard, DashboardList, PanelData, UnitList } from '@ioc/core';
import { defineStore } from 'pinia';
import { ref, shallowRef } from 'vue';
import { apiRequest, type ApiError, type ApiResult, type Fetcher } from '../auth/api';
import { useSessionStore } from '../auth/session';
import { panelDataQuery, type DashboardControls } from '../dashboards/dashboard-range';

export type LoadStatus = 'idle' | 'loading' | 'ready' | 'error';

/**
 * One panel's data. While a new range loads, the previous answer stays (`data`) so the panel does not flash empty;
 * an error belongs to this panel alone.
 */
export interface PanelState {
  status: 'loading' | 'ready' | 'error';
  data: PanelData | null;
  error: ApiError | null;
}

export interface DashboardsOptions {
  fetcher?: Fetcher;
  clock?: () => number;
}

export interface DashboardsSnapshot {
  list: Dashboard[];
  current: Dashboard | null;
  panels: Record<string, PanelState>;
  units: UnitList | null;
}

/**
 * Dashboards as code (`/api/dashboards`): the list, the open dashboard's definition and each of its panels' data,
 * fetched independently (Directus `insights.ts`, but one failed panel never blanks the page), and the units the
 * viewer may pick (`/api/units`). Nothing here is pushed live: a panel loads when shown and when its range changes.
 */
export const useDashboardsStore = defineStore('dashboards', () => {
  const list = shallowRef<Dashboard[]>([]);
  const listStatus = ref<LoadStatus>('idle');
  const listError = ref<ApiError | null>(null);
  const current = shallowRef<Dashboard | null>(null);
  const currentStatus = ref<LoadStatus>('idle');
  const currentError = ref<ApiError | null>(null);
  const panels = ref<Record<string, PanelState>>({});
  const units = shallowRef<UnitList | null>(null);
  const unitsError = ref<ApiError | null>(null);

  let fetcher: Fetcher = (input, init) => fetch(input, init);
  let clock: () => number = Date.now;
  /** Bumped by every new panel load or dashboard: an answer of an older one is dropped, never shown. */
  let generation = 0;
  let inFlight: AbortController | null = null;

  function configure(options: DashboardsOptions): void {
    if (options.fetcher) fetcher = options.fetcher;
    if (options.clock) clock = options.clock;
  }

  function hydrate(snapshot: DashboardsSnapshot): void {
    list.value = [...snapshot.list];
    listStatus.value = 'ready';
    current.value = snapshot.current;
    currentStatus.value = snapshot.current ? 'ready' : 'idle';
    panels.value = { ...snapshot.panels };
    units.value = snapshot.units;
  }

  function dehydrate(): DashboardsSnapshot {
    return { list: [...list.value], current: current.value, panels: { ...panels.value }, units: units.value };
  }

  const call = <T>(path: string, signal?: AbortSignal): Promise<ApiResult<T>> => {
    const session = useSessionStore();
    const viaSignal: Fetcher = signal ? (input, init) => fetcher(input, { ...init, signal }) : fetcher;
    return apiRequest<T>(viaSignal, { method: 'GET', path, csrfToken: session.csrfToken, locale: document?.documentElement.lang || 'vi' });
  };

  /** `GET /api/dashboards`. A failure keeps the list shown and says why. */
  async function loadList(): Promise<void> {
    if (listStatus.value !== 'ready') listStatus.value = 'loading';
    const result = await call<DashboardList>('/api/dashboards');
    if (result.ok) {
      list.value = result.body.dashboards;
      listStatus.value = 'ready';
      listError.value = null;
    } else {
      listError.value = result.error;
      if (listStatus.value !== 'ready') listStatus.value = 'error';
    }
  }

  /** `GET /api/units`: what the unit picker offers. A failure leaves the viewer on their own scope. */
  async function loadUnits(): Promise<void> {
    const result = await call<UnitList>('/api/units');
    if (result.ok) {
      units.value = result.body;
      unitsError.value = null;
    } else unitsError.value = result.error;
  }

  /** `GET /api/dashboards/:id`; drops the previous dashboard's panels at once. Resolves true when it is shown. */
  async function open(id: string): Promise<boolean> {
    cancelPanels();
    if (current.value?.id !== id) {
      current.value = null;
      panels.value = {};
    }
    currentStatus.value = 'loading';
    currentError.value = null;
    const result = await call<Dashboard>(`/api/dashboards/${encodeURIComponent(id)}`);
    if (!result.ok) {
      currentError.value = result.error;
      currentStatus.value = 'error';
      return false;
    }
    current.value = result.body;
    currentStatus.value = 'ready';
    return true;
  }

  function cancelPanels(): void {
    generation += 1;
    inFlight?.abort();
    inFlight = null;
  }

  /**
   * Loads every panel of the open dashboard for `controls`, each on its own: resolves when all have answered. A
   * newer call (the range changed) aborts the older one's requests and its late answers are ignored.
   */
  async function loadPanels(controls: DashboardControls): Promise<void> {
    const dashboard = current.value;
    if (!dashboard) return;
    cancelPanels();
    const mine = generation;
    const controller = new AbortController();
    inFlight = controller;
    const now = clock();
    const next: Record<string, PanelState> = {};
    for (const p of dashboard.panels) next[p.id] = { status: 'loading', data: panels.value[p.id]?.data ?? null, error: null };
    panels.value = next;
    await Promise.all(
      dashboard.panels.map(async (p) => {
        const path = `/api/dashboards/${encodeURIComponent(dashboard.id)}/panels/${encodeURIComponent(p.id)}/data${panelDataQuery(p, controls, now)}`;
        const result = await call<PanelData>(path, controller.signal);
        if (mine !== generation) return;
        panels.value = {
          ...panels.value,
          [p.id]: result.ok ? { status: 'ready', data: result.body, error: null } : { status: 'error', data: null, error: result.error },
        };
      }),
    );
    if (inFlight === controller) inFlight = null;
  }

  return {
    list,
    listStatus,
    listError,
    current,
    currentStatus,
    currentError,
    panels,
    units,
    unitsError,
    configure,
    hydrate,
    dehydrate,
    loadList,
    loadUnits,
    open,
    loadPanels,
    cancelPanels,
  };
});
