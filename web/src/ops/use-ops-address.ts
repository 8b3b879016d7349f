import { computed } from 'vue';
import { useRoute, useRouter } from 'vue-router';
import { filtersFromQuery, filtersToQuery, type QueueFilters } from './queue';

export type OpsTab = 'queue' | 'silences';

/**
 * The console's state as the address holds it, so a link or a reload opens the same view:
 * `/ops?tab=silences&state=open&severity=critical&agency=SYT&incident=<id>` (an incident's or an alert's id).
 * Each change replaces the history entry and keeps the other keys (`lang` among them).
 */
export function useOpsAddress() {
  const route = useRoute();
  const router = useRouter();

  const tab = computed<OpsTab>(() => (route.query.tab === 'silences' ? 'silences' : 'queue'));
  const filters = computed(() => filtersFromQuery(route.query));
  const selectedId = computed(() => (typeof route.query.incident === 'string' ? route.query.incident : null));

  /** The queue is the default: it leaves `tab` out. */
  function setTab(next: OpsTab): void {
    const { tab: _tab, ...rest } = route.query;
    void router.replace({ query: next === 'queue' ? rest : { ...rest, tab: next } });
  }
  /** `value` as the filter's select gives it: '' for all. */
  function setFilter(key: keyof QueueFilters, value: string): void {
    const next = { ...filters.value, [key]: value || null };
    void router.replace({ query: filtersToQuery(next, route.query) });
  }
  function select(id: string): void {
    void router.replace({ query: { ...route.query, incident: id } });
  }
  function closeDetail(): void {
    const { incident: _incident, ...rest } = route.query;
    void router.replace({ query: rest });
  }

  return { tab, filters, selectedId, setTab, setFilter, select, closeDetail };
}
