import { formatPercentVi, formatPointsVi, formatScaledVi, type RatioKpi, type Rational } from '@ioc/core';
import type { MonthKpis } from './monthly-report';

/** What the report writes for a ratio whose denominator is 0 (domain.md §0): never 0% or 100%. */
export const NO_DATA_VI = 'không có dữ liệu';

export type KpiColumn =
  | { kind: 'count'; label: string; get: (k: MonthKpis) => number }
  | { kind: 'ratio'; label: string; get: (k: MonthKpis) => RatioKpi }
  | { kind: 'points'; label: string; get: (k: MonthKpis) => { score: Rational; attainable: number } };

/** The KPI columns of the agencies and communes tables, in order; the XLSX and the HTML render the same list. */
export const KPI_COLUMNS: readonly KpiColumn[] = [
  { kind: 'count', label: 'Tiếp nhận (D1)', get: (k) => k.received },
  { kind: 'count', label: 'Đã giải quyết', get: (k) => k.finished },
  { kind: 'count', label: 'Quá hạn đang xử lý cuối tháng (D4)', get: (k) => k.overdueOpen },
  { kind: 'ratio', label: 'Giải quyết đúng hạn (D2)', get: (k) => k.onTime },
  { kind: 'ratio', label: 'Xử lý đúng hạn theo 766 (D3)', get: (k) => k.processing766 },
  { kind: 'ratio', label: 'Nộp trực tuyến (D6)', get: (k) => k.online },
  { kind: 'ratio', label: 'Thanh toán trực tuyến (D7)', get: (k) => k.payment },
  { kind: 'ratio', label: 'Số hóa hồ sơ (D8)', get: (k) => k.digitisation },
  { kind: 'ratio', label: 'Hài lòng (D11, 766 chỉ số 5.4)', get: (k) => k.satisfaction },
  { kind: 'points', label: 'Chỉ số 766 ước tính (điểm)', get: (k) => ({ score: k.index766.score, attainable: k.index766.attainable }) },
];

/** A count as vi-VN text: 1234 → `1.234`. */
export const formatCountVi = (n: number): string => formatScaledVi(BigInt(n), 0);

/** A column's value as vi-VN text, as the HTML shows it. */
export function formatColumnVi(col: KpiColumn, k: MonthKpis): string {
  if (col.kind === 'count') return formatCountVi(col.get(k));
  if (col.kind === 'ratio') return formatPercentVi(col.get(k)) ?? NO_DATA_VI;
  const { score, attainable } = col.get(k);
  return attainable === 0 ? NO_DATA_VI : `${formatPointsVi(score)}/${attainable}`;
}

/** `2026-03` → `03/2026`. */
export const monthLabelVi = (month: string): string => `${month.slice(5, 7)}/${month.slice(0, 4)}`;
