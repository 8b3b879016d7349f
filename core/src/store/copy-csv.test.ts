import { describe, expect, it } from 'vitest';
import { copyCsvField, copyCsvRows } from './copy-csv';
import { BACKENDS, openTestDb } from '../testing';

describe('copyCsvField', () => {
  it('writes null as an unquoted empty field and an empty string quoted', () => {
    expect(copyCsvField(null)).toBe('');
    expect(copyCsvField(undefined)).toBe('');
    expect(copyCsvField('')).toBe('""');
  });

  it('doubles quotes and keeps commas and line breaks inside the quotes', () => {
    expect(copyCsvField('Xã "Tân Cương", P. Gia Sàng\nmới')).toBe('"Xã ""Tân Cương"", P. Gia Sàng\nmới"');
  });

  it('writes instants in ISO form and objects as JSON', () => {
    expect(copyCsvField(new Date('2026-07-01T01:02:03.004Z'))).toBe('2026-07-01T01:02:03.004Z');
    expect(copyCsvField([{ a: '"x"' }])).toBe('"[{""a"":""\\""x\\""""}]"');
  });
});

describe.each(BACKENDS)('copyCsvRows into %s', (backend) => {
  it('round-trips text, nulls, empty strings, numbers, booleans, instants and jsonb through COPY in a transaction', async () => {
    const { db, dispose } = await openTestDb(backend);
    try {
      await db.exec('create table probe (tag text, id int, name text, note text, ok boolean, at timestamptz, extra jsonb)');
      const rows = [
        { id: 1, name: 'Sở Y tế, "Thái Nguyên"', note: null, ok: true, at: new Date('2025-07-01T00:00:00Z'), extra: { k: ['a,b'] } },
        { id: 2, name: '', note: 'dòng 1\ndòng 2', ok: false, at: null, extra: null },
      ];
      const loaded = await db.transaction((tx) =>
        tx.copyFromCsv(
          'probe',
          ['tag', 'id', 'name', 'note', 'ok', 'at', 'extra'],
          copyCsvRows(rows, ['id', 'name', 'note', 'ok', 'at', 'extra'], ['t']),
        ),
      );
      expect(loaded).toBe(2);
      const back = await db.query<Record<string, unknown>>('select tag, id, name, note, ok, at, extra from probe order by id');
      expect(back.rows).toEqual([
        { tag: 't', ...rows[0] },
        { tag: 't', ...rows[1] },
      ]);
    } finally {
      await dispose();
    }
  });
});
