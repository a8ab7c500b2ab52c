import { describe, expect, it } from 'vitest';
import type { Block } from './blocks.js';
import { zigongRevision } from './corpus-revision.fixture.js';
import type { DocumentRevision } from './document-revision.js';
import { blockText, normalizeText, revisionText, segmentsForScreening } from './revision-text.js';

const attachment = {
  id: 'att1',
  title: '2022年政务公开重点工作任务分解表',
  fileName: '任务分解表.xlsx',
  key: 'attachments/doc_01/att1.xlsx',
  sha256: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  mediaType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  size: 20_480,
  text: '联系人 张三 13800138000',
};

const extraBlocks: Block[] = [
  { type: 'list', ordered: true, items: ['公开权责清单', '更新  目录'] },
  {
    type: 'table',
    caption: '任务表',
    header: [['任务', '单位']],
    rows: [
      ['权责清单', '市司法局'],
      ['目录', '市政府办公室'],
    ],
  },
  {
    type: 'image',
    key: 'images/doc_01/chart.png',
    alt: '柱状图',
    caption: '图1 主动公开数量',
    width: 900,
    height: 383,
    mediaType: 'image/png',
    size: 48_000,
    sha256: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  },
  { type: 'attachment', ref: 'att1' },
];

const withExtras = (): DocumentRevision => {
  const revision = zigongRevision();
  return { ...revision, body: [...revision.body, ...extraBlocks], attachments: [attachment] };
};

describe('normalizeText', () => {
  it('drops zero-width characters, folds white space and composes to NFC', () => {
    expect(normalizeText('  政务\u200B公开 \n\t 工作\uFEFF ')).toBe('政务公开 工作');
    expect(normalizeText('Cafe\u0301')).toBe('Café');
  });
});

describe('revisionText', () => {
  it('is the title, then one line per block, a run-in heading sharing the line of its paragraph', () => {
    const lines = revisionText(zigongRevision()).split('\n');
    expect(lines[0]).toBe('自贡市2022年政务公开重点工作任务分工方案');
    expect(lines[1]).toBe('各区、县人民政府,高新区管委会,市政府各部门,有关单位:');
    expect(lines[3]).toBe('一、强化重点领域信息公开,促进政策措施阳光透明');
    expect(lines[4]).toMatch(/^（一）加强稳增长信息公开。围绕全面提升投资质效/);
  });

  it('shows lists without markers, tables cell by cell, image captions and attachment titles', () => {
    const tail = revisionText(withExtras()).split('\n').slice(-8);
    expect(tail).toEqual([
      '公开权责清单',
      '更新 目录',
      '任务表',
      '任务\t单位',
      '权责清单\t市司法局',
      '目录\t市政府办公室',
      '图1 主动公开数量',
      '2022年政务公开重点工作任务分解表',
    ]);
  });

  it('blockText of an attachment without its list is empty rather than wrong', () => {
    expect(blockText({ type: 'attachment', ref: 'att1' })).toBe('');
    expect(blockText({ type: 'heading', level: 1, numbering: '二、', text: '优化政务信息资源配置' })).toBe(
      '二、优化政务信息资源配置',
    );
  });
});

describe('segmentsForScreening', () => {
  it('lists every published piece of text with its path, attachments and image alt text included', () => {
    const revision = withExtras();
    const segments = segmentsForScreening(revision);
    const at = revision.body.length - extraBlocks.length;
    const byPath = new Map(segments.map((s) => [s.path, s.text]));
    expect(segments[0]).toEqual({ path: 'title', text: '自贡市2022年政务公开重点工作任务分工方案' });
    expect(byPath.get('body[3].text')).toBe('加强稳增长信息公开。');
    expect(byPath.get(`body[${at}].items[1]`)).toBe('更新  目录');
    expect(byPath.get(`body[${at + 1}].rows[1][1]`)).toBe('市政府办公室');
    expect(byPath.get(`body[${at + 1}].header[0][0]`)).toBe('任务');
    expect(byPath.get(`body[${at + 2}].alt`)).toBe('柱状图');
    expect(byPath.get('attachments[0].text')).toBe('联系人 张三 13800138000');
  });

  it('leaves out the review records, which name staff but are never rendered', () => {
    const paths = segmentsForScreening(zigongRevision()).map((s) => s.path);
    expect(paths.some((p) => p.startsWith('reviews') || p.startsWith('confidentialityReview'))).toBe(false);
  });
});
