import { describe, expect, it } from 'vitest';
import { createScopeIndex, scopeKey } from './scope';

const scopes = createScopeIndex({
  province: {
    code: '19',
    name: 'Tỉnh Thái Nguyên',
    nameEn: 'Thai Nguyen',
    validFrom: '2025-07-01',
    legalBasis: 'x',
    timeZone: 'Asia/Ho_Chi_Minh',
    population: 1,
  },
  communes: [
    { code: '05443', kind: 'phuong', name: 'Phường Phan Đình Phùng', validFrom: '2025-07-01', legalBasis: 'x' },
    { code: '01840', kind: 'phuong', name: 'Phường Đức Xuân', validFrom: '2025-07-01', legalBasis: 'x' },
  ],
  agencies: [
    { code: 'SYT', kind: 'department', name: 'Sở Y tế', shortName: 'Y tế', nameEn: 'Health', unitCode: '19' },
    { code: 'SNV', kind: 'department', name: 'Sở Nội vụ', shortName: 'Nội vụ', nameEn: 'Home Affairs', unitCode: '19' },
    { code: 'UBND-05443', kind: 'commune_committee', name: 'UBND P. PĐP', shortName: 'PĐP', nameEn: 'PC', unitCode: '05443' },
    { code: 'UBND-01840', kind: 'commune_committee', name: 'UBND P. ĐX', shortName: 'ĐX', nameEn: 'PC', unitCode: '01840' },
  ],
});

describe('scope index', () => {
  it.each([
    [undefined, { unitCode: '19', agencyCode: null }, '19'],
    ['19', { unitCode: '19', agencyCode: null }, '19'],
    ['05443', { unitCode: '05443', agencyCode: null }, '05443'],
    ['SYT', { unitCode: '19', agencyCode: 'SYT' }, '19/SYT'],
    ['syt', { unitCode: '19', agencyCode: 'SYT' }, '19/SYT'],
    ['UBND-05443', { unitCode: '05443', agencyCode: 'UBND-05443' }, '05443/UBND-05443'],
  ])('resolves %s', (code, scope, key) => {
    expect(scopes.resolve(code)).toEqual(scope);
    expect(scopeKey(scopes.resolve(code))).toBe(key);
  });

  it('refuses a code that is neither the province, a commune nor an agency', () => {
    expect(() => scopes.resolve('99999')).toThrow(expect.objectContaining({ code: 'account.scopeUnknown', details: { scope: '99999' } }));
  });

  it.each([
    ['19', ['SYT', 'SNV', 'UBND-05443', 'UBND-01840', 'NOT-IN-CATALOGUE']],
    ['SYT', ['SYT']],
    ['05443', ['UBND-05443']],
    ['UBND-01840', ['UBND-01840']],
  ])('scope %s sees exactly %j', (code, visible) => {
    const scope = scopes.resolve(code);
    const all = ['SYT', 'SNV', 'UBND-05443', 'UBND-01840', 'NOT-IN-CATALOGUE'];
    expect(all.filter((a) => scopes.agencyInScope(scope, a))).toEqual(visible);
  });

  it.each([
    ['19', 'SYT', true],
    ['19', '05443', true],
    ['SYT', 'SYT', true],
    ['SYT', 'SNV', false],
    ['SYT', '19', false],
    ['05443', 'UBND-05443', true],
    ['05443', '01840', false],
    ['05443', '19', false],
  ])('%s contains %s: %s', (outer, inner, expected) => {
    expect(scopes.contains(scopes.resolve(outer), scopes.resolve(inner))).toBe(expected);
  });
});
