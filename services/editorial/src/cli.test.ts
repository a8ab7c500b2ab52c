import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCli } from './cli.js';
import { approveDraft, type EditorialHarness, editorialTest as test } from './editorial.fixture.js';
import { noticeDraft, organisationCode } from './sample-documents.fixture.js';
import type { StaffMember } from './staff.fixture.js';

const zigong = fileURLToPath(new URL('../../../../shared/corpus/zigong-2022-task-division.json', import.meta.url));
const indexNumber = new RegExp(`索引号: ${organisationCode}/20\\d\\d-\\d{5}`);

interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

const runIn = async (argv: string[], env: Record<string, string | undefined>): Promise<CliRun> => {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const code = await runCli(argv, {
    env,
    stdout: (line) => stdout.push(line),
    stderr: (line) => stderr.push(line),
    readFile: (path) => readFile(path, 'utf8'),
  });
  return { code, stdout: stdout.join('\n'), stderr: stderr.join('\n') };
};

/** The CLI as the editor (TONGYUAN_TOKEN) against the in-process service; `as` passes another member's --token. */
const cliFor = (editorial: EditorialHarness) => {
  const tokens = (['editor', 'officeHead', 'leader', 'principal', 'confidentiality'] as const).map(editorial.tokenOf);
  return async (argv: string[], as?: StaffMember): Promise<CliRun> => {
    const run = await runIn(as ? [...argv, '--token', editorial.tokenOf(as)] : argv, {
      EDITORIAL_URL: editorial.baseUrl,
      TONGYUAN_TOKEN: editorial.tokenOf('editor'),
    });
    for (const token of tokens) expect(run.stdout + run.stderr).not.toContain(token);
    return run;
  };
};

/** 自审, 审核, 批审 by three people, then 保密审查, each with its own token. */
const reviewAll = async (cli: ReturnType<typeof cliFor>, id: string): Promise<CliRun> => {
  for (const [stage, member] of [
    ['自审', 'officeHead'],
    ['审核', 'leader'],
    ['批审', 'principal'],
  ] as const) {
    const run = await cli(['review', id, '--stage', stage, '--comment', '同意'], member);
    expect(run.code, run.stderr).toBe(0);
  }
  return cli(['confidentiality', id], 'confidentiality');
};

const draftFile = async (content: unknown): Promise<string> => {
  const path = join(await mkdtemp(join(tmpdir(), 'editorial-cli-')), 'draft.json');
  await writeFile(path, JSON.stringify(content));
  return path;
};

