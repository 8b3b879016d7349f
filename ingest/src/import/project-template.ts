import ExcelJS from 'exceljs';
import { PROJECT_COLUMNS } from './project-columns';

/**
 * The project-update spreadsheet an agency fills in: the Vietnamese headers in order, required ones marked in bold,
 * and each header's field name as a note. `ioc import --template project` writes it.
 */
export async function projectTemplateXlsx(): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('Cập nhật dự án');
  sheet.columns = PROJECT_COLUMNS.map((c) => ({ header: c.header, key: c.field, width: Math.max(14, c.header.length + 2) }));
  PROJECT_COLUMNS.forEach((c, i) => {
    const cell = sheet.getRow(1).getCell(i + 1);
    cell.font = { bold: c.required };
    cell.note = `${c.field}${c.required ? ' (bắt buộc / required)' : ''}`;
  });
  sheet.views = [{ state: 'frozen', ySplit: 1 }];
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
