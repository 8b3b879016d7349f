import { userInfo } from 'node:os';
import { AuditChainVerifier, appendAudit, readAuditPage, type AuditChainProblem, type Db, type Queryable } from '@ioc/core';
import type { Principal } from '../auth/principal';

/** Who acts: a signed-in account, the command line, or the system itself (first start). */
export interface Actor {
  accountId: number | null;
  name: string;
  ip: string | null;
  /** Present for a signed-in account: the policy checks what it may do. The command line and the system may do all. */
  principal?: Principal;
}

export function principalActor(principal: Principal, ip: string | null): Actor {
  return { accountId: principal.accountId, name: principal.username, ip, principal };
}

/** The person at the terminal, by their operating-system user name: whoever has the database has the system. */
export function cliActor(): Actor {
  let name = 'unknown';
  try {
    name = userInfo().username;
  } catch {
    // No passwd entry (some containers): the row still says it came from the command line.
  }
  return { accountId: null, name: `cli:${name}`, ip: null };
}

export const SYSTEM_ACTOR: Actor = { accountId: null, name: 'system', ip: null };

/**
 * Appends the audit row of a change, in the change's own transaction (call it last: see `appendAudit`).
 * `details` must never hold a secret: no password, token or hash.
 */
export async function audit(
  tx: Queryable,
  at: Date,
  actor: Actor,
  action: string,
  resource: { kind: string; id: string | number | null },
  details: Record<string, unknown> = {},
): Promise<void> {
  await appendAudit(tx, {
    at,
    actorUserId: actor.accountId,
    actorName: actor.name,
    action,
    resourceKind: resource.kind,
    resourceId: resource.id === null ? null : String(resource.id),
    ip: actor.ip,
    details,
  });
}

export type AuditVerification =
  { ok: true; rows: number; headHash: string } | { ok: false; rows: number; brokenAt: number; problem: AuditChainProblem };

/**
 * Walks the whole audit chain in pages of `pageSize` rows and says whether it holds: each row links to the one before
 * and carries the hash of its own fields. Stops at the first broken row. The head hash, noted down elsewhere, also
 * catches rows removed from the end.
 */
export async function verifyAuditLog(db: Db, pageSize = 1000): Promise<AuditVerification> {
  const verifier = new AuditChainVerifier();
  let afterId = 0;
  for (;;) {
    const page = await readAuditPage(db, afterId, pageSize);
    if (page.length === 0) break;
    if (!verifier.check(page)) break;
    afterId = page[page.length - 1]!.id;
  }
  if (verifier.broken) return { ok: false, rows: verifier.rows, brokenAt: verifier.broken.id, problem: verifier.broken.problem };
  return { ok: true, rows: verifier.rows, headHash: verifier.headHash };
}
