/** Vietnamese messages, keyed by error code; `{name}` is replaced from the error's details. */
export const messagesVi: Record<string, string> = {
  'request.invalid': 'Yêu cầu không hợp lệ: {issues}',
  'request.notFound': 'Không tìm thấy {path}.',
  'dashboard.unknown': 'Không có bảng điều khiển "{dashboard}".',
  'store.dataDirInUse':
    'Thư mục dữ liệu {dataDir} đang được một tiến trình IOC khác sử dụng (pid {pid}). Hãy dừng tiến trình đó hoặc dùng IOC_DATA_DIR khác.',
  'store.migrationChanged': 'Tệp migration {version} đã bị sửa sau khi được áp dụng; không sửa migration cũ, hãy thêm migration mới.',
  'config.invalid': 'Cấu hình không hợp lệ: {issues}',
  'server.internal': 'Lỗi hệ thống (mã yêu cầu {reqId}). Vui lòng thử lại hoặc báo cho quản trị viên.',
};
