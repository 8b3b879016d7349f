import { formatPercentVi, localDateOf, PROVINCE_TIME_ZONE, formatPointsVi } from '@ioc/core';
import { KPI_COLUMNS, NO_DATA_VI, formatColumnVi, formatCountVi, monthLabelVi } from './report-columns';
import type { MonthlyReport, ReportRow } from './monthly-report';

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** dd/MM/yyyy in province time. */
function dateVi(at: Date): string {
  const [y, m, d] = localDateOf(at, PROVINCE_TIME_ZONE).split('-');
  return `${d}/${m}/${y}`;
}

// Inline and self-contained: the page is printed to PDF or saved, with no external asset. The app's CSP allows
// inline styles ('unsafe-inline' in style-src) and no script is used.
const STYLE = `
@page { size: A4 landscape; margin: 12mm 10mm; }
* { box-sizing: border-box; }
body { font-family: "Times New Roman", "DejaVu Serif", serif; font-size: 10pt; color: #111; margin: 0 auto; max-width: 277mm; }
h1 { font-size: 15pt; text-align: center; margin: 0 0 2mm; text-transform: uppercase; }
h2 { font-size: 12pt; margin: 6mm 0 2mm; break-after: avoid; }
p.meta { text-align: center; margin: 0 0 4mm; }
table { border-collapse: collapse; width: 100%; page-break-inside: auto; }
thead { display: table-header-group; }
tr { break-inside: avoid; }
th, td { border: 0.5pt solid #555; padding: 1mm 1.2mm; vertical-align: top; }
th { background: #e8eef5; font-weight: bold; font-size: 8.5pt; }
td.n { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
td .prev { display: block; color: #555; font-size: 8pt; }
td.nodata, td .nodata { color: #8a5a00; font-style: italic; }
tr.total td { font-weight: bold; background: #f4f4f4; }
table.kpi { font-size: 8.5pt; }
table.summary { width: auto; min-width: 60%; }
.note { font-size: 8.5pt; color: #333; }
section { break-inside: auto; }
@media print { a { color: inherit; text-decoration: none; } }
`;

function valueCell(text: string, prevText: string | null): string {
  const cls = (t: string) => (t === NO_DATA_VI ? ' class="nodata"' : '');
  const main = text === NO_DATA_VI ? `<span class="nodata">${text}</span>` : escape(text);
  return `<td class="n">${main}${prevText === null ? '' : `<span class="prev"${cls(prevText)}>${escape(prevText)}</span>`}</td>`;
}

const isEmpty = (row: ReportRow) =>
  [row.current, row.previous].every(
    (k) => k.received === 0 && k.finished === 0 && k.counters.openWithinDeadline + k.counters.openOverdue === 0,
  );

function kpiTable(r: MonthlyReport, codeLabel: string, allRows: readonly ReportRow[]): string {
  // Units with no dossier in either month would fill the page with "no data": they are named once below the table.
  const rows = allRows.filter((row) => !isEmpty(row));
  const empty = allRows.filter(isEmpty);
  const head = `<tr><th>${escape(codeLabel)}</th>${KPI_COLUMNS.map((c) => `<th>${escape(c.label)}</th>`).join('')}</tr>`;
  const total: ReportRow = { code: '', name: `Tổng: ${r.scope.name}`, current: r.total.current, previous: r.total.previous };
  const body = [...rows, total]
    .map(
      (row) =>
        `<tr${row === total ? ' class="total"' : ''}><td>${escape(row.name)}${row.code ? ` <span class="note">(${escape(row.code)})</span>` : ''}</td>` +
        KPI_COLUMNS.map((c) => valueCell(formatColumnVi(c, row.current), formatColumnVi(c, row.previous))).join('') +
        '</tr>',
    )
    .join('\n');
  const none =
    empty.length === 0
      ? ''
      : `<p class="note">Không có hồ sơ trong tháng ${monthLabelVi(r.month)} và tháng ${monthLabelVi(r.previousMonth)} (mọi tỷ lệ: ${NO_DATA_VI}): ${empty
          .map((row) => `${escape(row.name)} (${escape(row.code)})`)
          .join('; ')}.</p>`;
  return `<table class="kpi"><thead>${head}</thead><tbody>${body}</tbody></table>
<p class="note">Mỗi ô: tháng ${monthLabelVi(r.month)}; dòng dưới (nhỏ): tháng ${monthLabelVi(r.previousMonth)}.</p>${none}`;
}

/**
 * The monthly report as one printable HTML page (A4 landscape, Vietnamese, vi-VN numbers: `81,3%`, `1.234`),
 * with the same figures as the XLSX.
 */
