import type { SilenceView } from '@ioc/core';
import { describe, expect, it } from 'vitest';
import { makeAlert, makeIncidentDetail } from './ops-factories';
import { coveringSilence, ruleNamesOf, silenceTargetOf, type SilenceTarget } from './silence-target';
import { makeSilence as makeTestSilence } from '../testing/factories';

const NOW = Date.parse('2026-11-25T03:00:00.000Z');
const makeSilence = (over: Partial<SilenceView> = {}) => makeTestSilence(over, NOW);

describe('silenceTargetOf', () => {
  const detail = makeIncidentDetail({ ruleId: 'DOS-01', agencyCode: 'SNV' });
  const alert = makeAlert({ ruleId: 'DOS-02', agencyCode: null, ruleName: { vi: 'Hồ sơ sắp đến hạn', en: 'Dossiers nearly due' } });
  const noName = () => null;

  it('targets the selected incident with the rule name the alerts carry, else its title, in the interface language', () => {
    const known = (id: string) => (id === 'DOS-01' ? 'Hồ sơ quá hạn chưa giải quyết' : null);
    expect(silenceTargetOf({ id: detail.id, detail, alert: null }, 'vi', known)).toEqual({
      key: detail.id,
      ruleId: 'DOS-01',
      ruleName: 'Hồ sơ quá hạn chưa giải quyết',
      agencyCode: 'SNV',
    });
    expect(silenceTargetOf({ id: detail.id, detail, alert: null }, 'en', noName)?.ruleName).toBe(detail.title.en);
  });

  it('targets the selected alert that opened no incident, and nothing while another incident’s detail is still loaded', () => {
    expect(silenceTargetOf({ id: alert.id, detail, alert }, 'en', noName)).toEqual({
      key: alert.id,
      ruleId: 'DOS-02',
      ruleName: 'Dossiers nearly due',
      agencyCode: null,
    });
    expect(silenceTargetOf({ id: 'inc-elsewhere', detail, alert: null }, 'vi', noName)).toBeNull();
    expect(silenceTargetOf({ id: null, detail: null, alert: null }, 'vi', noName)).toBeNull();
  });
});

describe('coveringSilence', () => {
  const target: SilenceTarget = { key: 'inc-1', ruleId: 'DOS-01', ruleName: 'Hồ sơ quá hạn', agencyCode: 'SNV' };

  it('finds a silence in force on the rule and agency, or on all rules or all agencies', () => {
    const exact = makeSilence();
    expect(coveringSilence([exact], target, NOW)).toBe(exact);
    const everyRule = makeSilence({ ruleIds: [] });
    expect(coveringSilence([everyRule], target, NOW)).toBe(everyRule);
    const everyAgency = makeSilence({ agencyCodes: [] });
    expect(coveringSilence([everyAgency], { ...target, agencyCode: null }, NOW)).toBe(everyAgency);
  });

  it('ignores silences ended early, over, on another rule or agency, narrowed by labels, or needing an agency the target lacks', () => {
    const none = [
      makeSilence({ cancelledAt: new Date(NOW - 60_000).toISOString() }),
      makeSilence({ endsAt: new Date(NOW).toISOString() }),
      makeSilence({ ruleIds: ['DOS-02'] }),
      makeSilence({ agencyCodes: ['SYT'] }),
      makeSilence({ labels: { channel: 'online' } }),
    ];
    expect(coveringSilence(none, target, NOW)).toBeNull();
    expect(coveringSilence([makeSilence()], { ...target, agencyCode: null }, NOW)).toBeNull();
  });
});

describe('ruleNamesOf', () => {
  it('names each rule the alerts carry in the interface language', () => {
    const alerts = [makeAlert({ ruleId: 'DOS-01' }), makeAlert({ ruleId: 'DOS-01' })];
    expect(ruleNamesOf(alerts, 'en')).toEqual(new Map([['DOS-01', alerts[0]!.ruleName.en]]));
    expect(ruleNamesOf(alerts, 'vi').get('DOS-01')).toBe(alerts[0]!.ruleName.vi);
    expect(ruleNamesOf([], 'vi').size).toBe(0);
  });
});
