import type { Pool } from '@tongyuan/database';
import type { Logger } from '@tongyuan/logger';
import type { ObjectStore } from '@tongyuan/object-store';
import type { Finding } from '../alerts/alert-store.js';
import { currentDeliveries, latestRevisions, type RevisionRow } from '../ledger/ledger-store.js';
import { comparable, firstDifference, fragmentText, readPage } from './visible-text.js';
import type { ReadArticle } from './wechat-article.reader.js';

export interface AuditSources {
  portal: { store: ObjectStore; prefix: string };
  newmedia: { store: ObjectStore };
  gazette: { store: ObjectStore };
}

interface Held {
  /** Where the artifact is, for the alert. */
  where: string;
  fingerprint: string | undefined;
  /** Visible text, when the artifact is a page that marks it. */
  text: string | null | undefined;
  /** The page's own meta fingerprint, when it is a page. */
  metaFingerprint?: string;
}

const FINGERPRINT_META = 'tongyuan:fingerprint';

/** The fields of the new-media renderer's send record that the audit reads. */
interface WechatRecord {
  fingerprint?: string;
  app_id?: string | null;
  article_id?: string | null;
  title?: string | null;
  content?: string | null;
}

/**
 * The same-source audit: reads back what each channel holds for the latest revision of every document and compares
 * fingerprint and visible text with the canonical revision. Findings: drift, missing, correction_debt.
 */
export class SameSourceAudit {
  constructor(
    private readonly options: {
      pool: Pool;
      sources: AuditSources;
      slaSeconds: number;
      logger: Logger;
      /** Reads published WeChat articles back; without it the audit stops at the send records. */
      readArticle?: ReadArticle;
      /**
       * Documents read back per cycle besides those that changed or had findings (default 500): a rotating share, so
       * a cycle's cost follows the change, not the size of the corpus, and every document is read again at least
       * every ⌈documents / sample⌉ cycles. A cycle on demand reads every document.
       */
      sampleDocuments?: number;
    },
  ) {}

  /** Pages found equal to the source, by bucket/key → what they were (source, object time, size, hash): not read again. */
  private readonly verified = new Map<string, string>();
  /** Per document, its latest revision and deliveries as the last cycle saw them (unknown before the first cycle). */
  private seen: Map<string, string> | undefined;
  /** Documents the last cycle had findings for: read again every cycle until they have none. */
  private withFindings = new Set<string>();
  /** Where the rotating sample goes on, in document order. */
  private cursor = 0;

