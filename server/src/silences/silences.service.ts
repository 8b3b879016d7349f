import { randomUUID } from 'node:crypto';
import {
  SilenceInvalid,
  SilenceNotFound,
  SilenceSchema,
  cancelSilence,
  formatZodIssues,
  insertSilence,
  readSilences,
  type Clock,
  type CreateSilenceRequest,
  type Db,
  type SilenceView,
} from '@ioc/core';
import { audit, type Actor } from '../audit/audit.service';
import { silenceViewOf } from '../incidents/incident-views';

/**
 * Silences and maintenance windows (core/src/sla/silences.ts): alerts they match still change state and show, marked
 * silenced, but nobody is notified and no incident opens. Never deleted: cancelling ends one early.
 */
export class SilencesService {
  constructor(private readonly o: { db: Db; clock: Clock }) {}

  /** Silences not over yet (current and upcoming), cancelled ones included so that the screen can say so. */
  async list(): Promise<SilenceView[]> {
    return (await readSilences(this.o.db, { now: this.o.clock.now() })).map(silenceViewOf);
  }

  async create(actor: Actor, body: CreateSilenceRequest): Promise<SilenceView> {
    const now = this.o.clock.now();
    const parsed = SilenceSchema.safeParse({
      id: randomUUID(),
      kind: body.kind,
      ruleIds: body.ruleIds,
      agencyCodes: body.agencyCodes,
      labels: body.labels,
      startsAt: body.startsAt ? new Date(body.startsAt) : now,
      endsAt: new Date(body.endsAt),
      reason: body.reason,
    });
    if (!parsed.success) throw SilenceInvalid.create({ issues: formatZodIssues(parsed.error.issues) });
    const silence = parsed.data;
    await this.o.db.transaction(async (tx) => {
      await insertSilence(tx, silence, actor.name);
      await audit(
        tx,
        now,
        actor,
        'silence.create',
        { kind: 'silence', id: silence.id },
        {
          kind: silence.kind,
          ruleIds: silence.ruleIds,
          agencyCodes: silence.agencyCodes,
          labels: silence.labels,
          startsAt: silence.startsAt.toISOString(),
          endsAt: silence.endsAt.toISOString(),
          reason: silence.reason,
        },
      );
    });
    return this.one(silence.id);
  }

  async cancel(actor: Actor, id: string): Promise<SilenceView> {
    const now = this.o.clock.now();
    await this.o.db.transaction(async (tx) => {
      const [existing] = await readSilences(tx, { id });
      if (!existing) throw SilenceNotFound.create({ silenceId: id });
      // Cancelling twice changes nothing and writes no second audit row.
      if (!(await cancelSilence(tx, id, now))) return;
      await audit(tx, now, actor, 'silence.cancel', { kind: 'silence', id });
    });
    return this.one(id);
  }

  private async one(id: string): Promise<SilenceView> {
    const [s] = await readSilences(this.o.db, { id });
    if (!s) throw SilenceNotFound.create({ silenceId: id });
    return silenceViewOf(s);
  }
}