describe('the editors’ CLI', () => {
  test('import → 三审 → 保密审查 → publish gives revision 1 with a 索引号; a correction gives revision 2', async ({
    editorial,
  }) => {
    const cli = cliFor(editorial);
    const imported = await cli(['import', zigong, '--organisation-code', organisationCode]);
    expect(imported.code, imported.stderr).toBe(0);
    const id = imported.stdout.trim();
    expect(id).toMatch(/^doc_[0-9A-Z]{26}$/);

    const fresh = await cli(['show', id]);
    expect(fresh.stdout).toContain('latest revision: none (never released)');
    expect(fresh.stdout).toContain('draft: revision 1 — 自贡市2022年政务公开重点工作任务分工方案');
    expect(fresh.stdout).toContain('reviews done: 0/3');

    const cleared = await reviewAll(cli, id);
    expect(cleared.stdout).toContain('reviews done: 3/3 (自审 王科长, 审核 李副主任, 批审 陈主任)');
    expect(cleared.stdout).toContain('保密审查: 不涉密 (刘保密员)');

    const first = await cli(['publish', id]);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toContain(`released ${id} revision 1 (published)`);
    expect(first.stdout).toMatch(indexNumber);
    const key = /idempotency key: (\S+)/.exec(first.stderr)?.[1] ?? '';
    expect(key).toMatch(/^cli-/);
    const retried = await cli(['publish', id, '--idempotency-key', key]);
    expect(retried).toEqual({ code: 0, stdout: first.stdout, stderr: '' });

    const corrected = await cli(['correct', id, '--reason', '责任单位有误', '--change', '修改正文第3块（段落）']);
    expect(corrected.code, corrected.stderr).toBe(0);
    expect(corrected.stdout).toContain('draft: revision 2, correction: 责任单位有误');
    await reviewAll(cli, id);
    const second = await cli(['publish', id]);
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toContain(`released ${id} revision 2 (published)`);
    expect(second.stdout).toContain(first.stdout.match(indexNumber)?.[0]);

    const revisions = await cli(['revisions', id]);
    expect(revisions.stdout.split('\n').map((line) => line.split('  ').slice(0, 2).join(' '))).toEqual([
      'revision 1 published',
      'revision 2 published',
    ]);
    const revision2 = await cli(['revision', id, '2']);
    expect(revision2.stdout).toContain('correction: 责任单位有误 (修改正文第3块（段落）)');
    expect(revision2.stdout).toContain('有效性: 现行有效, from 2022-04-28');
    const audit = await cli(['audit', id]);
    expect(audit.stdout.match(/revision\.released/g)).toHaveLength(2);
    expect(audit.stdout).toContain('陈主任 (staff-principal)  review.approved');
  });

  test('a validity change keeps the 施行日期 of the current revision', async ({ editorial }) => {
    const cli = cliFor(editorial);
    const id = (await cli(['import', zigong, '--organisation-code', organisationCode])).stdout.trim();
    await reviewAll(cli, id);
    expect((await cli(['publish', id])).code).toBe(0);

    const repealed = await cli(['validity', id, '--status', '废止', '--date', '2024-01-01', '--reason', '已被新方案替代']);
    expect(repealed.code, repealed.stderr).toBe(0);
    const view = JSON.parse((await cli(['show', id, '--json'])).stdout);
    expect(view.draft.intent).toEqual({
      kind: 'validityChange',
      reason: '已被新方案替代',
      validity: { status: '废止', effectiveFrom: '2022-04-28', repealedOn: '2024-01-01', repealedBy: null },
    });
  });

  test('show names the field of a resident ID number; a refused publish exits 1 with field: reason lines', async ({
    editorial,
  }) => {
    const cli = cliFor(editorial);
    const created = await cli(['create', await draftFile(noticeDraft('联系人身份证号11010519491231002X，请核对。'))]);
    expect(created.code, created.stderr).toBe(0);
    const id = created.stdout.trim();
    expect(created.stderr).toContain('the text screen refuses 1 finding(s)');

    const shown = await cli(['show', id]);
    expect(shown.stdout).toContain('screening: 1 refusal(s), 0 warning(s)');
    expect(shown.stdout).toMatch(/^ {2}refusal content\.body\[1\]\.text: .*resident ID number/m);
    expect(shown.stdout).not.toContain('11010519491231002X');

    const unreviewed = await cli(['publish', id]);
    expect(unreviewed.code).toBe(1);
    expect(unreviewed.stdout).toBe('');
    expect(unreviewed.stderr).toContain('release refused');
    expect(unreviewed.stderr).toMatch(/^reviews\[2\]: 批审 has not been recorded/m);
    expect(unreviewed.stderr).toMatch(/^content\.body\[1\]\.text: .*resident ID number/m);

    await approveDraft(editorial, id);
    const refused = await cli(['publish', id]);
    expect(refused.code).toBe(1);
    expect(refused.stderr.split('\n').filter((line) => /^[\w.[\]]+: /.test(line))).toEqual([
      expect.stringMatching(/^content\.body\[1\]\.text: .*resident ID number/),
    ]);

    const masked = await cli(['mask', id]);
    expect(masked.stdout).toContain('screening: 0 refusal(s), 0 warning(s)');
    expect(masked.stdout).toContain('reviews done: 0/3');
    await reviewAll(cli, id);
    expect((await cli(['publish', id])).stdout).toContain('revision 1 (published)');
  });

  test('a request the API rejects prints its detail and errors', async ({ editorial }) => {
    const cli = cliFor(editorial);
    const id = (await cli(['create', await draftFile(noticeDraft('本次检查覆盖全区各部门。'))])).stdout.trim();
    const outOfTurn = await cli(['review', id, '--stage', '批审'], 'principal');
    expect(outOfTurn.code).toBe(1);
    expect(outOfTurn.stderr).toMatch(/^stage: 三审 goes 自审 → 审核 → 批审: the next stage is 自审, not 批审$/m);
    const forbidden = await cli(['create', await draftFile(noticeDraft('本次检查覆盖全区各部门。'))], 'officeHead');
    expect(forbidden.code).toBe(1);
    const missing = await cli(['show', 'doc_01G1R4M5N6P7Q8R9S0T1V2W3X4']);
    expect(missing).toMatchObject({ code: 1, stderr: 'no document doc_01G1R4M5N6P7Q8R9S0T1V2W3X4' });
  });
});

describe('CLI usage', () => {
  const env = { EDITORIAL_URL: 'http://127.0.0.1:9', TONGYUAN_TOKEN: 'secret-token-value' };

  it('exits 2 with the usage on a bad command, a missing argument or option, and a bad value', async () => {
    const unknown = await runIn(['frobnicate'], env);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown command: frobnicate');
    expect(unknown.stderr).toContain('usage: tongyuan-editorial <command> [options]');

    for (const argv of [
      ['review', 'doc_x'],
      ['review', 'doc_x', '--stage', '终审'],
      ['show'],
      ['show', 'doc_x', 'extra'],
      ['publish', 'doc_x', '--force'],
      ['revision', 'doc_x', 'one'],
      ['validity', 'doc_x', '--status', '废止', '--date', '2024-13-01', '--reason', '已废止'],
    ]) {
      const run = await runIn(argv, env);
      expect(run.code, argv.join(' ')).toBe(2);
      expect(run.stderr).toContain(`usage: tongyuan-editorial ${argv[0]} `);
    }
    const noToken = await runIn(['show', 'doc_x'], { EDITORIAL_URL: env.EDITORIAL_URL });
    expect(noToken).toMatchObject({ code: 2, stderr: expect.stringContaining('no token') });
  });

  it('help lists every command; the token never appears in output', async () => {
    const help = await runIn(['help'], env);
    expect(help.code).toBe(0);
    for (const command of ['import', 'create', 'update', 'show', 'review', 'confidentiality', 'mask', 'correct', 'withdraw'])
      expect(help.stdout).toContain(`  ${command} `);
    const unreachable = await runIn(['show', 'doc_x', '--token', 'another-secret', '--bogus=another-secret'], env);
    expect(unreachable.code).toBe(2);
    expect(unreachable.stderr).not.toContain('another-secret');
    const down = await runIn(['show', 'doc_x'], env);
    expect(down.code).toBe(1);
    expect(down.stderr).toContain('cannot reach the editorial API at http://127.0.0.1:9');
    expect(down.stderr).not.toContain('secret-token-value');
  });
});
