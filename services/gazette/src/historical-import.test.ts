import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor } from '@tongyuan/testing';
import PDFDocument from 'pdfkit';
import { describe, expect } from 'vitest';
import { runCli } from './cli.js';
import { corpusMonth, gazetteTest } from './gazette.fixture.js';

const font = '/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc';

/** A past issue as a typeset PDF: one page per entry of `pages`, the CJK font embedded. */
const pastIssuePdf = (pages: string[], options: ConstructorParameters<typeof PDFDocument>[0] = {}): Promise<Buffer> =>
  new Promise((resolve, reject) => {
    const doc = new PDFDocument({ size: 'A4', autoFirstPage: false, ...options });
    const chunks: Buffer[] = [];
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
    doc.font(font, 'NotoSerifCJKsc-Regular');
    for (const text of pages) {
      doc.addPage();
      doc.fontSize(12).text(text, 72, 72, { width: 450 });
    }
    doc.end();
  });

// A shared 2-core machine under load renders and joins consumer groups slowly: generous bounds, same assertions.
describe('历史公报入库: past issues from a folder of PDFs', { timeout: 240_000 }, () => {
  gazetteTest(
    'imports the good issues, reports bad files by name, then search finds a phrase from one of them',
    async ({ gazette }) => {
      // Ready: broker, bucket and database reachable.
      const ready = await fetch(`${gazette.baseUrl}/readyz`);
      expect(ready.status).toBe(200);
      expect(((await ready.json()) as { failed: string[] }).failed).toEqual([]);
      // Before any issue, the archive is an empty index, not a 404.
      expect((await fetch(`${gazette.baseUrl}/archive/`)).status).toBe(200);
      const folder = await mkdtemp(join(tmpdir(), 'gazette-history-'));
      await writeFile(
        join(folder, '2019-11.pdf'),
        await pastIssuePdf([
          '自贡市人民政府公报 2019年第11期 目录',
          '自贡市城市供水管理办法 第一条 为了加强城市供水管理，保障城市生活、生产用水，制定本办法。',
          '关于进一步做好冬季安全生产工作的通知 各区县人民政府要切实落实属地管理责任。',
        ]),
      );
      await writeFile(
        join(folder, '2019-12.pdf'),
        await pastIssuePdf([
          '自贡市人民政府公报 2019年第12期 目录',
          '自贡市农村集体经济组织财务管理暂行规定 村务监督委员会应当每季度审核一次集体资金往来账目。',
        ]),
      );
      await writeFile(
        join(folder, 'locked.pdf'),
        await pastIssuePdf(['加密的公报'], { userPassword: 'secret', ownerPassword: 'owner', pdfVersion: '1.7' }),
      );
      await writeFile(join(folder, 'scan.pdf'), 'this is a Word file renamed to .pdf');
      await writeFile(
        join(folder, 'issues.json'),
        JSON.stringify([
          {
            year: 2019,
            number: 11,
            total: 320,
            publishedOn: '2019-11-30',
            file: '2019-11.pdf',
            documents: [
              { title: '自贡市城市供水管理办法', docNumber: '自贡市人民政府令第61号', organ: '自贡市人民政府', page: 2 },
              {
                title: '关于进一步做好冬季安全生产工作的通知',
                docNumber: '自府办发〔2019〕40号',
                organ: '自贡市人民政府办公室',
                page: 3,
              },
            ],
          },
          {
            year: 2019,
            number: 12,
            total: 321,
            publishedOn: '2019-12-31',
            file: '2019-12.pdf',
            documents: [
              {
                title: '自贡市农村集体经济组织财务管理暂行规定',
                docNumber: '自府规〔2019〕5号',
                organ: '自贡市农业农村局',
                page: 2,
              },
            ],
          },
          {
            year: 2019,
            number: 10,
            total: 319,
            publishedOn: '2019-10-31',
            file: 'locked.pdf',
            documents: [{ title: '加密', page: 1 }],
          },
          {
            year: 2019,
            number: 9,
            total: 318,
            publishedOn: '2019-09-30',
            file: 'scan.pdf',
            documents: [{ title: '扫描', page: 1 }],
          },
          {
            year: 2019,
            number: 8,
            total: 317,
            publishedOn: '2019-08-31',
            file: 'lost.pdf',
            documents: [{ title: '丢失', page: 1 }],
          },
          { year: 2019, number: 0, total: 316, publishedOn: '2019-07-31', file: 'bad-number.pdf', documents: [] },
        ]),
      );

      const out: string[] = [];
      const err: string[] = [];
      const code = await runCli(['import', folder], {
        env: { GAZETTE_URL: gazette.baseUrl, TONGYUAN_TOKEN: gazette.tokenOf('archivist') },
        stdout: (line) => out.push(line),
        stderr: (line) => err.push(line),
      });
      expect(code).toBe(1);
      expect(out).toEqual([
        'imported 2019-11.pdf → 2019-11 (3 pages, 2 documents)',
        'imported 2019-12.pdf → 2019-12 (2 pages, 1 documents)',
        'next issue: 总第322期',
      ]);
      expect(err).toEqual([
        'refused locked.pdf: encrypted: an archived issue must open without a password',
        'refused scan.pdf: not a PDF (no %PDF- header)',
        'refused lost.pdf: missing from the folder',
        expect.stringMatching(/^refused bad-number\.pdf: metadata invalid: number: .+; documents: .+/),
      ]);

      // Searchable beside the new issues: a phrase from the text (not the title), by 文号, by organ and year.
      const phrase = await gazette.call(null, 'GET', `/v1/search?q=${encodeURIComponent('每季度审核一次集体资金')}`);
      expect(phrase.body.hits).toMatchObject([
        {
          issueId: '2019-12',
          issueLabel: '2019年第12期（总第321期）',
          historical: true,
          title: '自贡市农村集体经济组织财务管理暂行规定',
          page: 2,
          url: '/issues/2019-12/gazette.pdf#page=2',
        },
      ]);
      const byNumber = await gazette.call(null, 'GET', `/v1/search?docNumber=${encodeURIComponent('自府办发〔2019〕40号')}`);
      expect(byNumber.body.hits.map((hit: { title: string }) => hit.title)).toEqual(['关于进一步做好冬季安全生产工作的通知']);
      const byOrgan = await gazette.call(
        null,
        'GET',
        `/v1/search?organ=${encodeURIComponent('自贡市人民政府')}&year=2019&issue=11`,
      );
      expect(byOrgan.body.total).toBe(2);

      // Browsable: the archive lists them with their PDFs, served from the bucket.
      const yearPage = await (await fetch(`${gazette.baseUrl}/archive/2019/`)).text();
      expect(yearPage).toContain('2019年第12期');
      expect(yearPage).toContain('/issues/2019-11/gazette.pdf');
      const pdf = await fetch(`${gazette.baseUrl}/issues/2019-11/gazette.pdf`);
      expect(pdf.headers.get('content-type')).toBe('application/pdf');

      // The running total continues after the imported issues; importing the same folder again changes nothing.
      await gazette.release(...corpusMonth('2026-07').slice(0, 1));
      const open = await waitFor(async () => {
        const answer = await gazette.call('archivist', 'GET', '/v1/issues/open');
        return answer.status === 200 ? answer.body : undefined;
      });
      expect(open.issue).toMatchObject({ total: 322, label: '2026年第1期（总第322期）' });
      const again = await gazette.call('archivist', 'POST', '/v1/history/imports', {
        issues: [
          {
            year: 2019,
            number: 12,
            total: 321,
            publishedOn: '2019-12-31',
            file: '2019-12.pdf',
            documents: [{ title: 'x', page: 1 }],
          },
        ],
        files: [],
      });
      expect(again.body.rejected).toEqual([{ file: '2019-12.pdf', reason: 'missing from the folder' }]);
      expect((await gazette.call('editor', 'POST', '/v1/history/imports', { issues: [{}], files: [] })).status).toBe(403);
    },
  );
});
