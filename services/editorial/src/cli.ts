#!/usr/bin/env -S npx tsx
// tongyuan-editorial: the editors' HTTP API from a terminal. Every command is one or two calls to the API; no logic of its own.
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { ConfigError, parseEnv } from '@tongyuan/config';
import {
  describeZodIssues,
  draftFromPlainDocument,
  IsoDate,
  OrganisationCode,
  PlainDocument,
  type PublishResult,
  ReviewStage,
  type StartRevisionRequest,
  type Validity,
} from '@tongyuan/contracts';
import { z } from 'zod';
import type { EditorialDesk } from './editorial-desk.js';

export const CliEnv = z.object({
  /** Where the editors' API listens. */
  EDITORIAL_URL: z.url({ protocol: /^https?$/ }).default('http://127.0.0.1:8081'),
  /** Bearer token of the staff member the CLI acts for; --token overrides it. */
  TONGYUAN_TOKEN: z.string().optional(),
});
export type CliEnv = z.infer<typeof CliEnv>;

export interface CliIo {
  env: Record<string, string | undefined>;
  stdout(line: string): void;
  stderr(line: string): void;
  readFile(path: string): Promise<string>;
}

type FieldReason = { field: string; reason: string; documentId?: string; [extra: string]: unknown };

// What the API answers, as the desk builds it (after a JSON round trip dates are strings, printed the same way).
type DocumentView = Awaited<ReturnType<EditorialDesk['view']>>;
type RevisionAnswer = Awaited<ReturnType<EditorialDesk['revision']>>;
type AuditEntry = Awaited<ReturnType<EditorialDesk['auditTrail']>>[number];

/** The invocation is wrong: exit 2 with the command's usage. */
class UsageError extends Error {}

/** The API said no: its problem+json, printed as detail and `field: reason` lines. */
class ApiProblem extends Error {
  constructor(
    readonly status: number,
    readonly detail: string,
    readonly errors: FieldReason[],
  ) {
    super(detail);
  }
}

/** An input file the CLI cannot send: unreadable, not JSON, or not the expected shape. */
class InputProblem extends Error {
  constructor(
    message: string,
    readonly errors: FieldReason[] = [],
  ) {
    super(message);
  }
}

const commonOptions = {
  token: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} satisfies ParseArgsConfig['options'];

interface EditorialClient {
  get<T>(path: string): Promise<T>;
  post<T>(path: string, body?: unknown, headers?: Record<string, string>): Promise<T>;
  put<T>(path: string, body: unknown): Promise<T>;
}