export function monthlyReportHtml(r: MonthlyReport): string {
  const cur = monthLabelVi(r.month);
  const prev = monthLabelVi(r.previousMonth);
  const summaryRows = KPI_COLUMNS.map(
    (c) =>
      `<tr><td>${escape(c.label)}</td>${valueCell(formatColumnVi(c, r.total.current), null)}${valueCell(formatColumnVi(c, r.total.previous), null)}</tr>`,
  ).join('\n');
  const idx = r.total.current.index766;
  const groups = idx.groups
    .map(
      (g) =>
        `<tr><td>Nhóm ${g.group}</td><td class="n">${g.attainable === 0 ? `<span class="nodata">${NO_DATA_VI}</span>` : `${formatPointsVi(g.points)}/${g.attainable}`}</td><td class="n">${g.maxPoints}</td></tr>`,
    )
    .join('\n');
  const t = r.incidents.total;
  const incidentRows = r.incidents.rows
    .map(
      (i) =>
        `<tr><td>${escape(i.name)}${i.code ? ` <span class="note">(${escape(i.code)})</span>` : ''}</td><td class="n">${formatCountVi(i.opened)}</td><td class="n">${formatCountVi(i.closed)}</td><td class="n">${formatCountVi(i.overdue)}</td><td class="n">${formatCountVi(i.openAtEnd)}</td></tr>`,
    )
    .join('\n');
  const compliance = formatPercentVi(r.projects.compliance);
  const projects =
    compliance === null
      ? '<p class="nodata">chưa có dữ liệu dự án</p>'
      : `<p>Tỷ lệ cơ quan cập nhật dự án trong kỳ (P3): <b>${compliance}</b>.</p>` +
        (r.projects.missed.length === 0
          ? '<p>Không có cơ quan nào chậm cập nhật.</p>'
          : `<p>Cơ quan chưa cập nhật trước ngày 10/${cur}:</p><ul>${r.projects.missed.map((m) => `<li>${escape(m.name)} (${escape(m.code)})</li>`).join('')}</ul>`);

  return `<!doctype html>
<html lang="vi">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Báo cáo tháng ${cur}: ${escape(r.scope.name)}</title>
<style>${STYLE}</style>
</head>
<body>
<h1>Báo cáo tình hình vận hành tháng ${cur}</h1>
<p class="meta">${escape(r.scope.name)} · Kỳ báo cáo: ${dateVi(r.period.start)} – ${dateVi(new Date(r.period.end.getTime() - 1))} · Hồ sơ đang xử lý tính đến ${dateVi(new Date(r.snapshotAt.getTime() - 1))} · Ngày lập: ${dateVi(r.generatedAt)}</p>

<section>
<h2>1. Tổng hợp giải quyết hồ sơ thủ tục hành chính</h2>
<table class="summary"><thead><tr><th>Chỉ tiêu</th><th>Tháng ${cur}</th><th>Tháng ${prev}</th></tr></thead>
<tbody>${summaryRows}</tbody></table>
<p class="note">"${NO_DATA_VI}": mẫu số bằng 0 trong kỳ, không phải 0% hay 100%.</p>
</section>

<section>
<h2>2. Chỉ số phục vụ người dân, doanh nghiệp (QĐ 766/QĐ-TTg), giá trị ước tính</h2>
<p>Tháng ${cur}: <b>${idx.attainable === 0 ? NO_DATA_VI : `${formatPointsVi(idx.score)} / ${idx.attainable} điểm có dữ liệu`}</b>${idx.attainment ? ` (${formatPercentVi(idx.attainment)}; độ phủ ${idx.coverage.numerator}/${idx.coverage.denominator})` : ''}.</p>
<table class="summary"><thead><tr><th>Nhóm</th><th>Điểm ước tính</th><th>Điểm tối đa</th></tr></thead><tbody>${groups}</tbody></table>
<p class="note">Chỉ tính các chỉ số có dữ liệu từ hệ thống hồ sơ; so sánh với điểm chính thức trên Cổng DVCQG.</p>
</section>

<section>
<h2>3. Theo cơ quan giải quyết</h2>
${kpiTable(r, 'Cơ quan', r.agencies)}
</section>

<section>
<h2>4. Theo xã, phường</h2>
${r.communes.length === 0 ? `<p class="nodata">${NO_DATA_VI}</p>` : kpiTable(r, 'Xã, phường', r.communes)}
</section>

<section>
<h2>5. Sự cố</h2>
<table class="summary"><thead><tr><th>Cơ quan</th><th>Mở trong tháng</th><th>Đóng trong tháng</th><th>Quá hạn tiếp nhận</th><th>Còn mở cuối tháng</th></tr></thead>
<tbody>${incidentRows}
<tr class="total"><td>Tổng</td><td class="n">${formatCountVi(t.opened)}</td><td class="n">${formatCountVi(t.closed)}</td><td class="n">${formatCountVi(t.overdue)}</td><td class="n">${formatCountVi(t.openAtEnd)}</td></tr></tbody></table>
</section>

<section>
<h2>6. Cập nhật dự án đầu tư hằng tháng</h2>
${projects}
</section>
</body>
</html>
`;
}
