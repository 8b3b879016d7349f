import type { Queryable } from './db';

export interface AuditSearch {
  actorName?: string | undefined;
  action?: string | undefined;
  resourceKind?: string | undefined;
  resourceId?: string | undefined;
  /** Inclusive. */
  from?: Date | undefined;
  /** Exclusive. */
  to?: Date | undefined;
  /** Only rows with a smaller id (the last id of the page before). */
  beforeId?: number | undefined;
  limit: number;
}

export interface AuditSearchRow {
  id: number;
  at: Date;
  actorName: string;
  action: string;
  resourceKind: string;
  resourceId: string | null;
  ip: string | null;
  details: Record<string, unknown>;
}

interface Row {
  id: number;
  at: Date;
  actor_name: string;
  action: string;
  resource_kind: string;
  resource_id: string | null;
  ip: string | null;
  details: Record<string, unknown>;
}

/**
 * Audit rows matching every given filter, newest first (by id, which follows the chain), at most `limit`. Keyset
 * paging on the primary key: a page costs the same at row 10 and at row 10 million, and rows appended meanwhile do
 * not shift the next page. A null filter is written `$n::text is null`, so one statement serves every combination.
 */
export async function searchAudit(db: Queryable, s: AuditSearch): Promise<AuditSearchRow[]> {
  const res = await db.query<Row>(
    `select id, at, actor_name, action, resource_kind, resource_id, ip, details
     from audit_log
     where ($1::text is null or actor_name = $1)
       and ($2::text is null or action = $2)
       and ($3::text is null or resource_kind = $3)
       and ($4::text is null or resource_id = $4)
       and ($5::timestamptz is null or at >= $5)
       and ($6::timestamptz is null or at < $6)
       and ($7::bigint is null or id < $7)
     order by id desc
     limit $8`,
    [
      s.actorName ?? null,
      s.action ?? null,
      s.resourceKind ?? null,
      s.resourceId ?? null,
      s.from ?? null,
      s.to ?? null,
      s.beforeId ?? null,
      s.limit,
    ],
  );
  return res.rows.map((r) => ({
    id: Number(r.id),
    at: r.at,
    actorName: r.actor_name,
    action: r.action,
    resourceKind: r.resource_kind,
    resourceId: r.resource_id,
    ip: r.ip,
    details: r.details,
  }));
}
