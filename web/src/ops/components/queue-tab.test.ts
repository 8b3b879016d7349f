import { mount } from '@vue/test-utils';
import { describe, expect, it } from 'vitest';
import { createAppI18n } from '../../i18n';
import { makeAlert, makeIncident } from '../ops-factories';
import { buildQueue, type QueueFilters } from '../queue';
import QueueTab from './queue-tab.vue';

const NAMES: Record<string, string> = { SNV: 'Sở Nội vụ', STP: 'Sở Tư pháp', SYT: 'Sở Y tế' };
const noFilter: QueueFilters = { state: null, severity: null, agency: null };

function mountTab(props: { items?: ReturnType<typeof buildQueue>; filters?: QueueFilters; waiting?: boolean }) {
  return mount(QueueTab, {
    props: {
      items: props.items ?? [],
      filters: props.filters ?? noFilter,
      agencyCodes: ['SYT', 'UBND-X', 'SNV'],
      waiting: props.waiting ?? false,
      now: new Date('2026-11-25T03:00:00.000Z'),
      selectedId: null,
      freshIds: new Set<string>(),
      agencyName: (code: string) => NAMES[code] ?? code,
    },
    global: { plugins: [createAppI18n('vi')] },
  });
}

describe('queue tab', () => {
  it('offers the agencies by name, shows the filters the address holds, and passes a choice on', async () => {
    const tab = mountTab({ filters: { state: 'open', severity: null, agency: 'SYT' } });
    const agency = tab.get('[data-testid="filter-agency"]');
    expect(agency.findAll('option').map((o) => o.text())).toEqual(['Tất cả', 'Sở Nội vụ', 'Sở Y tế', 'UBND-X']);
    expect((agency.element as HTMLSelectElement).value).toBe('SYT');
    expect((tab.get('[data-testid="filter-state"]').element as HTMLSelectElement).value).toBe('open');

    await tab.get('[data-testid="filter-severity"]').setValue('critical');
    await agency.setValue('');
    expect(tab.emitted('filter')).toEqual([
      ['severity', 'critical'],
      ['agency', ''],
    ]);
  });

  it('says it is waiting before the first snapshot, that nothing matches after it, else lists the queue', async () => {
    expect(mountTab({ waiting: true }).text()).toContain('Đang tải…');
    expect(mountTab({}).get('[data-testid="queue-empty"]').text()).toBe('Không có cảnh báo hay sự cố nào');

    const incident = makeIncident({ agencyCode: 'SYT' });
    const tab = mountTab({ items: buildQueue([incident], [makeAlert({ agencyCode: 'SNV' })], noFilter) });
    expect(tab.findAll('[data-testid^="queue-item-"]')).toHaveLength(2);
    await tab.get(`[data-testid="queue-item-${incident.id}"]`).trigger('click');
    expect(tab.emitted('select')).toEqual([[incident.id]]);
  });
});
