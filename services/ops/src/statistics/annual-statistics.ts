import type { AnnualStatisticsRow } from '@tongyuan/contracts';
import type { Pool } from '@tongyuan/database';

// Months are counted in China Standard Time: a document released at 00:30 on 1 January belongs to the new year.
const LOCAL = `'Asia/Shanghai'`;

/**
 * Counts for the 政府信息公开工作年度报告: 主动公开 documents first released, and the corrections, withdrawals and
 * validity changes made, per year, month, kind and lead issuing organ (each revision counted in its release month).
 */
export const annualStatistics = async (pool: Pool, year?: number): Promise<AnnualStatisticsRow[]> => {
  const { rows } = await pool.query<AnnualStatisticsRow>(
    `select extract(year from released_at at time zone ${LOCAL})::int as year,
            extract(month from released_at at time zone ${LOCAL})::int as month,
            kind, issuing_organs[1] as "issuingOrgan",
            count(*) filter (where revision = 1)::int as released,
            count(*) filter (where correction_kind = 'correction')::int as corrections,
            count(*) filter (where correction_kind = 'withdrawal')::int as withdrawals,
            count(*) filter (where correction_kind = 'validityChange')::int as "validityChanges"
     from revisions
     where openness = '主动公开' and ($1::int is null or extract(year from released_at at time zone ${LOCAL}) = $1)
     group by 1, 2, 3, 4
     order by 1, 2, 3, 4`,
    [year ?? null],
  );
  return rows;
};

export const statisticsYears = async (pool: Pool): Promise<number[]> =>
  (
    await pool.query<{ year: number }>(
      `select distinct extract(year from released_at at time zone ${LOCAL})::int as year from revisions order by 1 desc`,
    )
  ).rows.map((row) => row.year);

const csvField = (value: string | number): string => {
  const text = String(value);
  // Quote what CSV needs quoted; a leading = + - @ would be a formula in Excel, so it is quoted and prefixed.
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return /[",\r\n']/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
};

/** UTF-8 with a byte-order mark and CRLF line ends, so Excel opens the Chinese headings right. */
export const statisticsCsv = (rows: readonly AnnualStatisticsRow[]): string => {
  const header = ['年份', '月份', '文件类别', '发文机关', '主动公开', '纠错', '撤回', '有效性变更'];
  const lines = [
    header,
    ...rows.map((r) => [r.year, r.month, r.kind, r.issuingOrgan, r.released, r.corrections, r.withdrawals, r.validityChanges]),
  ];
  return `\uFEFF${lines.map((line) => line.map(csvField).join(',')).join('\r\n')}\r\n`;
};
