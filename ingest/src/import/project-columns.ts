import type { ProjectWire } from '@ioc/core';
import { booleanCell, choiceCell, dateCell, dateTimeCell, listCell, numberCell, textCell } from './cell-values';
import type { Cell } from './spreadsheet-rows';

/** One column of the project-update spreadsheet: its Vietnamese header, the field it fills, how a cell is read. */
export interface ProjectColumn {
  field: keyof ProjectWire;
  header: string;
  required: boolean;
  read(cell: Cell): unknown;
}

const FUNDING = { public_investment: 'Đầu tư công', non_budget: 'Ngoài ngân sách' } as const;
const INVESTOR = {
  state_agency: 'Cơ quan nhà nước',
  enterprise: 'Doanh nghiệp',
  foreign_enterprise: 'Doanh nghiệp FDI',
  individual: 'Cá nhân',
} as const;
const STAGE = {
  proposed: 'Đề xuất',
  policy_approved: 'Đã chấp thuận chủ trương',
  investor_selected: 'Đã lựa chọn nhà đầu tư',
  site_preparation: 'Giải phóng mặt bằng',
  in_implementation: 'Đang thực hiện',
  completed: 'Hoàn thành',
  suspended: 'Tạm dừng',
  terminated: 'Chấm dứt',
} as const;
const UPDATE_KIND = { data: 'Số liệu', document: 'Văn bản', no_change: 'Không thay đổi' } as const;

const text = (c: Cell) => textCell(c);
const whole = (c: Cell) => numberCell(c);

/**
 * The monthly project update as agencies report it by file [000 Art 6.2: update before the 10th]. The header may be
 * the Vietnamese one below or the field name itself; columns may come in any order; unknown columns are ignored.
 */
export const PROJECT_COLUMNS: readonly ProjectColumn[] = [
  { field: 'project_code', header: 'Mã dự án', required: true, read: text },
  { field: 'name', header: 'Tên dự án', required: true, read: text },
  { field: 'sector', header: 'Lĩnh vực', required: true, read: text },
  { field: 'funding_kind', header: 'Loại nguồn vốn', required: true, read: (c) => choiceCell(c, FUNDING) },
  { field: 'investor_name', header: 'Chủ đầu tư', required: true, read: text },
  { field: 'investor_kind', header: 'Loại chủ đầu tư', required: true, read: (c) => choiceCell(c, INVESTOR) },
  { field: 'managing_agency_code', header: 'Mã cơ quan quản lý', required: true, read: (c) => textCell(c)?.toUpperCase() ?? null },
  { field: 'unit_codes', header: 'Mã xã/phường', required: true, read: listCell },
  { field: 'address_text', header: 'Địa chỉ', required: false, read: text },
  { field: 'zone_code', header: 'Khu công nghiệp', required: false, read: text },
  { field: 'land_area_ha', header: 'Diện tích (ha)', required: false, read: numberCell },
  { field: 'total_investment_vnd', header: 'Tổng vốn đầu tư (đồng)', required: true, read: whole },
  { field: 'year_plan_vnd', header: 'Kế hoạch vốn năm (đồng)', required: false, read: whole },
  { field: 'disbursed_year_vnd', header: 'Giải ngân trong năm (đồng)', required: false, read: whole },
  { field: 'disbursed_cumulative_vnd', header: 'Giải ngân lũy kế (đồng)', required: false, read: whole },
  { field: 'stage', header: 'Giai đoạn', required: true, read: (c) => choiceCell(c, STAGE) },
  { field: 'behind_schedule', header: 'Chậm tiến độ', required: false, read: booleanCell },
  { field: 'delay_reason', header: 'Lý do chậm', required: false, read: text },
  { field: 'planned_start', header: 'Khởi công kế hoạch', required: false, read: dateCell },
  { field: 'planned_completion', header: 'Hoàn thành kế hoạch', required: false, read: dateCell },
  { field: 'actual_start', header: 'Khởi công thực tế', required: false, read: dateCell },
  { field: 'actual_completion', header: 'Hoàn thành thực tế', required: false, read: dateCell },
  { field: 'progress_planned_pct', header: 'Tiến độ kế hoạch (%)', required: false, read: numberCell },
  { field: 'progress_actual_pct', header: 'Tiến độ thực tế (%)', required: false, read: numberCell },
  { field: 'last_update_at', header: 'Ngày cập nhật', required: true, read: (c) => dateTimeCell(c)?.toISOString() ?? null },
  { field: 'last_update_kind', header: 'Loại cập nhật', required: false, read: (c) => choiceCell(c, UPDATE_KIND) },
];
