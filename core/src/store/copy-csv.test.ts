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
  it('loads the same rows when the CSV comes in pieces, as from one string, and rolls back with its transaction', async () => {
    const { db, dispose } = await openTestDb(backend);
    try {
      await db.exec('create table pieces (id int primary key, name text)');
      const rows = Array.from({ length: 250 }, (_, i) => ({ id: i, name: `Xã "số" ${i},\nmới` }));
      // As the dossier writer hands them over: an async iterator, so each piece is sent as it is made.
      // eslint-disable-next-line @typescript-eslint/require-await
      async function* inPieces() {
        for (let i = 0; i < rows.length; i += 100) yield copyCsvRows(rows.slice(i, i + 100), ['id', 'name']);
      }
      expect(await db.transaction((tx) => tx.copyFromCsv('pieces', ['id', 'name'], inPieces()))).toBe(250);
      const back = await db.query<{ id: number; name: string }>('select id, name from pieces order by id');
      expect(back.rows).toEqual(rows);

      await db.exec('truncate pieces');
      await expect(
        db.transaction(async (tx) => {
          await tx.copyFromCsv('pieces', ['id', 'name'], inPieces());
          throw new Error('the batch failed after its COPY');
        }),
      ).rejects.toThrow('the batch failed after its COPY');
      expect((await db.query<{ n: number }>('select count(*)::int as n from pieces')).rows[0]!.n).toBe(0);
    } finally {
      await dispose();
    }
  });

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
