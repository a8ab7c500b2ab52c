import type { PoolClient } from '@tongyuan/database';

/** 索引号: organisation code / year - five-digit serial; the serial only goes up, so a number is never given twice. */
export const assignIndexNumber = async (
  client: PoolClient,
  documentId: string,
  organisationCode: string,
  year: number,
): Promise<string> => {
  const existing = await client.query<{ index_number: string | null }>(
    'select index_number from documents where id = $1 for update',
    [documentId],
  );
  const current = existing.rows[0]?.index_number;
  if (current) return current;
  const { rows } = await client.query<{ last_serial: number }>(
    `insert into index_number_serials (organisation_code, year, last_serial) values ($1, $2, 1)
     on conflict (organisation_code, year) do update set last_serial = index_number_serials.last_serial + 1
     returning last_serial`,
    [organisationCode, year],
  );
  const indexNumber = `${organisationCode}/${year}-${String(rows[0]?.last_serial ?? 0).padStart(5, '0')}`;
  await client.query('update documents set index_number = $2 where id = $1', [documentId, indexNumber]);
  return indexNumber;
};
