import type { Queryable } from './db';
import { AUDIT_GENESIS_HASH, auditRowHash, type AuditEntry, type AuditRecord } from '../audit/audit-chain';

/** One key for the whole cluster: whoever appends to the audit chain holds it until commit. */
export const AUDIT_CHAIN_LOCK_KEY = 72_019_002;

interface AuditRow {
  id: number;
  at: Date;
  actor_user_id: number | null;
  actor_name: string;
  action: string;
  resource_kind: string;
  resource_id: string | null;
  ip: string | null;
  details: Record<string, unknown>;
  prev_hash: string;
  hash: string;
}

function toRecord(r: AuditRow): AuditRecord {
  return {
    id: Number(r.id),
    at: r.at,
    actorUserId: r.actor_user_id === null ? null : Number(r.actor_user_id),
    actorName: r.actor_name,
    action: r.action,
    resourceKind: r.resource_kind,
    resourceId: r.resource_id,
    ip: r.ip,
    details: r.details,
    prevHash: r.prev_hash,
    hash: r.hash,
  };
}

/**
 * Appends one row to the audit chain. Call it inside `db.transaction`, as the last statement of the change it
 * records: the transaction-scoped advisory lock is held until commit, so the next writer (any process) reads this
 * row as its predecessor only once it is committed, ids are taken in chain order, and the chain never forks. Taking
 * the lock last keeps the lock order the same everywhere (rows first, chain last): no deadlock. On PGlite the lock
 * excludes nothing, and needs not: one process, one session, transactions one at a time.
 */
export async function appendAudit(tx: Queryable, entry: AuditEntry): Promise<AuditRecord> {
  await tx.query('select pg_advisory_xact_lock($1)', [AUDIT_CHAIN_LOCK_KEY]);
  const head = await tx.query<{ hash: string }>('select hash from audit_log order by id desc limit 1');
  const next = await tx.query<{ id: number }>("select nextval(pg_get_serial_sequence('audit_log', 'id'))::bigint as id");
  const row = { ...entry, id: Number(next.rows[0]!.id), prevHash: head.rows[0]?.hash ?? AUDIT_GENESIS_HASH };
  const record: AuditRecord = { ...row, hash: auditRowHash(row) };
  await tx.query(
    `insert into audit_log (id, at, actor_user_id, actor_name, action, resource_kind, resource_id, ip, details, prev_hash, hash)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb, $10, $11)`,
    [
      record.id,
      record.at,
      record.actorUserId,
      record.actorName,
      record.action,
      record.resourceKind,
      record.resourceId,
      record.ip,
      JSON.stringify(record.details),
      record.prevHash,
      record.hash,
    ],
  );
  return record;
}

/** Up to `limit` rows after `afterId`, in chain order: verification reads the log in bounded pages. */
export async function readAuditPage(db: Queryable, afterId: number, limit: number): Promise<AuditRecord[]> {
  const res = await db.query<AuditRow>(
    `select id, at, actor_user_id, actor_name, action, resource_kind, resource_id, ip, details, prev_hash, hash
     from audit_log where id > $1 order by id limit $2`,
    [afterId, limit],
  );
  return res.rows.map(toRecord);
}
