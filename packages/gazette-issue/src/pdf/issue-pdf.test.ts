// The issue PDF as its readers' tools see it: poppler opens it, lists the embedded CJK subsets, gives back each
// document's text, and the TOC, running heads, page numbers and bookmarks agree with where things really are.
import { createHash } from 'node:crypto';
import { crc32, deflateSync } from 'node:zlib';
import { type Block, blockText, DocumentRevision, revisionText, sourceFingerprint } from '@tongyuan/contracts';
import { correctedRevision } from '@tongyuan/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { corpusIssue, frozen, generatedIssue, richRevision } from '../gazette-issue.fixture.js';
import { type GazetteIssue, type IssueLayout, issueLabel } from '../issue.js';
import { pdfFonts, pdfInfo, pdfOutline, pdfStructure, pdfText, pdfWords, squeezed } from '../pdf-reading.fixture.js';
import { renderIssuePdf } from './issue-pdf.renderer.js';
import { MARGIN, PAGE, TEXT_WIDTH } from './page-writer.js';

/** The body text of pages first..last as a reader copies it: running head and folio of each page left out. */
const bodyText = (pdf: Buffer, issue: GazetteIssue, first: number, last: number): string => {
  const head = squeezed(`${issue.gazetteTitle} · ${issueLabel(issue)}`);
  return pdfText(pdf, { first, last })
    .split('\f')
    .map((page) =>
      squeezed(page)
        .replace(head, '')
        .replace(/—\d+—$/, ''),
    )
    .join('');
};

/** The first paragraph as revisionText shows it: a run-in heading shares the paragraph's line. */
const firstParagraph = (revision: DocumentRevision): string => {
  const lines = revisionText(revision).split('\n');
  const index = revision.body.findIndex((b) => b.type === 'paragraph');
  const before = revision.body.slice(0, index).filter((b) => !(b.type === 'heading' && b.runIn === true)).length;
  return lines[1 + before]!;
};

