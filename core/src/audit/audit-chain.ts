import { createHash } from 'node:crypto';

/** The `prev_hash` of the first row. */
export const AUDIT_GENESIS_HASH = '0'.repeat(64);

/** One audit row as written: who did what to which resource, when, from where. */
export interface AuditEntry {
  at: Date;
  /** Null for the system (`ioc start`), the command line, and sign-in attempts by someone not yet known. */
  actorUserId: number | null;
  /** The account's user name, `cli:<os user>`, `system`, or the user name someone tried. */
  actorName: string;
  /** `area.verb`: `auth.login`, `account.locked`, … */
  action: string;
  resourceKind: string;
  resourceId: string | null;
  ip: string | null;
  details: Record<string, unknown>;
}

export interface AuditRecord extends AuditEntry {
  id: number;
  prevHash: string;
  hash: string;
}

/**
 * JSON with object keys sorted at every level and no whitespace: the same value always gives the same text, whatever
 * order jsonb hands the keys back in. Dates become ISO strings; undefined members are left out, as JSON.stringify does.
 */
export function canonicalJson(value: unknown): string {
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** sha256 (hex) over the canonical JSON of every field of the row but `hash`, `prevHash` included: the chain. */
export function auditRowHash(row: Omit<AuditRecord, 'hash'>): string {
  const fields = {
    id: row.id,
    at: row.at.toISOString(),
    actorUserId: row.actorUserId,
    actorName: row.actorName,
    action: row.action,
    resourceKind: row.resourceKind,
    resourceId: row.resourceId,
    ip: row.ip,
    details: row.details,
    prevHash: row.prevHash,
  };
  return createHash('sha256').update(canonicalJson(fields)).digest('hex');
}

export type AuditChainProblem = 'hash' | 'link';

/**
 * Checks rows in id order, page by page: each must link to the hash of the row before it (`link`) and carry the hash
 * of its own content (`hash`). The first broken row is kept; later rows are not looked at.
 */
export class AuditChainVerifier {
  rows = 0;
  headHash = AUDIT_GENESIS_HASH;
  broken: { id: number; problem: AuditChainProblem } | null = null;

  /** Feeds the next rows; returns false once the chain is broken. */
  check(rows: readonly AuditRecord[]): boolean {
    for (const row of rows) {
      if (this.broken) return false;
      if (row.prevHash !== this.headHash) this.broken = { id: row.id, problem: 'link' };
      else if (auditRowHash(row) !== row.hash) this.broken = { id: row.id, problem: 'hash' };
      else {
        this.rows += 1;
        this.headHash = row.hash;
      }
    }
    return this.broken === null;
  }
}