  /**
   * One cycle: the documents whose latest revision or deliveries changed since the last cycle, those with findings,
   * and the next share of the rest; `full` reads every document and every page again (also trusting no HEAD).
   */
  async run(now = new Date(), full = false): Promise<Finding[]> {
    const { pool } = this.options;
    const revisions = await latestRevisions(pool);
    const fingerprints = await this.fingerprintsByDocument();
    const deliveries = await currentDeliveries(pool);
    const { toRead, seen } = this.documentsToRead(revisions, deliveries, full);
    const findings: Finding[] = [];
    const feeds = new Map<string, Promise<Map<string, string>>>();
    const deliveredTargets = new Map<string, Set<string>>();
    for (const d of deliveries) {
      if (d.state !== 'delivered' && d.state !== 'withdrawn') continue;
      const targets = deliveredTargets.get(d.documentId) ?? new Set<string>();
      targets.add(`${d.channel}\u0000${d.target}`);
      deliveredTargets.set(d.documentId, targets);
    }

    for (const latest of revisions) {
      if (!toRead.has(latest.documentId)) continue;
      const known = fingerprints.get(latest.documentId) ?? new Map<string, number>();
      // Targets that have ever been delivered to: they must hold the source (or, briefly, the revision before it).
      const delivered = deliveredTargets.get(latest.documentId) ?? new Set<string>();
      for (const entry of delivered) {
        const [channel, target] = entry.split('\u0000') as ['portal' | 'newmedia', string];
        if (channel === 'portal') {
          const key = `${this.options.sources.portal.prefix}documents/${latest.documentId}/index.html`;
          findings.push(
            ...(await this.checkPage(latest, channel, target, this.options.sources.portal.store, key, known, now, full)),
          );
        } else if (channel === 'newmedia') {
          const store = this.options.sources.newmedia.store;
          const key = `accounts/${target}/articles/${latest.documentId}/index.html`;
          findings.push(...(await this.checkPage(latest, channel, target, store, key, known, now, full)));
          if (!feeds.has(target)) feeds.set(target, this.feedFingerprints(target));
          const feedFingerprint = (await feeds.get(target))?.get(latest.documentId);
          // A withdrawn document may leave the feed; a live one must be in it.
          if (!(feedFingerprint === undefined && latest.status === 'withdrawn')) {
            const item: Held = { where: `accounts/${target}/feed.json`, fingerprint: feedFingerprint, text: undefined };
            findings.push(
              ...this.compare(latest, channel, target, feedFingerprint === undefined ? null : item, known, now, 'feed'),
            );
          }
        }
      }
    }
    findings.push(
      ...(await this.wechatRecordFindings(
        deliveries.filter((delivery) => toRead.has(delivery.documentId)),
        fingerprints,
      )),
    );
    // A document left unread this cycle had no findings in the last: together these are all the open findings.
    this.withFindings = new Set(findings.map((finding) => finding.documentId));
    this.seen = seen; // only once the cycle got this far: a failed one leaves the changes to be read next time
    findings.push(...(await this.gazetteFindings(fingerprints)));
    return findings;
  }

  private documentsToRead(
    revisions: readonly RevisionRow[],
    deliveries: Awaited<ReturnType<typeof currentDeliveries>>,
    full: boolean,
  ): { toRead: Set<string>; seen: Map<string, string> } {
    // Each document's deliveries, grouped once: its signature (what changed) and whether it has settled come from them.
    const rowsOf = new Map<string, typeof deliveries>();
    for (const d of deliveries) {
      const rows = rowsOf.get(d.documentId);
      if (rows) rows.push(d);
      else rowsOf.set(d.documentId, [d]);
    }
    const signature = (rows: typeof deliveries) =>
      rows.map((d) => `${d.channel}/${d.target}/${d.revision}/${d.state}/${d.fingerprint}/${d.artifactKeys.join(',')}`).join('|');
    const now = new Map(
      revisions.map((r) => [r.documentId, `${r.revision}/${r.fingerprint}/${signature(rowsOf.get(r.documentId) ?? [])}`]),
    );
    const before = this.seen;
    const ids = [...now.keys()].sort();
    if (full || before === undefined) return { toRead: new Set(ids), seen: now };
    // Unsettled: some target the document went to is not yet at its latest revision in a final state. Read every cycle,
    // so a page left showing the revision before turns into correction debt as soon as the SLA runs out.
    const latestOf = new Map(revisions.map((r) => [r.documentId, r.revision]));
    const settled = (row: (typeof deliveries)[number]) =>
      ['delivered', 'withdrawn', 'superseded'].includes(row.state) || (row.channel === 'gazette' && row.state === 'pending');
    const unsettled = new Set<string>();
    for (const [id, rows] of rowsOf) {
      for (const target of new Set(rows.map((row) => `${row.channel}/${row.target}`))) {
        const current = rows.find((row) => `${row.channel}/${row.target}` === target && row.revision === latestOf.get(id));
        if (current === undefined || !settled(current)) unsettled.add(id);
      }
    }
    const read = new Set(ids.filter((id) => before.get(id) !== now.get(id) || this.withFindings.has(id) || unsettled.has(id)));
    const sample = Math.min(ids.length, this.options.sampleDocuments ?? 500);
    for (let k = 0; k < sample; k++) read.add(ids[(this.cursor + k) % ids.length] as string);
    this.cursor = ids.length === 0 ? 0 : (this.cursor + sample) % ids.length;
    return { toRead: read, seen: now };
  }