describe('the issue PDF of a month of corpus documents', () => {
  const issue = corpusIssue();
  let pdf: Buffer;
  let layout: IssueLayout;
  const documents = issue.sections.flatMap((s) => s.documents);

  beforeAll(async () => {
    ({ pdf, layout } = await renderIssuePdf(issue));
  });

  it('opens in poppler as an A4 document dated by the closing, titled with the issue', () => {
    const info = pdfInfo(pdf);
    expect(info.Pages).toBe(String(layout.pageCount));
    expect(info['Page size']).toMatch(/^595\.28 x 841\.89 pts \(A4\)/);
    expect(info.Title).toBe('自贡市人民政府公报 2026年第5期（总第128期）');
    expect(info.CreationDate).toBe('2026-05-30T09:30:00Z');
    expect(info.ModDate).toBe('2026-05-30T09:30:00Z');
    expect(info.Encrypted).toBe('no');
  });

  it('embeds only subsets of the Noto CJK serif and sans faces, each with a ToUnicode map', () => {
    const fonts = pdfFonts(pdf);
    expect(fonts.map((f) => f.name.replace(/^[A-Z]{6}\+/, '')).sort()).toEqual([
      'NotoSansCJKsc-Bold',
      'NotoSansCJKsc-Regular',
      'NotoSerifCJKsc-Bold',
      'NotoSerifCJKsc-Regular',
    ]);
    for (const font of fonts) expect(font).toMatchObject({ embedded: true, subset: true, unicode: true });
    // Subsets, not whole faces: four Noto CJK fonts weigh over 60 MB.
    expect(pdf.length).toBeLessThan(1_500_000);
  });

  it('gives back each document title and first paragraph exactly, on the pages the layout names', () => {
    expect(layout.documents.map((d) => d.documentId)).toEqual(documents.map((d) => d.revision.documentId));
    for (const placed of layout.documents) {
      const { revision } = documents.find((d) => d.revision.documentId === placed.documentId)!;
      const text = bodyText(pdf, issue, placed.startPage, placed.endPage);
      expect(text).toContain(squeezed(revision.title));
      expect(text).toContain(squeezed(firstParagraph(revision)));
      // Each document starts on a page of its own: its title is on its first page, not on the one before.
      expect(squeezed(pdfText(pdf, { first: placed.startPage, last: placed.startPage }))).toContain(squeezed(revision.title));
      expect(squeezed(pdfText(pdf, { first: placed.startPage - 1, last: placed.startPage - 1 }))).not.toContain(
        squeezed(`${revision.title}发文机关`),
      );
    }
  });

  it('prints the whole text of the corpus documents in reading order, every character of revisionText', () => {
    for (const placed of layout.documents.filter((d) => !d.title.includes('script'))) {
      const { revision } = documents.find((d) => d.revision.documentId === placed.documentId)!;
      const text = bodyText(pdf, issue, placed.startPage, placed.endPage);
      const body = squeezed(revisionText(revision).split('\n').slice(1).join(''));
      expect(text).toContain(body);
    }
  });

  it('prints the 发文机关, 发文字号 and 成文日期 under the title, and lists attachments by title', () => {
    const zigong = layout.documents.find((d) => d.section === '规范性文件')!;
    const text = bodyText(pdf, issue, zigong.startPage, zigong.startPage);
    expect(text).toContain(squeezed('发文机关：自贡市人民政府办公室'));
    expect(text).toContain(squeezed('发文字号：自府办函〔2022〕21号'));
    expect(text).toContain(squeezed('成文日期：2022年4月28日'));
    const haishu = layout.documents.find((d) => d.title.includes('海曙区'))!;
    expect(bodyText(pdf, issue, haishu.startPage, haishu.endPage)).toContain(
      squeezed('附件：2019年海曙区政务公开工作要点任务分解表'),
    );
  });

  it('numbers the TOC with the pages the documents and errata start on', () => {
    // -layout keeps each printed line together, as a reader sees the number at the end of its entry.
    const toc = squeezed(pdfText(pdf, { first: layout.tocPages.start, last: layout.tocPages.end }, true));
    expect(toc.startsWith(squeezed(`${issue.gazetteTitle} · ${issueLabel(issue)}目录`))).toBe(true);
    for (const placed of layout.documents) {
      const { revision } = documents.find((d) => d.revision.documentId === placed.documentId)!;
      const entry = `${revision.title}${revision.docNumber === null ? '' : `（${revision.docNumber}）`}${placed.startPage}`;
      expect(toc).toContain(squeezed(entry));
    }
    const erratumPage = layout.errata[0]!.startPage;
    expect(toc).toContain(squeezed(`勘误关于2026年第3期（总第126期）的勘误${erratumPage}`));
    expect(bodyText(pdf, issue, erratumPage, erratumPage)).toContain(squeezed(issue.errata[0]!.text));
    expect(bodyText(pdf, issue, erratumPage, erratumPage)).toContain(squeezed(`更正后的全文：${issue.errata[0]!.portalUrl}`));
    // The empty 政策解读 section is left out of the TOC.
    expect(toc).not.toContain('政策解读');
  });

  it('runs the issue label over every page after the cover, with the page number under it', () => {
    const pages = pdfText(pdf, undefined, true).split('\f').slice(0, layout.pageCount);
    expect(squeezed(pages[0]!)).not.toMatch(/—\d+—/);
    expect(squeezed(pages[0]!)).toContain(squeezed(`${issue.gazetteTitle}2026年第5期（总第128期）2026年5月31日出版`));
    pages.slice(1).forEach((page, i) => {
      const text = squeezed(page);
      expect(text.startsWith(squeezed(`${issue.gazetteTitle} · 2026年第5期（总第128期）`))).toBe(true);
      expect(text.endsWith(`—${i + 2}—`)).toBe(true);
    });
  });

  it('has bookmarks: the TOC, each section with its documents, the errata, each pointing at its page', () => {
    const outline = pdfOutline(pdf);
    expect(outline.map((item) => [item.title, item.page])).toEqual([
      ['目录', 2],
      ['规章', layout.documents[0]!.startPage],
      ['规范性文件', layout.documents[1]!.startPage],
      ['其他', layout.documents[2]!.startPage],
      ['勘误', layout.errata[0]!.startPage],
    ]);
    const children = outline.flatMap((item) => item.children.map((child) => [child.title, child.page]));
    expect(children).toEqual([
      ...layout.documents.map((d) => [d.title, d.startPage]),
      ['关于2026年第3期（总第126期）的勘误', layout.errata[0]!.startPage],
    ]);
  });

  it('is a tagged PDF: sections, articles, headings, lists, tables and figures in reading order, heads left out', () => {
    expect(pdfInfo(pdf).Tagged).toBe('yes');
    const tree = pdfStructure(pdf);
    // Element names in tree order, one per line, with the text poppler reads from each.
    const elements = tree
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line !== '' && !line.startsWith('"'))
      .map((line) => line.split(' ')[0]);
    expect(elements.filter((name) => name === 'Art')).toHaveLength(documents.length);
    expect(elements.filter((name) => name === 'H2').length).toBeGreaterThanOrEqual(documents.length);
    for (const name of [
      'Document',
      'Sect',
      'TOC',
      'TOCI',
      'H1',
      'H3',
      'H5',
      'P',
      'L',
      'LI',
      'LBody',
      'Table',
      'Caption',
      'TR',
      'TH',
      'TD',
      'Figure',
    ]) {
      expect(elements, name).toContain(name);
    }
    const text = squeezed(tree.replace(/^\s*[A-Za-z0-9]+(?: .*)?$/gm, '').replace(/"/g, ''));
    for (const { revision } of documents) expect(text).toContain(squeezed(revision.title));
    expect(text).toContain(squeezed(firstParagraph(documents[1]!.revision)));
    // Running heads and page numbers are artifacts: a screen reader does not read them on every page.
    expect(text).not.toContain(squeezed(`${issue.gazetteTitle} · ${issueLabel(issue)}`));
    expect(text).not.toMatch(/—\d+—/);
  });

  it('keeps every word inside the text block: long titles, tables and URLs wrap instead of overflowing', () => {
    const words = pdfWords(pdf);
    expect(words.length).toBeGreaterThan(500);
    for (const word of words) {
      expect(word.xMin, word.text).toBeGreaterThanOrEqual(MARGIN.left - 0.5);
      expect(word.xMax, word.text).toBeLessThanOrEqual(MARGIN.left + TEXT_WIDTH + 0.5);
      expect(word.yMax, word.text).toBeLessThanOrEqual(PAGE.height - 30);
    }
  });

  it('is made of revisions the contract accepts', () => {
    for (const { revision } of documents) expect(DocumentRevision.safeParse(revision).error).toBeUndefined();
  });

  it('sets headings by level, paragraphs with a two-character first-line indent, and 落款 flush right', () => {
    const rich = layout.documents[0]!;
    const words = pdfWords(pdf).filter((w) => w.page === rich.startPage);
    const starting = (text: string) => words.find((w) => w.text.startsWith(text))!;
    // Body 12 pt: the indent is two ideographs, 24 pt; the second line of the paragraph starts at the margin.
    expect(starting('为了规范政务公开工作').xMin).toBeCloseTo(MARGIN.left + 24, 0);
    const p1 = starting('为了规范政务公开工作');
    const next = words.filter((w) => w.yMin > p1.yMin + 5).sort((a, b) => a.yMin - b.yMin)[0]!;
    expect(next.xMin).toBeCloseTo(MARGIN.left, 0);
    expect(starting('一、总则').yMax - starting('一、总则').yMin).toBeGreaterThan(p1.yMax - p1.yMin);
    expect(words.find((w) => w.text === '自贡市人民政府')!.xMax).toBeCloseTo(MARGIN.left + TEXT_WIDTH, 0);
    // The table's cells are all there, the merged 完成时限 cell once.
    const text = bodyText(pdf, issue, rich.startPage, rich.endPage);
    for (const cell of ['序号', '重点任务', '责任单位', '完成时限', '市政府办公室', '2026年6月底前', '长期坚持', '各区县政府']) {
      expect(text).toContain(cell);
    }
    expect(text.match(/长期坚持/g)).toHaveLength(1);
    // The image had no bytes: a placeholder names it, and its caption is printed.
    expect(text).toContain(squeezed('［图：依申请公开办理流程图］'));
    expect(text).toContain(squeezed('图1 依申请公开办理流程'));
    expect(text).toContain(squeezed('附件：政务公开事项目录'));
  });

  it('renders byte-identical PDFs from the same issue, and another /ID when the content changes', async () => {
    const again = await renderIssuePdf(corpusIssue());
    expect(createHash('sha256').update(again.pdf).digest('hex')).toBe(createHash('sha256').update(pdf).digest('hex'));
    const fileId = (bytes: Buffer) => /\/ID \[<([0-9a-f]+)>/.exec(bytes.toString('latin1'))?.[1];
    const changed = corpusIssue();
    changed.errata = [];
    const other = await renderIssuePdf(changed);
    expect(fileId(other.pdf)).toBeDefined();
    expect(fileId(other.pdf)).not.toBe(fileId(pdf));
  });
});

/** A 2×2 PNG, red, made by hand (no image library needed). */
const tinyPng = (): Buffer => {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(2, 0);
  header.writeUInt32BE(2, 4);
  header.set([8, 2, 0, 0, 0], 8);
  const rows = Buffer.from([0, 255, 0, 0, 255, 0, 0, 0, 255, 0, 0, 255, 0, 0]);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(rows)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
};

describe('what the gazette prints of a revision', () => {
  const single = (revision: DocumentRevision): GazetteIssue => ({
    ...corpusIssue(),
    sections: [{ name: '规章', documents: [frozen(revision)] }],
    errata: [],
  });

  it('draws an image from the bytes the caller fetched, instead of the placeholder', async () => {
    const revision = richRevision();
    const { pdf } = await renderIssuePdf(single(revision), { images: new Map([['assets/images/flow.png', tinyPng()]]) });
    expect(pdf.toString('latin1')).toMatch(/\/Subtype \/Image/);
    expect(squeezed(pdfText(pdf))).not.toContain('［图：');
    expect(squeezed(pdfText(pdf))).toContain(squeezed('图1 依申请公开办理流程'));
  });

  it('continues a long table over pages under its repeated header, and splits a row taller than a page', async () => {
    const base = richRevision();
    const rows = Array.from({ length: 70 }, (_, i) => [
      String(i + 1),
      `第${i + 1}项重点任务：推进政务公开标准化规范化建设`,
      '市政府办公室',
    ]);
    const tall = '持续深化政务公开，'.repeat(260);
    const revision: DocumentRevision = {
      ...base,
      body: [
        { id: 't1', type: 'table', caption: '任务清单', header: [['序号', '任务', '责任单位']], rows },
        { id: 't2', type: 'table', header: [['说明']], rows: [[tall]] },
      ],
      attachments: [],
    };
    expect(DocumentRevision.safeParse(revision).error).toBeUndefined();
    const { pdf, layout } = await renderIssuePdf(single(revision));
    const placed = layout.documents[0]!;
    expect(placed.endPage - placed.startPage).toBeGreaterThanOrEqual(3);
    const pages = pdfText(pdf, { first: placed.startPage, last: placed.endPage }, true).split('\f').map(squeezed);
    // Every page the first table runs onto starts with its header row again.
    expect(pages.filter((page) => page.includes('持续深化政务公开')).length).toBeGreaterThanOrEqual(2);
    // The repeated header is an artifact: the table's structure has its header row once.
    expect(pdfStructure(pdf).match(/"序号"/g)).toHaveLength(1);
    const tablePages = pages.filter((page) => /第\d+项重点任务/.test(page));
    expect(tablePages.length).toBeGreaterThanOrEqual(2);
    for (const page of tablePages) expect(page).toContain('序号任务责任单位');
    const text = pages.join('');
    for (let i = 1; i <= 70; i++) expect(text).toContain(`第${i}项重点任务`);
    // The tall cell runs over pages, all of its text there, and nothing leaves the text block.
    expect(text.match(/持续深化政务公开，/g)).toHaveLength(260);
    for (const word of pdfWords(pdf)) {
      expect(word.xMax, word.text).toBeLessThanOrEqual(MARGIN.left + TEXT_WIDTH + 0.5);
      expect(word.yMax, word.text).toBeLessThanOrEqual(PAGE.height - 30);
    }
  });

  it("prints a corrected revision's text, never its correction notice", async () => {
    const first = richRevision();
    const body: Block[] = first.body.map((b) =>
      b.id === 'p1' ? { ...b, text: '为了规范政务公开工作，制定本办法（已更正）。' } : b,
    );
    const second = correctedRevision(first, { reason: '更正第一段的文字错误', body }, '2026-05-20T10:00:00+08:00');
    expect(sourceFingerprint(second)).not.toBe(sourceFingerprint(first));
    const text = squeezed(pdfText((await renderIssuePdf(single(second))).pdf));
    expect(text).toContain(squeezed(blockText(body[1]!)));
    expect(text).not.toContain('更正第一段的文字错误');
    expect(text).not.toContain('修改正文');
  });
});

describe('an issue with nothing but errata', () => {
  it('prints the cover, the TOC and the 勘误 section, and numbers them', async () => {
    const issue: GazetteIssue = { ...corpusIssue(), sections: [{ name: '规章', documents: [] }] };
    const { pdf, layout } = await renderIssuePdf(issue);
    expect(layout.pageCount).toBe(3);
    expect(layout.documents).toEqual([]);
    expect(layout.errata).toEqual([{ erratumId: 'erratum-2026-05-1', startPage: 3 }]);
    const toc = squeezed(pdfText(pdf, { first: 2, last: 2 }, true));
    expect(toc).toContain(squeezed('勘误关于2026年第3期（总第126期）的勘误3'));
    expect(toc).not.toContain('规章');
    expect(pdfOutline(pdf).map((item) => item.title)).toEqual(['目录', '勘误']);
  });
});

describe('an issue that cannot be printed', () => {
  it('is refused with every reason named, before anything is drawn', async () => {
    const issue = corpusIssue();
    const withdrawn = { ...issue.sections[1]!.documents[0]!.revision, status: 'withdrawn' as const };
    const broken: GazetteIssue = {
      ...issue,
      number: 100,
      sections: [...issue.sections, { name: '重复', documents: [issue.sections[0]!.documents[0]!, frozen(withdrawn)] }],
    };
    await expect(renderIssuePdf(broken)).rejects.toThrow(
      /number 100 is not 1–99; .*doc_\w+ is carried twice; doc_\w+ revision 1 is withdrawn/,
    );
  });
});

describe('an issue of 60 long generated documents', () => {
  const issue = generatedIssue(60, 3);
  let pdf: Buffer;
  let layout: IssueLayout;

  beforeAll(async () => {
    ({ pdf, layout } = await renderIssuePdf(issue));
  }, 120_000);

  it('runs to about 200 pages, with a TOC over more than one page numbered right for all 60', () => {
    expect(layout.pageCount).toBeGreaterThanOrEqual(180);
    expect(layout.documents).toHaveLength(60);
    expect(layout.tocPages.end).toBeGreaterThan(layout.tocPages.start);
    const toc = squeezed(pdfText(pdf, { first: layout.tocPages.start, last: layout.tocPages.end }, true));
    const pages = pdfText(pdf).split('\f');
    const documents = issue.sections.flatMap((s) => s.documents);
    for (const placed of layout.documents) {
      const { revision } = documents.find((d) => d.revision.documentId === placed.documentId)!;
      expect(toc).toContain(
        squeezed(`${revision.title}${revision.docNumber === null ? '' : `（${revision.docNumber}）`}${placed.startPage}`),
      );
      expect(squeezed(pages[placed.startPage - 1]!)).toContain(squeezed(`${revision.title}发文机关`));
      expect(placed.endPage).toBeGreaterThanOrEqual(placed.startPage);
    }
    // Documents follow each other without gaps: each starts on the page after the previous one ends.
    layout.documents.slice(1).forEach((placed, i) => {
      expect(placed.startPage).toBe(layout.documents[i]!.endPage + 1);
    });
    expect(layout.documents[layout.documents.length - 1]!.endPage).toBe(layout.pageCount);
  });
});
