import type { Agency, Catalogue, Commune } from '@ioc/core';
import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import type { UiLocale } from '../format/time-format';

export type CatalogueStatus = 'idle' | 'loading' | 'ready' | 'error';

/** Served by the server from `dashboards/<province>/catalogue.json`. */
export const CATALOGUE_URL = '/api/catalogue';
const FIRST_RETRY_MILLISECONDS = 5_000;
const MAX_RETRY_MILLISECONDS = 60_000;

type Fetcher = (input: string, init?: RequestInit) => Promise<Response>;

/**
 * The province's units and agencies: names for the codes the live figures carry. Until it loads, screens show
 * codes; a failed load is retried with a growing delay, so a wall started before the server recovers fills in.
 */
export const useCatalogueStore = defineStore('catalogue', () => {
  const catalogue = shallowRef<Catalogue | null>(null);
  const status = ref<CatalogueStatus>('idle');
  /** Consecutive failed loads; reset by a successful one. */
  const failures = ref(0);

  const agencyByCode = computed(() => new Map<string, Agency>((catalogue.value?.agencies ?? []).map((a) => [a.code, a])));
  const communeByCode = computed(() => new Map<string, Commune>((catalogue.value?.communes ?? []).map((c) => [c.code, c])));
  /** An agency's name in the interface language; its code while the catalogue is not loaded or does not know it. */
  const agencyName = computed(() => (code: string, locale: UiLocale): string => {
    const agency = agencyByCode.value.get(code);
    if (!agency) return code;
    return locale === 'en' ? agency.nameEn : agency.name;
  });

  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let fetcher: Fetcher = (input, init) => fetch(input, init);

  function hydrate(value: Catalogue): void {
    catalogue.value = value;
    status.value = 'ready';
    failures.value = 0;
  }

  function dehydrate(): Catalogue | null {
    return catalogue.value;
  }

  /** One attempt to load the catalogue; resolves true when it is in the store. Never throws. */
  async function load(): Promise<boolean> {
    status.value = catalogue.value ? 'ready' : 'loading';
    try {
      const response = await fetcher(CATALOGUE_URL, { headers: { accept: 'application/json' } });
      if (!response.ok) throw new Error(`catalogue: HTTP ${response.status}`);
      const body: unknown = await response.json();
      if (!isCatalogue(body)) throw new Error('catalogue: unexpected body');
      hydrate(body);
      return true;
    } catch {
      failures.value += 1;
      if (!catalogue.value) status.value = 'error';
      return false;
    }
  }

  /** Loads the catalogue, retrying failures with a doubling delay (5 s … 60 s) until it succeeds or `stop`. */
  function start(options: { fetcher?: Fetcher } = {}): void {
    if (options.fetcher) fetcher = options.fetcher;
    if (status.value === 'ready' || status.value === 'loading' || retryTimer) return;
    void attempt();
  }

  async function attempt(): Promise<void> {
    retryTimer = undefined;
    if (await load()) return;
    const delay = Math.min(FIRST_RETRY_MILLISECONDS * 2 ** (failures.value - 1), MAX_RETRY_MILLISECONDS);
    retryTimer = setTimeout(() => void attempt(), delay);
  }

  function stop(): void {
    if (retryTimer) clearTimeout(retryTimer);
    retryTimer = undefined;
  }

  return { catalogue, status, failures, agencyByCode, communeByCode, agencyName, hydrate, dehydrate, load, start, stop };
});

/** The server validated the file against `CatalogueSchema` at start-up; the browser checks what it reads. */
function isCatalogue(value: unknown): value is Catalogue {
  if (typeof value !== 'object' || value === null) return false;
  const c = value as Partial<Catalogue>;
  return (
    typeof c.province?.name === 'string' &&
    typeof c.province.nameEn === 'string' &&
    Array.isArray(c.agencies) &&
    c.agencies.every(
      (a) => typeof a?.code === 'string' && typeof a.name === 'string' && typeof a.shortName === 'string' && typeof a.kind === 'string',
    ) &&
    Array.isArray(c.communes) &&
    c.communes.every((m) => typeof m?.code === 'string' && typeof m.name === 'string')
  );
}