  /**
   * A WeChat article cannot be edited once published, so the record of what was sent for a revision must carry that
   * revision's fingerprint (S3 provenance and its own `fingerprint` field); a correction goes out as a new article.
   */
  private async wechatRecordFindings(
    deliveries: Awaited<ReturnType<typeof currentDeliveries>>,
    fingerprints: Map<string, Map<string, number>>,
  ): Promise<Finding[]> {
    const findings: Finding[] = [];
    const store = this.options.sources.newmedia.store;
    for (const delivery of deliveries) {
      if (delivery.channel !== 'newmedia' || delivery.state !== 'delivered') continue;
      const expected = [...(fingerprints.get(delivery.documentId) ?? [])].find(
        ([, revision]) => revision === delivery.revision,
      )?.[0];
      if (expected === undefined) continue;
      for (const key of delivery.artifactKeys.filter((k) => k.startsWith(`accounts/${delivery.target}/wechat/`))) {
        const finding = (kind: Finding['kind'], detail: string): Finding => ({
          kind,
          documentId: delivery.documentId,
          revision: delivery.revision,
          channel: 'newmedia',
          target: `${delivery.target}/wechat`,
          detail,
        });
        const record = await store.get(key);
        if (!record) {
          findings.push(finding('missing', `${key}: 微信发送记录不存在`));
          continue;
        }
        let sent: WechatRecord = {};
        try {
          sent = JSON.parse(record.body.toString('utf8')) as WechatRecord;
        } catch {
          sent = {};
        }
        const held = record.provenance?.fingerprint;
        if (held !== expected || sent.fingerprint !== expected) {
          findings.push(
            finding(
              'drift',
              `${key}: 第 ${delivery.revision} 版的指纹应为 ${expected}，记录为 ${sent.fingerprint ?? '（无）'}，S3 元数据为 ${held ?? '（无）'}`,
            ),
          );
          continue;
        }
        findings.push(...(await this.articleFindings(key, delivery, sent)));
      }
    }
    return findings;
  }

  private compare(
    latest: RevisionRow,
    channel: 'portal' | 'newmedia',
    target: string,
    held: Held | null,
    known: Map<string, number>,
    now: Date,
    part?: string,
  ): Finding[] {
    const at = part === undefined ? target : `${target}/${part}`;
    const finding = (kind: Finding['kind'], detail: string): Finding[] => [
      { kind, documentId: latest.documentId, revision: latest.revision, channel, target: at, detail },
    ];
    if (held === null) {
      if (latest.status === 'withdrawn' && channel === 'newmedia') return [];
      return finding('missing', `已投递的产物不存在 the delivered artifact is gone`);
    }
    if (held.metaFingerprint !== undefined && held.metaFingerprint !== held.fingerprint) {
      return finding(
        'drift',
        `${held.where}: S3 元数据指纹 ${held.fingerprint ?? '（无）'} 与页面 meta 指纹 ${held.metaFingerprint} 不一致`,
      );
    }
    if (held.fingerprint !== latest.fingerprint) {
      const shown = held.fingerprint === undefined ? undefined : known.get(held.fingerprint);
      if (shown === undefined) {
        return finding(
          'drift',
          `${held.where}: 指纹 ${held.fingerprint ?? '（无）'} 不属于本文任何版本 (source ${latest.fingerprint})`,
        );
      }
      const lateBySeconds = (now.getTime() - latest.releasedAt.getTime()) / 1000 - this.options.slaSeconds;
      if (lateBySeconds <= 0) return []; // the new revision is on its way
      return finding(
        'correction_debt',
        `${held.where}: 仍显示第 ${shown} 版，第 ${latest.revision} 版已于 ${latest.releasedAt.toISOString()} 发布（超出时限 ${Math.round(lateBySeconds)} 秒）`,
      );
    }
    if (held.text === undefined || latest.status === 'withdrawn') return [];
    if (held.text === null) return finding('drift', `${held.where}: 页面没有 data-tongyuan-text 标记的正文`);
    const difference = firstDifference(comparable(latest.canonicalText), comparable(held.text));
    return difference === null ? [] : finding('drift', `${held.where}: ${difference}`);
  }

