import { flushPromises, mount } from '@vue/test-utils';
import { describe, expect, it } from 'vitest';
import { defineComponent } from 'vue';
import { createMemoryHistory, createRouter } from 'vue-router';
import { useOpsAddress } from './use-ops-address';

/** Mounts a bare page on `path` that exposes the composable, as the ops page uses it. */
async function open(path: string) {
  let address!: ReturnType<typeof useOpsAddress>;
  const Page = defineComponent({
    setup() {
      address = useOpsAddress();
      return () => null;
    },
  });
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/ops', component: Page },
      { path: '/dashboards', component: defineComponent({ render: () => null }) },
    ],
  });
  // The page the operator came from: Back should return there, whatever was changed on the console.
  await router.push('/dashboards');
  await router.push(path);
  await router.isReady();
  mount(Page, { global: { plugins: [router] } });
  return { address, router, url: () => decodeURIComponent(router.currentRoute.value.fullPath) };
}

describe('useOpsAddress', () => {
  it('reads the tab, the filters and the selection from the address; unknown values fall back to none', async () => {
    const { address } = await open('/ops?tab=silences&state=open&severity=loud&agency=SYT&incident=inc-1');
    expect(address.tab.value).toBe('silences');
    expect(address.filters.value).toEqual({ state: 'open', severity: null, agency: 'SYT' });
    expect(address.selectedId.value).toBe('inc-1');

    const other = await open('/ops?tab=elsewhere');
    expect(other.address.tab.value).toBe('queue');
    expect(other.address.selectedId.value).toBeNull();
  });

  it('writes each change into the address, keeping the other keys, without adding history entries', async () => {
    const { address, router, url } = await open('/ops?lang=en&incident=inc-1');

    address.setFilter('severity', 'critical');
    await flushPromises();
    expect(url()).toBe('/ops?lang=en&incident=inc-1&severity=critical');

    address.setTab('silences');
    await flushPromises();
    expect(url()).toBe('/ops?lang=en&incident=inc-1&severity=critical&tab=silences');

    // One call per click: each reads the address the previous one left.
    address.setFilter('severity', '');
    await flushPromises();
    address.select('alert-7');
    await flushPromises();
    expect(url()).toBe('/ops?lang=en&incident=alert-7&tab=silences');

    address.setTab('queue');
    await flushPromises();
    address.closeDetail();
    await flushPromises();
    expect(url()).toBe('/ops?lang=en');
    expect(address.filters.value).toEqual({ state: null, severity: null, agency: null });

    router.back();
    await flushPromises();
    expect(url()).toBe('/dashboards');
  });
});
