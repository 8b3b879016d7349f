import type { Queryable } from './db';
import type { DossierKpiCounters } from '../kpi/dossier-kpis';
import type { Dossier766Counters } from '../kpi/dossier-indicators-766';
import { FINISHED_DOSSIER_STATUSES } from '../contracts/dossier';
import { PROVINCE_TIME_ZONE } from '../time/province-time';

/** One (handling agency, unit) pair's dossier counters for a period. */
export interface PeriodDossierCounters {
  agencyCode: string;
  unitCode: string;
  counters: DossierKpiCounters & Required<Pick<Dossier766Counters, 'handledOnTimeWithRepeatedSupplements'>>;
}

/**
 * Dossier counters per handling agency and unit for the period [from, to), with the open snapshot at `openAt`
 * (the period's end, or now while the period runs): the numerators and denominators of domain.md §3.1 and of the
 * 766 indicators the dossier system gives (§3.2). Read from the dossier state, not from the per-minute rollup, which
 * keeps only four of these counters; a month's report is not the hot path.
 *
 * The open snapshot of a past instant is rebuilt from the current state: a dossier was open at t when it was
 * received before t and not finished by t; overdue when its due time had passed and no supplement request was
 * pausing its clock at t [001 Art 6.6, 7.2.c] (the `supplement_requested` status of `isOverdue`, read from the
 * periods). Early (trước hạn) means finished on a province day before the due day; on time, `finished_at ≤ due_at`
 * otherwise (domain.md §2.1).
 *
 * 766 indicators 1.4, 4.4 and 4.5b are left out (no data): the dossier contract defaults their flags to false when a
 * source omits them, so a count of 0 could mean "none" or "not sent", and scoring it would be false (§3.2).
 */
export async function periodDossierCounters(db: Queryable, from: Date, to: Date, openAt: Date): Promise<PeriodDossierCounters[]> {
  const res = await db.query<Record<string, string | number>>(
    `with d as (
       select handling_agency_code, unit_code, channel, fee_required, payment_channel, paid_at, input_digitised,
              result_requires_document, e_result_issued, reused_digital_data, rating, feedback_count, due_at, finished_at,
              jsonb_array_length(supplement_periods) as supplements,
              received_at >= $1 and received_at < $2 as received,
              finished_at >= $1 and finished_at < $2 and status = any($4::text[]) as finished,
              received_at < $3 and (finished_at is null or finished_at >= $3) as open_at_end,
              due_at is not null and due_at < $3 and not exists (
                select 1 from jsonb_array_elements(supplement_periods) p
                where (p->>'requested_at')::timestamptz <= $3
                  and (p->>'completed_at' is null or (p->>'completed_at')::timestamptz > $3)) as past_due_at_end,
              due_at is not null and finished_at > due_at as late,
              due_at is not null and (finished_at at time zone $5)::date < (due_at at time zone $5)::date as early,
              feedback_count > 0 or rating = 'dissatisfied' as complained
       from dossier
       where received_at is not null and received_at < $2
         and status not in ('awaiting_reception', 'refused_at_reception')
         and (finished_at is null or finished_at >= $1 or finished_at >= $3)
     ), f as (
       select *, finished and not late and not early as finished_on_time, finished and not late and early as finished_early,
              (finished and not late) or (open_at_end and not past_due_at_end) as handled_on_time,
              open_at_end and past_due_at_end as open_overdue
       from d
     )
     select handling_agency_code as agency_code, unit_code,
            count(*) filter (where received)::int as received,
            count(*) filter (where received and channel = 'online')::int as received_online,
            count(*) filter (where received and fee_required)::int as received_with_fee,
            count(*) filter (where received and fee_required and paid_at is not null
                             and payment_channel in ('national_portal', 'provincial_portal'))::int as paid_online,
            count(*) filter (where received and input_digitised and (not result_requires_document or e_result_issued))::int as digitised,
            count(*) filter (where received and reused_digital_data)::int as reused_data,
            count(*) filter (where received and supplements >= 1)::int as received_with_supplement_request,
            count(*) filter (where finished_early)::int as finished_early,
            count(*) filter (where finished_on_time)::int as finished_on_time,
            count(*) filter (where finished and late)::int as finished_late,
            count(*) filter (where finished and result_requires_document)::int as finished_requiring_document,
            count(*) filter (where finished and result_requires_document and e_result_issued)::int as e_result_issued,
            count(*) filter (where open_at_end and not past_due_at_end)::int as open_within_deadline,
            count(*) filter (where open_overdue)::int as open_overdue,
            count(*) filter (where handled_on_time and complained)::int as handled_complained,
            count(*) filter (where handled_on_time and supplements >= 2)::int as handled_on_time_with_repeated_supplements
     from f
     where received or finished or open_at_end
     group by handling_agency_code, unit_code
     order by handling_agency_code, unit_code`,
    [from, to, openAt, FINISHED_DOSSIER_STATUSES, PROVINCE_TIME_ZONE],
  );
  const n = (v: string | number | undefined) => Number(v ?? 0);
  return res.rows.map((r) => ({
    agencyCode: String(r.agency_code),
    unitCode: String(r.unit_code),
    counters: {
      received: n(r.received),
      receivedOnline: n(r.received_online),
      receivedWithFee: n(r.received_with_fee),
      paidOnline: n(r.paid_online),
      digitised: n(r.digitised),
      reusedData: n(r.reused_data),
      receivedWithSupplementRequest: n(r.received_with_supplement_request),
      finishedEarly: n(r.finished_early),
      finishedOnTime: n(r.finished_on_time),
      finishedLate: n(r.finished_late),
      finishedRequiringDocument: n(r.finished_requiring_document),
      eResultIssued: n(r.e_result_issued),
      openWithinDeadline: n(r.open_within_deadline),
      openOverdue: n(r.open_overdue),
      handledComplained: n(r.handled_complained),
      handledOnTimeWithRepeatedSupplements: n(r.handled_on_time_with_repeated_supplements),
    },
  }));
}

/** Incidents of one agency in a period: opened, closed, not acknowledged in time, and still open at its end. */
export interface PeriodIncidentCounts {
  agencyCode: string | null;
  opened: number;
  closed: number;
  /** Opened in the period and escalated, or still unacknowledged past the deadline at its end (INC-01). */
  overdue: number;
  openAtEnd: number;
}

/** Incident counts per agency for [from, to) from the incident table (migration 0011). */
export async function periodIncidentCounts(db: Queryable, from: Date, to: Date): Promise<PeriodIncidentCounts[]> {
  const res = await db.query<{ agency_code: string | null; opened: number; closed: number; overdue: number; open_at_end: number }>(
    `select agency_code,
            count(*) filter (where opened_at >= $1 and opened_at < $2)::int as opened,
            count(*) filter (where closed_at >= $1 and closed_at < $2)::int as closed,
            count(*) filter (where opened_at >= $1 and opened_at < $2
                             and (escalations > 0 or (acknowledged_at is null and ack_due_at < $2)))::int as overdue,
            count(*) filter (where opened_at < $2 and (closed_at is null or closed_at >= $2))::int as open_at_end
     from incident
     where opened_at < $2 and (closed_at is null or closed_at >= $1)
     group by agency_code order by agency_code nulls first`,
    [from, to],
  );
  return res.rows.map((r) => ({
    agencyCode: r.agency_code,
    opened: r.opened,
    closed: r.closed,
    overdue: r.overdue,
    openAtEnd: r.open_at_end,
  }));
}
