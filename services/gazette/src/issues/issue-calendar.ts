import type { DocumentKind, GazetteSectionName } from '@tongyuan/contracts';

const shanghaiMonth = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit' });
const shanghaiDay = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Asia/Shanghai',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});

/** The release month a revision belongs to: its 发布日期 in Beijing time (a release at 2026-03-31T20:00Z is April's). */
export const releaseMonthOf = (isoDateTime: string): string => shanghaiMonth.format(new Date(isoDateTime)).slice(0, 7);

/** Today's date in Beijing time: the date printed on an issue published now. */
export const shanghaiDate = (at: Date): string => shanghaiDay.format(at);

export const nextMonth = (month: string): string => {
  const [year, number] = month.split('-').map(Number) as [number, number];
  return number === 12 ? `${year + 1}-01` : `${year}-${String(number + 1).padStart(2, '0')}`;
};

/** Where a kind goes unless an archivist moves it. */
export const defaultSectionOf = (kind: DocumentKind): GazetteSectionName => {
  switch (kind) {
    case '规章':
    case '规范性文件':
    case '政策解读':
      return kind;
    case '人事信息':
      return '人事任免';
    default:
      return '其他';
  }
};
