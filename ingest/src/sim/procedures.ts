/**
 * The simulator's procedure catalogue (thủ tục hành chính): a small, realistic mix. Names and fields follow the
 * national catalogue's wording; codes are invented in its shape, and time limits and fees are plausible values
 * for a simulation, not checked against the national procedure database.
 *
 * Weights are shares of all dossiers: commune People's Committees handle ~60% (civil status and certification
 * dominate), departments ~40% (land, driving licences, criminal records and construction dominate).
 */
export interface Procedure {
  code: string;
  name: string;
  fieldName: string;
  /** Who handles it: every commune's People's Committee, or one provincial department (by agency code). */
  handler: { kind: 'commune_committee' } | { kind: 'department'; agencyCode: string };
  timeLimitWorkingDays: number;
  onlineLevel: 'full' | 'partial';
  /** Fee in VND; null when free. */
  feeVnd: number | null;
  /** Whether the result is a paper document (which may also be issued electronically). */
  resultRequiresDocument: boolean;
  /** Share of applicants that are organisations rather than citizens. */
  organisationShare: number;
  weight: number;
}

const commune = { kind: 'commune_committee' } as const;
const department = (agencyCode: string) => ({ kind: 'department', agencyCode }) as const;

// A table reads best one procedure per line.
// prettier-ignore
export const PROCEDURES: readonly Procedure[] = [
  // Commune People's Committees: 60.
  { code: '1.001193', name: 'Đăng ký khai sinh', fieldName: 'Hộ tịch', handler: commune, timeLimitWorkingDays: 1, onlineLevel: 'full', feeVnd: null, resultRequiresDocument: true, organisationShare: 0, weight: 12 },
  { code: '1.000894', name: 'Đăng ký kết hôn', fieldName: 'Hộ tịch', handler: commune, timeLimitWorkingDays: 3, onlineLevel: 'partial', feeVnd: null, resultRequiresDocument: true, organisationShare: 0, weight: 4 },
  { code: '1.000656', name: 'Đăng ký khai tử', fieldName: 'Hộ tịch', handler: commune, timeLimitWorkingDays: 1, onlineLevel: 'full', feeVnd: null, resultRequiresDocument: true, organisationShare: 0, weight: 3 },
  { code: '1.004419', name: 'Xác nhận tình trạng hôn nhân', fieldName: 'Hộ tịch', handler: commune, timeLimitWorkingDays: 3, onlineLevel: 'full', feeVnd: 15_000, resultRequiresDocument: true, organisationShare: 0, weight: 6 },
  { code: '2.000815', name: 'Chứng thực bản sao từ bản chính giấy tờ, văn bản', fieldName: 'Chứng thực', handler: commune, timeLimitWorkingDays: 1, onlineLevel: 'full', feeVnd: 10_000, resultRequiresDocument: true, organisationShare: 0.1, weight: 18 },
  { code: '1.012756', name: 'Cấp giấy chứng nhận quyền sử dụng đất lần đầu', fieldName: 'Đất đai', handler: commune, timeLimitWorkingDays: 30, onlineLevel: 'partial', feeVnd: 100_000, resultRequiresDocument: true, organisationShare: 0.05, weight: 5 },
  { code: '1.009994', name: 'Cấp giấy phép xây dựng nhà ở riêng lẻ', fieldName: 'Hoạt động xây dựng', handler: commune, timeLimitWorkingDays: 15, onlineLevel: 'partial', feeVnd: 75_000, resultRequiresDocument: true, organisationShare: 0, weight: 4 },
  { code: '2.000720', name: 'Đăng ký thành lập hộ kinh doanh', fieldName: 'Thành lập và hoạt động của hộ kinh doanh', handler: commune, timeLimitWorkingDays: 3, onlineLevel: 'full', feeVnd: 100_000, resultRequiresDocument: true, organisationShare: 0, weight: 4 },
  { code: '1.001776', name: 'Thực hiện, điều chỉnh, thôi hưởng trợ cấp xã hội hàng tháng', fieldName: 'Bảo trợ xã hội', handler: commune, timeLimitWorkingDays: 15, onlineLevel: 'partial', feeVnd: null, resultRequiresDocument: false, organisationShare: 0, weight: 4 },
  // Provincial departments: 40.
  { code: '1.004227', name: 'Đăng ký biến động quyền sử dụng đất, quyền sở hữu tài sản gắn liền với đất', fieldName: 'Đất đai', handler: department('SNNMT'), timeLimitWorkingDays: 10, onlineLevel: 'partial', feeVnd: 50_000, resultRequiresDocument: true, organisationShare: 0.1, weight: 8 },
  { code: '1.001830', name: 'Đổi giấy phép lái xe do ngành Giao thông vận tải cấp', fieldName: 'Đường bộ', handler: department('SXD'), timeLimitWorkingDays: 5, onlineLevel: 'full', feeVnd: 135_000, resultRequiresDocument: true, organisationShare: 0, weight: 6 },
  { code: '1.009972', name: 'Cấp giấy phép xây dựng', fieldName: 'Hoạt động xây dựng', handler: department('SXD'), timeLimitWorkingDays: 15, onlineLevel: 'partial', feeVnd: 150_000, resultRequiresDocument: true, organisationShare: 0.8, weight: 4 },
  { code: '2.000488', name: 'Cấp phiếu lý lịch tư pháp', fieldName: 'Lý lịch tư pháp', handler: department('STP'), timeLimitWorkingDays: 10, onlineLevel: 'full', feeVnd: 200_000, resultRequiresDocument: true, organisationShare: 0, weight: 6 },
  { code: '2.000591', name: 'Cấp giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm', fieldName: 'An toàn thực phẩm', handler: department('SCT'), timeLimitWorkingDays: 20, onlineLevel: 'partial', feeVnd: 700_000, resultRequiresDocument: true, organisationShare: 0.7, weight: 3 },
  { code: '1.012310', name: 'Cấp giấy phép hành nghề khám bệnh, chữa bệnh', fieldName: 'Khám bệnh, chữa bệnh', handler: department('SYT'), timeLimitWorkingDays: 20, onlineLevel: 'partial', feeVnd: 360_000, resultRequiresDocument: true, organisationShare: 0, weight: 3 },
  { code: '1.005092', name: 'Chỉnh sửa nội dung văn bằng, chứng chỉ', fieldName: 'Văn bằng, chứng chỉ', handler: department('SGDDT'), timeLimitWorkingDays: 5, onlineLevel: 'full', feeVnd: null, resultRequiresDocument: true, organisationShare: 0, weight: 3 },
  { code: '2.001610', name: 'Đăng ký thành lập doanh nghiệp tư nhân', fieldName: 'Thành lập và hoạt động doanh nghiệp', handler: department('STC'), timeLimitWorkingDays: 3, onlineLevel: 'full', feeVnd: 50_000, resultRequiresDocument: false, organisationShare: 1, weight: 3 },
  { code: '1.000459', name: 'Cấp giấy phép lao động cho người nước ngoài làm việc tại khu công nghiệp', fieldName: 'Việc làm', handler: department('BQLKCN'), timeLimitWorkingDays: 5, onlineLevel: 'full', feeVnd: 600_000, resultRequiresDocument: true, organisationShare: 1, weight: 1 },
  { code: '1.003502', name: 'Cấp giấy phép bưu chính', fieldName: 'Bưu chính', handler: department('SKHCN'), timeLimitWorkingDays: 10, onlineLevel: 'full', feeVnd: null, resultRequiresDocument: true, organisationShare: 1, weight: 1 },
  // Smaller flows, so that every department has dossiers of its own (weights sum to 2, taken from the land share above).
  { code: '1.003822', name: 'Thủ tục công nhận ban vận động thành lập hội', fieldName: 'Tổ chức phi chính phủ', handler: department('SNV'), timeLimitWorkingDays: 30, onlineLevel: 'partial', feeVnd: null, resultRequiresDocument: true, organisationShare: 1, weight: 0.5 },
  { code: '2.001367', name: 'Cấp giấy chứng nhận đủ điều kiện về an ninh, trật tự để làm ngành, nghề đầu tư kinh doanh có điều kiện', fieldName: 'Quản lý ngành, nghề kinh doanh có điều kiện', handler: department('CAT'), timeLimitWorkingDays: 5, onlineLevel: 'full', feeVnd: 300_000, resultRequiresDocument: true, organisationShare: 0.6, weight: 0.7 },
  { code: '1.001055', name: 'Thông báo danh mục hoạt động tôn giáo bổ sung', fieldName: 'Tôn giáo', handler: department('SDTTG'), timeLimitWorkingDays: 20, onlineLevel: 'partial', feeVnd: null, resultRequiresDocument: false, organisationShare: 1, weight: 0.3 },
  { code: '2.002176', name: 'Thủ tục giải quyết tố cáo tại cấp tỉnh', fieldName: 'Giải quyết tố cáo', handler: department('TTRA'), timeLimitWorkingDays: 30, onlineLevel: 'partial', feeVnd: null, resultRequiresDocument: true, organisationShare: 0.2, weight: 0.2 },
  { code: '2.000561', name: 'Cho phép sử dụng thẻ đi lại của doanh nhân APEC', fieldName: 'Công tác lãnh sự', handler: department('VPUBND'), timeLimitWorkingDays: 10, onlineLevel: 'full', feeVnd: null, resultRequiresDocument: true, organisationShare: 0, weight: 0.3 },
];