const editorialClient = (baseUrl: string, token: string): EditorialClient => {
  const call = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    let response: Response;
    try {
      response = await fetch(`${baseUrl}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          accept: 'application/json, application/problem+json',
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...headers,
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (error) {
      const cause = error instanceof Error && error.cause instanceof Error ? error.cause.message : String(error);
      throw new ApiProblem(0, `cannot reach the editorial API at ${baseUrl}: ${cause}`, []);
    }
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    if (!response.ok) {
      const problem = (typeof parsed === 'object' && parsed !== null ? parsed : {}) as { detail?: unknown; errors?: unknown };
      const detail = typeof problem.detail === 'string' ? problem.detail : `${response.status} ${response.statusText}`.trim();
      throw new ApiProblem(response.status, detail, Array.isArray(problem.errors) ? problem.errors : []);
    }
    return parsed;
  };
  return {
    get: async <T>(path: string) => (await call('GET', path)) as T,
    post: async <T>(path: string, body?: unknown, headers?: Record<string, string>) =>
      (await call('POST', path, body, headers)) as T,
    put: async <T>(path: string, body: unknown) => (await call('PUT', path, body)) as T,
  };
};

interface Context {
  api: EditorialClient;
  /** Positionals after the command name, checked against the command's list. */
  args: string[];
  values: Record<string, string | boolean | Array<string | boolean> | undefined>;
  json: boolean;
  print(line: string): void;
  note(line: string): void;
  readJson(path: string): Promise<unknown>;
}

interface Command {
  usage: string;
  summary: string;
  positionals: string[];
  options?: ParseArgsConfig['options'];
  run(context: Context): Promise<void>;
}

const documentPath = (id: string) => `/v1/documents/${encodeURIComponent(id)}`;

const text = (context: Context, name: string): string | undefined => {
  const value = context.values[name];
  return typeof value === 'string' ? value : undefined;
};
const requiredText = (context: Context, name: string): string => {
  const value = text(context, name)?.trim();
  if (!value) throw new UsageError(`--${name} is required`);
  return value;
};
const flag = (context: Context, name: string): boolean => context.values[name] === true;
const texts = (context: Context, name: string): string[] => {
  const value = context.values[name];
  return Array.isArray(value) ? value.filter((entry): entry is string => typeof entry === 'string') : [];
};
const oneOf = <T extends string>(context: Context, name: string, allowed: readonly T[]): T => {
  const value = requiredText(context, name);
  if (!(allowed as readonly string[]).includes(value)) throw new UsageError(`--${name} must be one of ${allowed.join(', ')}`);
  return value as T;
};
const positiveInteger = (value: string, name: string): number => {
  const number = Number(value);
  if (!/^\d+$/.test(value) || number < 1) throw new UsageError(`${name} must be a positive integer`);
  return number;
};

const idArg = 'id';
const findingLine = (finding: FieldReason) => `${finding.field}: ${finding.reason}`;

/** The readable summary of GET /v1/documents/{id}: what an editor checks before asking for the next step. */
export const describeDocument = (view: DocumentView): string[] => {
  const lines = [
    `document: ${view.documentId}`,
    `索引号: ${view.indexNumber ?? '(assigned at first release)'}`,
    `latest revision: ${view.latestRevision > 0 ? view.latestRevision : 'none (never released)'}`,
    `status: ${view.status}`,
  ];
  const draft = view.draft;
  if (!draft) return [...lines, 'draft: none (start a correction, withdrawal or validity change to open one)'];
  const intent = draft.intent ? `, ${draft.intent.kind}: ${draft.intent.reason}` : '';
  lines.push(`draft: revision ${draft.revision}${intent} — ${draft.content?.title ?? ''}`);
  const reviews: Array<{ stage: string; reviewerName: string }> = draft.reviews ?? [];
  lines.push(
    `reviews done: ${reviews.length}/3${reviews.length ? ` (${reviews.map((r) => `${r.stage} ${r.reviewerName}`).join(', ')})` : ''}`,
  );
  const secrecy = draft.confidentialityReview;
  lines.push(`保密审查: ${secrecy ? `${secrecy.conclusion} (${secrecy.reviewerName})` : 'not done'}`);
  const refusals: FieldReason[] = draft.screening?.refusals ?? [];
  const warnings: FieldReason[] = draft.screening?.warnings ?? [];
  lines.push(`screening: ${refusals.length} refusal(s), ${warnings.length} warning(s)`);
  for (const finding of refusals) lines.push(`  refusal ${findingLine(finding)}`);
  for (const finding of warnings) lines.push(`  warning ${findingLine(finding)}`);
  return lines;
};

const describeRevision = (documentId: string, answer: RevisionAnswer): string[] => {
  const record = answer.revision;
  const validity = record.validity;
  const lines = [
    `document: ${documentId}`,
    `revision: ${record.revision} (${record.status})`,
    `title: ${record.title}`,
    `发文字号: ${record.docNumber ?? '—'}`,
    `索引号: ${record.indexNumber}`,
    `published at: ${record.publishedAt}`,
    `released at: ${answer.releasedAt}`,
    `fingerprint: ${answer.fingerprint}`,
  ];
  if (validity) {
    const end =
      validity.status === '现行有效' ? validity.expiresOn : validity.status === '失效' ? validity.expiredOn : validity.repealedOn;
    lines.push(`有效性: ${validity.status}, from ${validity.effectiveFrom ?? '—'}${end ? ` to ${end}` : ''}`);
  }
  if (record.correction) {
    lines.push(`${record.correction.kind}: ${record.correction.reason} (${(record.correction.changes ?? []).join('; ')})`);
  }
  lines.push(`body: ${record.body?.length ?? 0} block(s), ${record.attachments?.length ?? 0} attachment(s)`);
  return lines;
};

/** Prints the document after a change: the summary, or the raw answer with --json. */
const showAnswer = (context: Context, view: DocumentView) => {
  if (context.json) context.print(JSON.stringify(view, null, 2));
  else for (const line of describeDocument(view)) context.print(line);
};

const createdDocument = (context: Context, view: DocumentView) => {
  if (context.json) return context.print(JSON.stringify(view, null, 2));
  context.print(view.documentId);
  const refusals = view.draft?.screening?.refusals?.length ?? 0;
  if (refusals > 0)
    context.note(`note: the text screen refuses ${refusals} finding(s) in this draft; see \`show ${view.documentId}\``);
};

const readDraft = async (context: Context, path: string) => {
  const draft = await context.readJson(path);
  if (typeof draft !== 'object' || draft === null || Array.isArray(draft))
    throw new InputProblem(`${path} is not a draft: a DraftContent object is expected`);
  return draft;
};

const startRevision = async (context: Context, request: StartRevisionRequest) =>
  showAnswer(context, await context.api.post<DocumentView>(`${documentPath(context.args[0] ?? '')}/revisions`, request));

const commands: Record<string, Command> = {
  import: {
    usage: 'import <file.json> [--organisation-code CODE]',
    summary: 'create a document from a plain document (title, agency, paragraphs…); CODE is used when the file has none',
    positionals: ['file.json'],
    options: { 'organisation-code': { type: 'string' } },
    run: async (context) => {
      const path = context.args[0] ?? '';
      const fallback = text(context, 'organisation-code');
      if (fallback !== undefined && !OrganisationCode.safeParse(fallback).success)
        throw new UsageError('--organisation-code must be an 18-character 统一社会信用代码 or a 组织机构代码 like 00815908-5');
      const parsed = PlainDocument.safeParse(await context.readJson(path));
      if (!parsed.success) throw new InputProblem(`${path} is not a plain document`, describeZodIssues(parsed.error));
      if (parsed.data.organisation_code === undefined && fallback === undefined)
        throw new UsageError(`${path} has no organisation_code: pass --organisation-code`);
      const content = draftFromPlainDocument(parsed.data, fallback ?? '');
      createdDocument(context, await context.api.post<DocumentView>('/v1/documents', { content }));
    },
  },
  create: {
    usage: 'create <draft.json>',
    summary: 'create a document from a DraftContent JSON',
    positionals: ['draft.json'],
    run: async (context) => {
      const content = await readDraft(context, context.args[0] ?? '');
      createdDocument(context, await context.api.post<DocumentView>('/v1/documents', { content }));
    },
  },
  update: {
    usage: 'update <id> <draft.json>',
    summary: 'replace the draft content (recorded reviews are cleared)',
    positionals: [idArg, 'draft.json'],
    run: async (context) => {
      const content = await readDraft(context, context.args[1] ?? '');
      showAnswer(context, await context.api.put<DocumentView>(`${documentPath(context.args[0] ?? '')}/draft`, { content }));
    },
  },
  show: {
    usage: 'show <id> [--json]',
    summary: 'the document: 索引号, revisions, draft, reviews, what the text screen finds',
    positionals: [idArg],
    run: async (context) => showAnswer(context, await context.api.get<DocumentView>(documentPath(context.args[0] ?? ''))),
  },
  review: {
    usage: 'review <id> --stage 自审|审核|批审 [--reject] [--comment TEXT]',
    summary: 'record the next 三审 stage (approve, or --reject to send the draft back)',
    positionals: [idArg],
    options: { stage: { type: 'string' }, reject: { type: 'boolean' }, comment: { type: 'string' } },
    run: async (context) => {
      const stage = oneOf(context, 'stage', ReviewStage.options);
      const body = {
        stage,
        decision: flag(context, 'reject') ? 'rejected' : 'approved',
        comment: text(context, 'comment') ?? null,
      };
      showAnswer(context, await context.api.post<DocumentView>(`${documentPath(context.args[0] ?? '')}/draft/reviews`, body));
    },
  },
  confidentiality: {
    usage: 'confidentiality <id> [--refuse] [--comment TEXT]',
    summary: 'record the 保密审查: 不涉密, or 涉密 with --refuse',
    positionals: [idArg],
    options: { refuse: { type: 'boolean' }, comment: { type: 'string' } },
    run: async (context) => {
      const body = { conclusion: flag(context, 'refuse') ? '涉密' : '不涉密', comment: text(context, 'comment') ?? null };
      showAnswer(
        context,
        await context.api.post<DocumentView>(`${documentPath(context.args[0] ?? '')}/draft/confidentiality-review`, body),
      );
    },
  },
  mask: {
    usage: 'mask <id>',
    summary: 'mask every personal-data finding in the draft (三审 starts again)',
    positionals: [idArg],
    run: async (context) =>
      showAnswer(
        context,
        await context.api.post<DocumentView>(`${documentPath(context.args[0] ?? '')}/draft/mask-personal-data`),
      ),
  },
  correct: {
    usage: 'correct <id> --reason TEXT [--change TEXT ...]',
    summary: 'open a correction draft (纠错); changes are computed from the edit when not given',
    positionals: [idArg],
    options: { reason: { type: 'string' }, change: { type: 'string', multiple: true } },
    run: async (context) => {
      const changes = texts(context, 'change');
      await startRevision(context, {
        kind: 'correction',
        reason: requiredText(context, 'reason'),
        ...(changes.length > 0 ? { changes } : {}),
      });
    },
  },
  withdraw: {
    usage: 'withdraw <id> --reason TEXT',
    summary: 'open a withdrawal draft (撤回)',
    positionals: [idArg],
    options: { reason: { type: 'string' } },
    run: async (context) => startRevision(context, { kind: 'withdrawal', reason: requiredText(context, 'reason') }),
  },
  validity: {
    usage: 'validity <id> --status 失效|废止 --date YYYY-MM-DD --reason TEXT',
    summary: 'open a validity-change draft (有效性变更); 施行日期 is kept from the current revision',
    positionals: [idArg],
    options: { status: { type: 'string' }, date: { type: 'string' }, reason: { type: 'string' } },
    run: async (context) => {
      const status = oneOf(context, 'status', ['失效', '废止'] as const);
      const date = requiredText(context, 'date');
      if (!IsoDate.safeParse(date).success) throw new UsageError('--date must be a date like 2024-06-30');
      const reason = requiredText(context, 'reason');
      const id = context.args[0] ?? '';
      const effectiveFrom = await currentEffectiveFrom(context.api, id);
      const validity: Validity =
        status === '失效'
          ? { status, effectiveFrom, expiredOn: date }
          : { status, effectiveFrom, repealedOn: date, repealedBy: null };
      await startRevision(context, { kind: 'validityChange', reason, validity });
    },
  },
  publish: {
    usage: 'publish <id> [--idempotency-key KEY]',
    summary: 'release the draft once every gate passes; reuse the printed key to retry safely',
    positionals: [idArg],
    options: { 'idempotency-key': { type: 'string' } },
    run: async (context) => {
      let key = text(context, 'idempotency-key');
      if (key === undefined) {
        key = `cli-${randomUUID()}`;
        // Printed before the call, so a timeout or dropped connection can be retried without releasing twice.
        context.note(`idempotency key: ${key} (to retry: --idempotency-key ${key})`);
      }
      const result = await context.api.post<PublishResult>(`${documentPath(context.args[0] ?? '')}/publish`, undefined, {
        'idempotency-key': key,
      });
      if (context.json) return context.print(JSON.stringify(result, null, 2));
      for (const released of result.released ?? []) {
        context.print(`released ${released.documentId} revision ${released.revision} (${released.status})`);
        context.print(`  索引号: ${released.indexNumber}`);
        context.print(`  fingerprint: ${released.fingerprint}`);
      }
      for (const warning of result.warnings ?? []) context.print(`warning ${findingLine(warning)}`);
    },
  },
  revisions: {
    usage: 'revisions <id>',
    summary: 'the released revisions of a document',
    positionals: [idArg],
    run: async (context) => {
      const view = await context.api.get<DocumentView>(documentPath(context.args[0] ?? ''));
      if (context.json) return context.print(JSON.stringify(view.revisions, null, 2));
      if (view.revisions.length === 0) return context.print('no released revision yet');
      for (const r of view.revisions) {
        context.print(`revision ${r.revision}  ${r.status}  ${r.releasedAt}  by ${r.releasedBy}  ${r.fingerprint}`);
      }
    },
  },
  revision: {
    usage: 'revision <id> <n>',
    summary: 'one released revision, exactly as it was emitted (--json for the whole record)',
    positionals: [idArg, 'n'],
    run: async (context) => {
      const [id = '', n = ''] = context.args;
      const answer = await context.api.get<RevisionAnswer>(`${documentPath(id)}/revisions/${positiveInteger(n, 'n')}`);
      if (context.json) return context.print(JSON.stringify(answer, null, 2));
      for (const line of describeRevision(id, answer)) context.print(line);
    },
  },
  audit: {
    usage: 'audit <id>',
    summary: 'who did what to the document, and when',
    positionals: [idArg],
    run: async (context) => {
      const entries = await context.api.get<AuditEntry[]>(`${documentPath(context.args[0] ?? '')}/audit`);
      if (context.json) return context.print(JSON.stringify(entries, null, 2));
      for (const entry of entries) {
        const detail = entry.detail && Object.keys(entry.detail).length > 0 ? `  ${JSON.stringify(entry.detail)}` : '';
        context.print(`${entry.at}  r${entry.revision ?? '-'}  ${entry.actorName} (${entry.actorId})  ${entry.action}${detail}`);
      }
    },
  },
};

/** 施行日期 of the current revision, kept by a validity change; null when the document was never released. */
const currentEffectiveFrom = async (api: EditorialClient, id: string): Promise<string | null> => {
  const view = await api.get<DocumentView>(documentPath(id));
  if (!(view.latestRevision > 0)) return null;
  try {
    const answer = await api.get<RevisionAnswer>(`${documentPath(id)}/revisions/${view.latestRevision}`);
    return answer.revision?.validity?.effectiveFrom ?? null;
  } catch (error) {
    if (error instanceof ApiProblem && error.status === 404) return null;
    throw error;
  }
};

const program = 'tongyuan-editorial';

export const helpText = (): string[] => [
  `usage: ${program} <command> [options]`,
  '',
  'commands:',
  ...Object.values(commands).map((command) => `  ${command.usage}\n      ${command.summary}`),
  '  help',
  '',
  'options for every command: --token TOKEN (default $TONGYUAN_TOKEN), --json (raw API answer), --help',
  'environment: EDITORIAL_URL (default http://127.0.0.1:8081), TONGYUAN_TOKEN',
  'exit codes: 0 done, 1 the API or an input file refused, 2 usage error',
];

/** Runs one command; returns the exit code. Output goes through `io`, so tests call it in-process. */
export const runCli = async (argv: string[], io: CliIo): Promise<number> => {
  // The token never reaches the terminal, whatever ends up in a message (even one about a malformed argument).
  const tokenAt = argv.findIndex((arg) => arg === '--token' || arg.startsWith('--token='));
  let secret: string | undefined =
    tokenAt < 0 ? undefined : argv[tokenAt]?.startsWith('--token=') ? argv[tokenAt].slice('--token='.length) : argv[tokenAt + 1];
  secret ||= undefined;
  const redact = (line: string) => (secret ? line.split(secret).join('***') : line);
  const stdout = (line: string) => io.stdout(redact(line));
  const stderr = (line: string) => io.stderr(redact(line));

  const [name, ...rest] = argv;
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    for (const line of helpText()) (name === undefined ? stderr : stdout)(line);
    return name === undefined ? 2 : 0;
  }
  const command = Object.hasOwn(commands, name) ? commands[name] : undefined;
  if (!command) {
    stderr(`unknown command: ${name}`);
    for (const line of helpText()) stderr(line);
    return 2;
  }
  const usage = () => stderr(`usage: ${program} ${command.usage}`);

  let context: Context;
  try {
    const { values, positionals } = parseArgs({
      args: rest,
      options: { ...commonOptions, ...command.options },
      allowPositionals: true,
      strict: true,
    });
    if (typeof values.token === 'string') secret = values.token || undefined;
    if (values.help === true) {
      stdout(`usage: ${program} ${command.usage}`);
      stdout(`  ${command.summary}`);
      return 0;
    }
    if (positionals.length !== command.positionals.length) {
      throw new UsageError(
        positionals.length < command.positionals.length
          ? `missing ${command.positionals
              .slice(positionals.length)
              .map((p) => `<${p}>`)
              .join(' ')}`
          : `unexpected argument: ${positionals[command.positionals.length]}`,
      );
    }
    const env = parseEnv(CliEnv, io.env);
    secret ??= env.TONGYUAN_TOKEN || undefined;
    if (!secret) throw new UsageError('no token: set TONGYUAN_TOKEN or pass --token');
    context = {
      api: editorialClient(env.EDITORIAL_URL.replace(/\/+$/, ''), secret),
      args: positionals,
      values,
      json: values.json === true,
      print: stdout,
      note: stderr,
      readJson: async (path) => {
        let source: string;
        try {
          source = await io.readFile(path);
        } catch (error) {
          throw new InputProblem(`cannot read ${path}: ${error instanceof Error ? error.message : String(error)}`);
        }
        try {
          return JSON.parse(source);
        } catch (error) {
          throw new InputProblem(`${path} is not JSON: ${error instanceof Error ? error.message : String(error)}`);
        }
      },
    };
  } catch (error) {
    if (error instanceof ConfigError) {
      for (const problem of error.problems) stderr(`${problem.variable}: ${problem.reason}`);
      return 2;
    }
    stderr(error instanceof Error ? error.message : String(error));
    usage();
    return 2;
  }

  try {
    await command.run(context);
    return 0;
  } catch (error) {
    if (error instanceof UsageError) {
      stderr(error.message);
      usage();
      return 2;
    }
    if (error instanceof ApiProblem || error instanceof InputProblem) {
      stderr(error.message);
      const id = context.args[0];
      for (const entry of error.errors) {
        // A release set spans documents: say which one when it is not the one asked about.
        const other = entry.documentId && entry.documentId !== id ? ` (document ${entry.documentId})` : '';
        stderr(`${findingLine(entry)}${other}`);
      }
      return 1;
    }
    throw error;
  }
};

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  process.exitCode = await runCli(process.argv.slice(2), {
    env: process.env,
    stdout: (line) => process.stdout.write(`${line}\n`),
    stderr: (line) => process.stderr.write(`${line}\n`),
    readFile: (path) => readFile(path, 'utf8'),
  });
}
