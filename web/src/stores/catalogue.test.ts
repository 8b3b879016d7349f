import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { makeCatalogue } from '../testing/factories';
import { CATALOGUE_URL, useCatalogueStore } from './catalogue';

// The HTTP server is the world here: `fetcher` stands in for it.
function respond(status: number, body: unknown) {
  return () => Promise.resolve(new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } }));
}

beforeEach(() => {
  setActivePinia(createPinia());
});
afterEach(() => {
  vi.useRealTimers();
});

describe('catalogue store', () => {
  it('loads the catalogue and looks agencies and communes up by code', async () => {
    const store = useCatalogueStore();
    const fetcher = vi.fn(respond(200, makeCatalogue()));
    store.start({ fetcher });
    await vi.waitFor(() => expect(store.status).toBe('ready'));
    expect(fetcher).toHaveBeenCalledWith(CATALOGUE_URL, expect.anything());
    expect(store.agencyByCode.get('SNV')?.name).toBe('Sở Nội vụ');
    expect(store.communeByCode.get('05443')?.formerArea).toBe('TP Thái Nguyên');
  });

  it('retries a failed load with a growing delay until it succeeds', async () => {
    vi.useFakeTimers();
    const store = useCatalogueStore();
    const answers = [respond(503, { code: 'server.unavailable' }), respond(200, { not: 'a catalogue' }), respond(200, makeCatalogue())];
    const fetcher = vi.fn(() => answers.shift()!());
    store.start({ fetcher });

    await vi.advanceTimersByTimeAsync(0);
    expect(store.status).toBe('error');
    expect(store.failures).toBe(1);
    await vi.advanceTimersByTimeAsync(4_999);
    expect(fetcher).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(fetcher).toHaveBeenCalledTimes(2); // after 5 s: a body that is not a catalogue counts as a failure
    expect(store.failures).toBe(2);
    await vi.advanceTimersByTimeAsync(10_000); // then 10 s
    expect(fetcher).toHaveBeenCalledTimes(3);
    expect(store.status).toBe('ready');
    expect(store.failures).toBe(0);

    await vi.advanceTimersByTimeAsync(120_000);
    expect(fetcher).toHaveBeenCalledTimes(3);
  });

  it('stops retrying on stop', async () => {
    vi.useFakeTimers();
    const store = useCatalogueStore();
    const fetcher = vi.fn(respond(500, {}));
    store.start({ fetcher });
    await vi.advanceTimersByTimeAsync(0);
    store.stop();
    await vi.advanceTimersByTimeAsync(600_000);
    expect(fetcher).toHaveBeenCalledTimes(1);
  });

  it('names an agency in the interface language, and by its code until the catalogue knows it', async () => {
    const store = useCatalogueStore();
    expect(store.agencyName('SNV', 'vi')).toBe('SNV');
    store.start({ fetcher: respond(200, makeCatalogue()) });
    await vi.waitFor(() => expect(store.status).toBe('ready'));
    expect(store.agencyName('SNV', 'vi')).toBe('Sở Nội vụ');
    expect(store.agencyName('SNV', 'en')).toBe('Department of Home Affairs');
    expect(store.agencyName('SYT', 'vi')).toBe('SYT');
  });

  it('hydrates and dehydrates', () => {
    const store = useCatalogueStore();
    expect(store.dehydrate()).toBeNull();
    store.hydrate(makeCatalogue());
    expect(store.status).toBe('ready');
    expect(store.dehydrate()?.province.name).toBe('Tỉnh Thái Nguyên');
  });
});