  /**
   * HEAD first: a page verified equal to this very source and untouched since (same time, size and hash) is not read
   * again, so a steady-state cycle costs one HEAD per page. Only exact matches are remembered: a page still showing
   * an older revision is read every cycle, so it turns into correction debt when the SLA runs out.
   */
  private async checkPage(
    latest: RevisionRow,
    channel: 'portal' | 'newmedia',
    target: string,
    store: ObjectStore,
    key: string,
    known: Map<string, number>,
    now: Date,
    full: boolean,
  ): Promise<Finding[]> {
    const cacheKey = `${store.bucket}/${key}`;
    const info = await store.head(key);
    const signature = info && `${latest.fingerprint}|${info.lastModified?.toISOString()}|${info.size}|${info.sha256}`;
    if (!full && signature && this.verified.get(cacheKey) === signature) return [];
    this.verified.delete(cacheKey);
    const held = info ? await this.page(store, key) : null;
    const findings = this.compare(latest, channel, target, held, known, now);
    if (signature && findings.length === 0 && held?.fingerprint === latest.fingerprint) this.verified.set(cacheKey, signature);
    return findings;
  }

  private async page(store: ObjectStore, key: string): Promise<Held | null> {
    const object = await store.get(key);
    if (!object) return null;
    const reading = readPage(object.body.toString('utf8'));
    return {
      where: key,
      fingerprint: object.provenance?.fingerprint,
      text: reading.text,
      metaFingerprint: reading.meta[FINGERPRINT_META],
    };
  }

  /**
   * Every item the account's feed carries: feed.json (the newest) and the archive pages its `next_url` chain leads to
   * (accounts/<id>/feed/<n>.json, from the newest page to the oldest).
   */
  private async feedFingerprints(account: string): Promise<Map<string, string>> {
    const result = new Map<string, string>();
    const seen = new Set<string>();
    let key: string | undefined = `accounts/${account}/feed.json`;
    while (key !== undefined && !seen.has(key)) {
      seen.add(key);
      const feed = await this.options.sources.newmedia.store.get(key);
      if (!feed) break;
      let next: string | undefined;
      try {
        const parsed = JSON.parse(feed.body.toString('utf8')) as { items?: unknown[]; next_url?: unknown };
        for (const item of parsed.items ?? []) {
          const provenance = (item as { _tongyuan?: { document_id?: string; fingerprint?: string } })._tongyuan;
          if (provenance?.document_id && provenance.fingerprint) result.set(provenance.document_id, provenance.fingerprint);
        }
        const page = typeof parsed.next_url === 'string' ? /\/feed\/([1-9][0-9]*)\.json$/.exec(parsed.next_url)?.[1] : undefined;
        next = page === undefined ? undefined : `accounts/${account}/feed/${page}.json`;
      } catch (error) {
        this.options.logger.warn({ err: error, account, key }, 'a feed page is not JSON');
      }
      key = next;
    }
    return result;
  }

