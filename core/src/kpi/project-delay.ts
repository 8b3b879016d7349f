import { localDateOf } from '../calendar/local-date';
import { PROVINCE_TIME_ZONE } from '../time/province-time';

/** The project facts P1 reads, as domain.md §2.3 names them. */
export interface ProjectScheduleFacts {
  stage: string;
  behind_schedule: boolean;
  /** `YYYY-MM-DD`. */
  planned_completion: string | null;
  progress_planned_pct: number | null;
  progress_actual_pct: number | null;
}

/** Stages after which a project is no longer active, so never counted as delayed nor obliged to update. */
const INACTIVE_STAGES: ReadonlySet<string> = new Set(['completed', 'terminated']);

/** Progress more than this many points behind plan counts as delayed [P, domain.md §3.4]. */
export const PROGRESS_GAP_POINTS = 10;

export const isProjectActive = (p: Pick<ProjectScheduleFacts, 'stage'>): boolean => !INACTIVE_STAGES.has(p.stage);

/**
 * P1 chậm tiến độ [000 Art 4.2; P]: an active project flagged behind schedule by its agency, or past its planned
 * completion date (province date after it), or whose actual progress is more than 10 points behind plan.
 * A suspended project is still active here: its delay is what the leaders need to see.
 */
export function isProjectDelayed(p: ProjectScheduleFacts, now: Date, timeZone: string = PROVINCE_TIME_ZONE): boolean {
  if (!isProjectActive(p)) return false;
  if (p.behind_schedule) return true;
  if (p.planned_completion !== null && localDateOf(now, timeZone) > p.planned_completion) return true;
  return (
    p.progress_planned_pct !== null &&
    p.progress_actual_pct !== null &&
    p.progress_planned_pct - p.progress_actual_pct > PROGRESS_GAP_POINTS
  );
}
