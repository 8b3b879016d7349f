-- Administrative units with validity and merger lineage (domain.md §5.4). A unit is keyed by (code, valid_from):
-- official codes were reused after 1 July 2025, e.g. 05443 was P. Trưng Vương before and is P. Phan Đình Phùng after.
-- valid_to is exclusive; null = current. The current province and its 92 communes come from the catalogue
-- (`seedUnitsFromCatalogue`); the units that ended on 2025-07-01 that domain.md names are seeded here.

create table unit (
  code          text not null,
  valid_from    date not null,
  valid_to      date,
  name          text not null,
  level         text not null check (level in ('province', 'district', 'commune')),
  kind          text not null,
  -- The parent's code; the parent is the unit with that code valid on the same dates.
  parent_code   text,
  legal_basis   text,
  primary key (code, valid_from),
  check (valid_to is null or valid_to > valid_from)
);

create index unit_current on unit (code) where valid_to is null;

create table unit_lineage (
  from_code        text not null,
  from_valid_from  date not null,
  to_code          text not null,
  to_valid_from    date not null,
  effective_date   date not null,
  event            text not null check (event in ('merge', 'split', 'rename', 'reclassify', 'transfer', 'abolish')),
  -- Part of the predecessor that went to this successor; null when unknown (restated figures are then flagged ≈).
  area_share       numeric,
  population_share numeric,
  legal_basis      text,
  primary key (from_code, from_valid_from, to_code, to_valid_from),
  foreign key (from_code, from_valid_from) references unit (code, valid_from),
  check (not (from_code = to_code and from_valid_from = to_valid_from))
);

-- Provinces before the merger [V: NQ 202/2025/QH15]: Bắc Kạn (06) and old Thái Nguyên (19), ended 2025-07-01.
insert into unit (code, valid_from, valid_to, name, level, kind, parent_code, legal_basis) values
  ('19', '1997-01-01', '2025-07-01', 'Tỉnh Thái Nguyên (trước sáp nhập)', 'province', 'tinh', null, null),
  ('06', '1997-01-01', '2025-07-01', 'Tỉnh Bắc Kạn', 'province', 'tinh', null, null);

-- Districts, abolished 2025-07-01 (Law 72/2025/QH15) [V]. The codes are the GSO district codes [P: not in
-- domain.md; confirm against QĐ 19/2025/QĐ-TTg]. Their names are the catalogue's `formerArea`, which is how the
-- catalogue seed links each district to the communes that took over its area.
insert into unit (code, valid_from, valid_to, name, level, kind, parent_code, legal_basis) values
  ('164', '1997-01-01', '2025-07-01', 'TP Thái Nguyên', 'district', 'thanh_pho', '19', null),
  ('165', '1997-01-01', '2025-07-01', 'TP Sông Công', 'district', 'thanh_pho', '19', null),
  ('167', '1997-01-01', '2025-07-01', 'Định Hóa', 'district', 'huyen', '19', null),
  ('168', '1997-01-01', '2025-07-01', 'Phú Lương', 'district', 'huyen', '19', null),
  ('169', '1997-01-01', '2025-07-01', 'Đồng Hỷ', 'district', 'huyen', '19', null),
  ('170', '1997-01-01', '2025-07-01', 'Võ Nhai', 'district', 'huyen', '19', null),
  ('171', '1997-01-01', '2025-07-01', 'Đại Từ', 'district', 'huyen', '19', null),
  ('172', '1997-01-01', '2025-07-01', 'TP Phổ Yên', 'district', 'thanh_pho', '19', null),
  ('173', '1997-01-01', '2025-07-01', 'Phú Bình', 'district', 'huyen', '19', null),
  ('058', '1997-01-01', '2025-07-01', 'TP Bắc Kạn', 'district', 'thanh_pho', '06', null),
  ('060', '1997-01-01', '2025-07-01', 'Pác Nặm', 'district', 'huyen', '06', null),
  ('061', '1997-01-01', '2025-07-01', 'Ba Bể', 'district', 'huyen', '06', null),
  ('062', '1997-01-01', '2025-07-01', 'Ngân Sơn', 'district', 'huyen', '06', null),
  ('063', '1997-01-01', '2025-07-01', 'Bạch Thông', 'district', 'huyen', '06', null),
  ('064', '1997-01-01', '2025-07-01', 'Chợ Đồn', 'district', 'huyen', '06', null),
  ('065', '1997-01-01', '2025-07-01', 'Chợ Mới', 'district', 'huyen', '06', null),
  ('066', '1997-01-01', '2025-07-01', 'Na Rì', 'district', 'huyen', '06', null);

-- The pre-merger communes domain.md §5.4 names (the code-reuse cases) [V]. The other 172 old communes of Thái
-- Nguyên and those of Bắc Kạn are not in the seeds: load them with their lineage before restating commune series.
insert into unit (code, valid_from, valid_to, name, level, kind, parent_code, legal_basis) values
  ('05443', '1997-01-01', '2025-07-01', 'Phường Trưng Vương', 'commune', 'phuong', '164', null),
  ('05449', '1997-01-01', '2025-07-01', 'Phường Phan Đình Phùng', 'commune', 'phuong', '164', null),
  ('05461', '1997-01-01', '2025-07-01', 'Phường Gia Sàng', 'commune', 'phuong', '164', null);

-- Lineage that domain.md §5.4 states [V]. The successors (valid from 2025-07-01) come from the catalogue seed; the
-- successor side has no foreign key for that reason, and a lineage row whose successor is missing resolves to nothing.
insert into unit_lineage (from_code, from_valid_from, to_code, to_valid_from, effective_date, event, legal_basis) values
  ('19', '1997-01-01', '19', '2025-07-01', '2025-07-01', 'merge', 'NQ 202/2025/QH15'),
  ('06', '1997-01-01', '19', '2025-07-01', '2025-07-01', 'merge', 'NQ 202/2025/QH15'),
  ('05443', '1997-01-01', '05443', '2025-07-01', '2025-07-01', 'merge', 'NQ 1683/NQ-UBTVQH15'),
  ('05449', '1997-01-01', '05443', '2025-07-01', '2025-07-01', 'merge', 'NQ 1683/NQ-UBTVQH15'),
  ('05461', '1997-01-01', '05467', '2025-07-01', '2025-07-01', 'merge', 'NQ 1683/NQ-UBTVQH15');