  /** What WeChat shows for the article must be what the record says was sent: title and visible text. */
  private async articleFindings(
    key: string,
    delivery: { documentId: string; revision: number; target: string },
    sent: WechatRecord,
  ): Promise<Finding[]> {
    const { readArticle, logger } = this.options;
    if (!readArticle || !sent.app_id || !sent.article_id || typeof sent.content !== 'string') return [];
    const finding = (kind: Finding['kind'], detail: string): Finding[] => [
      {
        kind,
        documentId: delivery.documentId,
        revision: delivery.revision,
        channel: 'newmedia',
        target: `${delivery.target}/article`,
        detail,
      },
    ];
    let shown: Awaited<ReturnType<ReadArticle>>;
    try {
      shown = await readArticle({ accountId: delivery.target, appId: sent.app_id }, sent.article_id);
    } catch (error) {
      // WeChat unreachable says nothing about the article; WeChat answering no (deleted, banned) does.
      if ((error as { retryable?: boolean }).retryable === true) {
        logger.warn({ err: error, documentId: delivery.documentId, account: delivery.target }, 'WeChat article not readable now');
        return [];
      }
      return finding('missing', `微信文章 ${sent.article_id} 读取失败：${(error as Error).message}`);
    }
    if (shown === undefined) return []; // no AppSecret for this account here
    const article = shown[0];
    if (!article || article.deleted) return finding('missing', `微信文章 ${sent.article_id} 已被删除或不存在`);
    if (sent.title && article.title !== sent.title) {
      return finding('drift', `微信文章 ${sent.article_id} 标题为 “${article.title}”，发送记录为 “${sent.title}”（${key}）`);
    }
    const difference = firstDifference(comparable(fragmentText(sent.content)), comparable(fragmentText(article.content)));
    return difference === null
      ? []
      : finding(
          'drift',
          `微信文章 ${sent.article_id} 与发送记录 ${key} 不同：${difference.replace('源文', '记录').replace('渠道', '微信')}`,
        );
  }

  /** A closed issue legitimately carries an older revision (an erratum covers it): only a wrong fingerprint is drift. */
  private async gazetteFindings(fingerprints: Map<string, Map<string, number>>): Promise<Finding[]> {
    const store = this.options.sources.gazette.store;
    const findings: Finding[] = [];
    const manifests: string[] = [];
    try {
      for await (const object of store.list('issues/')) manifests.push(object.key);
    } catch (error) {
      if ((error as { name?: string }).name === 'NoSuchBucket') return []; // no gazette has been written yet
      throw error;
    }
    for (const key of manifests) {
      const object = { key };
      if (!/^issues\/\d{4}-\d{2}\/manifest\.json$/.test(object.key)) continue;
      const manifest = await store.get(object.key);
      if (!manifest) continue;
      let documents: Array<{ documentId?: string; revision?: number; fingerprint?: string }>;
      try {
        documents = (JSON.parse(manifest.body.toString('utf8')) as { documents?: typeof documents }).documents ?? [];
      } catch {
        continue;
      }
      const issue = object.key.split('/')[1] ?? '';
      for (const entry of documents) {
        if (!entry.documentId || entry.revision === undefined) continue;
        const known = fingerprints.get(entry.documentId);
        if (!known) continue; // a document this ledger never saw (another tenant, a historical import)
        const expected = [...known].find(([, revision]) => revision === entry.revision)?.[0];
        if (expected === undefined || expected === entry.fingerprint) continue;
        findings.push({
          kind: 'drift',
          documentId: entry.documentId,
          revision: entry.revision,
          channel: 'gazette',
          target: issue,
          detail: `${object.key}: 第 ${entry.revision} 版的指纹应为 ${expected}，公报目录记为 ${entry.fingerprint ?? '（无）'}`,
        });
      }
    }
    return findings;
  }

  private async fingerprintsByDocument(): Promise<Map<string, Map<string, number>>> {
    const { rows } = await this.options.pool.query<{ documentId: string; revision: number; fingerprint: string }>(
      'select document_id as "documentId", revision, fingerprint from revisions',
    );
    const result = new Map<string, Map<string, number>>();
    for (const row of rows) {
      const known = result.get(row.documentId) ?? new Map<string, number>();
      known.set(row.fingerprint, row.revision);
      result.set(row.documentId, known);
    }
    return result;
  }
}
