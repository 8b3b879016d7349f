import { describe, expect, it } from 'vitest';
import { AUDIT_GENESIS_HASH, AuditChainVerifier, auditRowHash, canonicalJson, type AuditRecord } from './audit-chain';

function chain(n: number): AuditRecord[] {
  const rows: AuditRecord[] = [];
  let prevHash = AUDIT_GENESIS_HASH;
  for (let id = 1; id <= n; id++) {
    const row = {
      id,
      at: new Date(Date.parse('2026-03-11T03:00:00.000Z') + id * 1000),
      actorUserId: id % 2 ? 7 : null,
      actorName: id % 2 ? 'quantri' : 'system',
      action: 'account.locked',
      resourceKind: 'account',
      resourceId: String(100 + id),
      ip: '127.0.0.1',
      details: { username: `canbo${id}`, requestRef: 'CV 12/UBND', nested: { b: 1, a: [2, 'ă'] } },
      prevHash,
    };
    const hash = auditRowHash(row);
    rows.push({ ...row, hash });
    prevHash = hash;
  }
  return rows;
}

describe('canonicalJson', () => {
  it('gives one text whatever the key order, at every level', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { y: 1, x: 2 }], c: null } })).toBe('{"a":{"c":null,"d":[3,{"x":2,"y":1}]},"b":1}');
    expect(canonicalJson({ a: { c: null, d: [3, { x: 2, y: 1 }] }, b: 1 })).toBe(
      canonicalJson({ b: 1, a: { d: [3, { y: 1, x: 2 }], c: null } }),
    );
  });
  it('leaves undefined members out, as JSON does, and writes dates as ISO text', () => {
    expect(canonicalJson({ a: undefined, at: new Date('2026-03-11T03:00:00Z') })).toBe('{"at":"2026-03-11T03:00:00.000Z"}');
  });
});

describe('AuditChainVerifier', () => {
  it('accepts an intact chain, fed page by page', () => {
    const rows = chain(10);
    const v = new AuditChainVerifier();
    expect(v.check(rows.slice(0, 4))).toBe(true);
    expect(v.check(rows.slice(4))).toBe(true);
    expect(v.rows).toBe(10);
    expect(v.headHash).toBe(rows[9]!.hash);
  });

  it('names a row whose content was changed', () => {
    const rows = chain(10);
    rows[5] = { ...rows[5]!, details: { ...rows[5]!.details, username: 'someone-else' } };
    const v = new AuditChainVerifier();
    expect(v.check(rows)).toBe(false);
    expect(v.broken).toEqual({ id: 6, problem: 'hash' });
    expect(v.rows).toBe(5);
  });

  it('names the row after one that was removed', () => {
    const rows = chain(10);
    rows.splice(3, 1);
    const v = new AuditChainVerifier();
    v.check(rows);
    expect(v.broken).toEqual({ id: 5, problem: 'link' });
  });

  it('catches a row whose hash was recomputed after an edit: the next row no longer links to it', () => {
    const rows = chain(10);
    const edited = { ...rows[2]!, actorName: 'nobody' };
    rows[2] = { ...edited, hash: auditRowHash(edited) };
    const v = new AuditChainVerifier();
    v.check(rows);
    expect(v.broken).toEqual({ id: 4, problem: 'link' });
  });
});
