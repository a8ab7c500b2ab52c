import { type ContentPublished, type DeliveryError, routeToAccounts } from '@tongyuan/contracts';
import { errorMessage, isOutage, isRetryable, RefusedError, statusErrorCode, TransientError } from '@tongyuan/errors';
import type { Logger } from '@tongyuan/logger';
import {
  type AccountProfile,
  leadImageOf,
  renderArticle,
  renderCorrectionNotice,
  renderCovers,
  titleOf,
  type WechatArticleDraft,
} from '@tongyuan/newmedia-article';
import {
  type PublishStatus,
  type WechatAccountApi,
  type WechatApiClient,
  WechatApiError,
  wechatErrcodes,
} from '@tongyuan/wechat-api';
import type { ConfiguredAccount } from '../accounts.js';
import { KeyedMutex, Semaphore } from '../concurrency.js';
import type { AccountFeeds, PreparedImage } from '../feed/account-feed.js';
import type { Delivery, DeliveryKey, DeliveryStateName, DeliveryStore } from './delivery-store.js';
import type { StatusReporter } from './status-reporter.js';

export interface DelivererOptions {
  deliveries: DeliveryStore;
  feeds: AccountFeeds;
  wechat: WechatApiClient;
  accounts: readonly ConfiguredAccount[];
  reporter: StatusReporter;
  logger: Logger;
  /** First poll after a submit, and the base of the polling backoff. */
  pollMs: number;
  /** Base delay of the background retry of a retryable failure. */
  retryMs: number;
  /** Automatic retries before a failure waits for the event to be delivered again. */
  maxAttempts: number;
  /** How long the consumer waits for an event's deliveries before it lets them finish in the background (and commits). */
  handlingBudgetMs?: number;
  /** A running delivery is leased this long: if its process dies, the worker resumes it afterwards. */
  leaseMs?: number;
  /** Deliveries running at once in this process, per stage (own carriers, WeChat; each holds a PostgreSQL connection for its lock). */
  concurrency?: number;
  /** After a submit went unanswered and is not among the published: how old it is before the same draft is submitted again. */
  submitSettleMs?: number;
  /** After a submit went unanswered and WeChat holds its draft in a job: how long it is looked for before an operator decides. */
  submitConfirmWindowMs?: number;
  /** Called when an article goes live on WeChat (for the publish-to-live metric). */
  onLive?: (revision: ContentPublished['revision']) => void;
}

/** A submit whose answer was lost, taken into a job by WeChat, and not published within the window: an operator decides. */
const SUBMIT_UNCONFIRMED = 'WECHAT_SUBMIT_UNCONFIRMED';

const done = new Set(['delivered', 'withdrawn', 'superseded']);
/** The states a delivery may still leave. */
const unfinished: DeliveryStateName[] = ['pending', 'delivering', 'failed'];

const keyText = (key: DeliveryKey) => `${key.documentId}/${key.revision}/${key.accountId}`;

/**
 * The use case: one content.published event → for each routed account, the WeChat article (or correction notice, or
 * withdrawal), the account's feed and H5 page, and delivery.status. Idempotent per (document, revision, account).
 */
export class NewmediaDeliverer {
  private readonly lock = new KeyedMutex();
  private readonly accounts: Map<string, ConfiguredAccount>;
  private readonly inflight = new Set<Promise<unknown>>();
  /** Deliveries with a run queued or running in this process: a retry of one of them is left to that run. */
  private readonly queued = new Set<string>();
  private stopping = false;
  /** WeChat's stage of the deliveries running at once. */
  private readonly slots: Semaphore;
  /** The own carriers' stage of the deliveries running at once (apart: a reader never waits for WeChat's queue). */
  private readonly showSlots: Semaphore;
  /**
   * Pushes that arrived before their submit's answer was stored (WeChat may push within milliseconds), by
   * account/publishId: taken up as soon as the submit is recorded. Lost on a crash, where polling finishes the job.
   */
  private readonly earlyPushes = new Map<string, { status: PublishStatus; at: number }>();

  constructor(private readonly options: DelivererOptions) {
    this.accounts = new Map(options.accounts.map((account) => [account.id, account]));
    this.slots = new Semaphore(options.concurrency ?? 4);
    this.showSlots = new Semaphore(options.concurrency ?? 4);
  }

  /**
   * A graceful stop: runs still waiting for a slot are not taken up but handed on (their lease released, so the worker
   * of whichever instance runs next takes them at once); the running ones finish.
   */
  async stop(): Promise<void> {
    this.stopping = true;
    await this.drain();
  }

  /** Waits for every delivery still running in the background (before the pool closes). */
  async drain(): Promise<void> {
    while (this.inflight.size > 0) await Promise.allSettled([...this.inflight]);
  }

  private track<T>(work: Promise<T>): Promise<T> {
    this.inflight.add(work);
    void work.finally(() => this.inflight.delete(work)).catch(() => {});
    return work;
  }

  /** The consumer's entry: pending for every routed account, then each delivery runs (accounts side by side). */
  async receive(event: ContentPublished): Promise<void> {
    const { deliveries, reporter } = this.options;
    const { revision, fingerprint } = event;
    await deliveries.saveRevision(event);
    const routed = new Set(routeToAccounts(revision, [...this.accounts.values()]).map((account) => account.id));
    // An account that carries the document but is no longer routed to (withdrawn, no longer 主动公开, targeted
    // elsewhere) takes it down: the withdrawal reaches every account that carries it.
    const targets = new Set([...routed, ...(await deliveries.accountsCarrying(revision.documentId))]);

    const runs: DeliveryKey[] = [];
    for (const accountId of targets) {
      const key = { documentId: revision.documentId, revision: revision.revision, accountId };
      const carried = await deliveries.carried(revision.documentId, accountId);
      if (carried !== null && carried.revision > revision.revision) continue; // an older revision changes nothing
      const form =
        revision.status === 'withdrawn' || !routed.has(accountId)
          ? 'withdrawal'
          : carried?.original
            ? 'correction-notice'
            : 'article';
      // Leased from the start: the run may wait for a slot after the event is committed, and a crash meanwhile must
      // leave the worker something to resume.
      const leaseUntil = this.leaseUntil();
      let { delivery, created } = await deliveries.open(key, fingerprint, form, leaseUntil);
      if (done.has(delivery.state)) continue; // a replay: work done is skipped, not repeated
      if (created) await reporter.report({ ...key, fingerprint }, 'pending', 1);
      if (delivery.state === 'failed') {
        // The same event again is the operator's retry (for an unconfirmed submit: look again, from its stored step).
        const again = await deliveries.updateIf(key, ['failed'], {
          attempt: delivery.attempt + 1,
          state: 'pending',
          error: null,
          retryAt: leaseUntil,
        });
        if (again === null) continue; // a retry running meanwhile took it up
        delivery = again;
        await reporter.report({ ...key, fingerprint }, 'pending', delivery.attempt);
      } else if (!created && delivery.retryAt === null && delivery.step !== 'submitted') {
        delivery = await deliveries.update(key, { retryAt: leaseUntil });
      }
      runs.push(key);
    }
    // Commit once our own carriers show the revision on every account, or the budget is spent: WeChat's stage goes on
    // in the background (leased: a crash leaves it to the worker), so a slow account never holds the partition.
    const shown = runs.map((key) => {
      let onShown = () => {};
      const stage = new Promise<void>((resolve) => (onShown = resolve));
      this.track(this.run(key, false, onShown));
      return stage;
    });
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.all(shown),
      new Promise((resolve) => (timer = setTimeout(resolve, this.options.handlingBudgetMs ?? 10_000))),
    ]);
    clearTimeout(timer);
  }

  /** The worker's retry of a failed, deferred or abandoned (lease expired) delivery. */
  retry(key: DeliveryKey): Promise<void> {
    return this.track(this.run(key, true));
  }

  /**
   * One delivery from its stored step on, in two stages: our own carriers (feed, H5 page), then WeChat. Each stage is
   * serialized per (document, account) — in this process by a mutex, across instances by a PostgreSQL advisory lock (a
   * run elsewhere holds it: this one leaves the delivery to it) — and has slots of its own, so a reader sees a revision
   * on the account's own pages however long WeChat's queue is. `onShown` is called once the first stage is over.
   */
  private run(key: DeliveryKey, isRetry = false, onShown?: () => void): Promise<void> {
    const id = keyText(key);
    if (this.queued.has(id)) {
      onShown?.();
      return Promise.resolve(); // the run already queued here does the work (and reads the state then)
    }
    this.queued.add(id);
    const name = `${key.documentId}/${key.accountId}`;
    const stage = (slots: Semaphore, work: (delivery: Delivery) => Promise<StageResult>): Promise<boolean> =>
      this.lock.run(name, async () => {
        const result = await slots.use(async (): Promise<StageResult> => {
          if (this.stopping) {
            await this.options.deliveries.update(key, { retryAt: new Date() });
            return { goOn: false };
          }
          let locked: StageResult = { goOn: false };
          const got = await this.options.deliveries.whileLocked(name, async () => {
            locked = await this.runLocked(key, isRetry, work);
          });
          if (!got) await this.options.deliveries.update(key, { retryAt: new Date(Date.now() + this.options.pollMs) });
          return locked;
        });
        // Out of the slot and the lock's connection (the mutex kept): what waits on work shared with other deliveries.
        if (result.thenUnlocked === undefined) return result.goOn;
        try {
          await result.thenUnlocked();
          return result.goOn;
        } catch (error) {
          await this.fail(key, error);
          return false;
        }
      });
    return stage(this.showSlots, (delivery) => this.showOwn(delivery))
      .finally(() => onShown?.())
      .then((goOn) => (goOn ? stage(this.slots, (delivery) => this.onWechat(delivery).then(() => ({ goOn: false }))) : false))
      .then(() => undefined)
      .finally(() => this.queued.delete(id));
  }

  /** A stage of the run, holding the delivery's locks and a slot: whether the next stage is to follow. */
  private async runLocked(
    key: DeliveryKey,
    isRetry: boolean,
    work: (delivery: Delivery) => Promise<StageResult>,
  ): Promise<StageResult> {
    let delivery = await this.options.deliveries.get(key);
    if (delivery === null || done.has(delivery.state)) return { goOn: false };
    if (delivery.state === 'failed') {
      if (!isRetry) return { goOn: false };
      delivery = await this.options.deliveries.update(key, { attempt: delivery.attempt + 1, state: 'pending', error: null });
    }
    // The lease: should this process die mid-run, the worker resumes the delivery once it expires.
    delivery = await this.options.deliveries.update(key, { retryAt: this.leaseUntil() });
    try {
      return await work(delivery);
    } catch (error) {
      await this.fail(key, error);
      return { goOn: false };
    }
  }

  private leaseUntil(): Date {
    return new Date(Date.now() + (this.options.leaseMs ?? 120_000));
  }

  /** What both stages need: the stored revision, the account, and the revision's images as prepared for the account. */
  private async contextOf(delivery: Delivery) {
    const event = await this.options.deliveries.revision(delivery.documentId, delivery.revision);
    const account = this.accounts.get(delivery.accountId);
    if (event === null) throw new Error(`revision ${delivery.documentId}/${delivery.revision} was never stored`);
    if (!account?.enabled) {
      throw new RefusedError('ACCOUNT_UNAVAILABLE', `account ${delivery.accountId} is not in the matrix, or disabled`);
    }
    const profile: AccountProfile = { id: account.id, name: account.name, author: account.author };
    const provenance = { documentId: delivery.documentId, revision: delivery.revision, fingerprint: event.fingerprint };
    const images =
      delivery.form === 'withdrawal'
        ? new Map<string, PreparedImage>()
        : await this.options.feeds.prepareImages(event.revision, provenance);
    // What delivery.status names: the key and the fingerprint of the revision.
    const status = { ...provenance, accountId: delivery.accountId };
    return { event, account, profile, images, status };
  }

  /**
   * Earlier revisions still on their way: those not yet sent to WeChat give way (superseded); the first one sent is
   * returned, to be waited for on WeChat (unless it failed for good: an unconfirmed submit waits for an operator).
   */
  private async earlierOnWechat(key: DeliveryKey): Promise<Delivery | undefined> {
    const { deliveries } = this.options;
    let sent: Delivery | undefined;
    for (const older of await deliveries.unfinishedBefore(key)) {
      if (isInFlight(older) && (older.state !== 'failed' || older.error?.retryable === true)) {
        sent ??= older;
        continue;
      }
      await this.supersede(older);
    }
    return sent;
  }

  /** The delivery gives way to a newer revision — told only if it had not ended meanwhile. */
  private async supersede(delivery: Delivery): Promise<void> {
    const superseded = await this.options.deliveries.updateIf(delivery, unfinished, {
      state: 'superseded',
      step: 'superseded',
      retryAt: null,
      pollAt: null,
    });
    if (superseded !== null) await this.options.reporter.report(delivery, 'superseded', delivery.attempt);
  }

  /**
   * The first stage: the account's own feed and H5 page carry the revision (or drop a withdrawn one), whatever WeChat
   * is still doing with an earlier revision. The page and the item are written under the delivery's lock, in a slot;
   * the feed, rebuilt for many deliveries at once, is waited for after both are released.
   */
  private async showOwn(initial: Delivery): Promise<StageResult> {
    const { deliveries, feeds, reporter } = this.options;
    const { event, profile, images, status } = await this.contextOf(initial);
    await this.earlierOnWechat(initial);
    const shown =
      initial.form === 'withdrawal' ? await feeds.dropPage(profile, event) : await feeds.showPage(profile, event, images);
    if (shown === null && !isInFlight(initial)) {
      await this.supersede(initial);
      return { goOn: false };
    }
    return {
      goOn: true,
      thenUnlocked: async () => {
        await feeds.writeFeed(profile);
        // (A newer revision carried meanwhile leaves a submitted one to finish on WeChat, where it was sent.)
        if (shown === null || initial.state === 'delivering') return;
        // Out of the lock: WeChat's stage may have finished the delivery meanwhile (a poll, a push, another instance). Only
        // a delivery still pending moves on, and only a move that happened is told — a late 'delivering' after
        // 'delivered' would read as the latest step in the ledger.
        const moved = await deliveries.updateIf(initial, ['pending'], { state: 'delivering', artifactKeys: shown });
        if (moved !== null) await reporter.report(status, 'delivering', moved.attempt, { artifactKeys: shown });
      },
    };
  }

  /** The second stage: the article (or correction notice, or withdrawal) on WeChat, from its stored step on. */
  private async onWechat(initial: Delivery): Promise<void> {
    const { deliveries, reporter } = this.options;
    const key: DeliveryKey = initial;
    let delivery = initial;
    const { event, account, profile, images, status } = await this.contextOf(delivery);
    if ((await this.earlierOnWechat(key)) !== undefined) {
      await deliveries.update(key, { retryAt: new Date(Date.now() + this.options.pollMs) });
      return;
    }

    if (delivery.step === 'pending' && delivery.form !== 'withdrawal') {
      // The original may have been published since the delivery was opened.
      const carried = await deliveries.carried(key.documentId, key.accountId);
      const form = carried?.original && carried.original.revision < key.revision ? 'correction-notice' : 'article';
      if (form !== delivery.form) delivery = await deliveries.update(key, { form });
    }

    const api = this.options.wechat.forAccount({ appId: account.appId, secret: account.secret });
    if (delivery.form === 'withdrawal') {
      for (const article of await deliveries.liveArticles(key.documentId, key.accountId)) {
        await api.deletePublished(article.articleId);
        await deliveries.markArticleDeleted(key.accountId, article.articleId);
      }
      await deliveries.update(key, { step: 'withdrawn', state: 'withdrawn', error: null, retryAt: null });
      await reporter.report(status, 'withdrawn', delivery.attempt, { artifactKeys: delivery.artifactKeys });
      return;
    }

    if (delivery.step === 'pending') {
      const imageUrls = { ...delivery.imageUrls };
      for (const image of images.values()) {
        if (imageUrls[image.block.key] !== undefined) continue;
        const { url } = await api.uploadImage({
          bytes: image.bytes,
          fileName: image.key.replace(/^media\//, ''),
          mediaType: image.mediaType,
        });
        imageUrls[image.block.key] = url;
        delivery = await deliveries.update(key, { imageUrls }); // each upload stored before the next
      }
      delivery = await deliveries.update(key, { step: 'images-uploaded' });
    }

    if (delivery.step === 'images-uploaded') {
      const lead = leadImageOf(event.revision);
      const covers = await renderCovers({
        title: titleOf(event.revision),
        accountName: account.name,
        leadImage: lead === null ? null : (images.get(lead.key)?.original ?? null),
      });
      const cover = await api.addMaterial('image', { bytes: covers.cover, fileName: 'cover.jpg', mediaType: 'image/jpeg' });
      const thumb = await api.addMaterial('thumb', { bytes: covers.thumb, fileName: 'thumb.jpg', mediaType: 'image/jpeg' });
      delivery = await deliveries.update(key, {
        step: 'cover-uploaded',
        cover: { coverMediaId: cover.mediaId, coverUrl: cover.url, thumbMediaId: thumb.mediaId },
      });
    }

    if (delivery.step === 'cover-uploaded') {
      // A draft/add sent before and never answered (a crash, a lost answer) may have made the draft: adopt it, do not add twice.
      const made =
        delivery.draftingAt === null ? null : await this.draftWithCover(api, delivery.cover?.coverMediaId, delivery.draftingAt);
      if (made === null) {
        const draft = await this.draftOf(delivery, event, profile);
        delivery = await deliveries.update(key, { draftingAt: new Date() });
        let mediaId: string;
        try {
          ({ mediaId } = await api.addDraft([this.wireArticle(draft, delivery)]));
        } catch (error) {
          // An errcode answer or an open breaker means no draft was made; a lost answer leaves draftingAt set.
          if (error instanceof WechatApiError && (error.errcode !== undefined || error.code === 'WECHAT_BREAKER_OPEN')) {
            await deliveries.update(key, { draftingAt: null });
          }
          throw error;
        }
        delivery = await deliveries.update(key, { step: 'draft-added', draftMediaId: mediaId, draftingAt: null });
      } else {
        this.options.logger.warn({ ...key, mediaId: made }, 'adopted the draft an unanswered draft/add had made');
        delivery = await deliveries.update(key, { step: 'draft-added', draftMediaId: made, draftingAt: null });
      }
    }

    if (delivery.step === 'draft-added') {
      await api.ready(); // the token first: a crash after storing 'submitting' then falls inside the request itself
      delivery = await deliveries.update(key, { step: 'submitting', submittingAt: new Date() });
      try {
        await this.submit(delivery, api);
      } catch (error) {
        // An errcode answer or an open breaker means nothing was submitted; a lost answer leaves it 'submitting'.
        if (error instanceof WechatApiError && (error.errcode !== undefined || error.code === 'WECHAT_BREAKER_OPEN')) {
          await this.options.deliveries.update(key, { step: 'draft-added', submittingAt: null });
        }
        throw error;
      }
      return;
    }

    if (delivery.step === 'submitting') await this.reconcileSubmit(delivery, event, profile, api);
    // Submitted earlier (a replay, a restart): polling and the push finish it, the lease is not needed.
    else if (delivery.step === 'submitted') await deliveries.update(key, { retryAt: null });
  }

  /**
   * The drafts the account made since `since` (however many: a busy account adds many a minute), searched for the one
   * made with this delivery's own cover (unique per delivery).
   */
  private async draftWithCover(api: WechatAccountApi, coverMediaId: string | undefined, since: Date): Promise<string | null> {
    if (coverMediaId === undefined) return null;
    const from = since.getTime() / 1000 - 60;
    const found = await searchNewestFirst(
      (offset) => api.listDrafts(offset, BATCHGET_PAGE),
      (draft) => draft.items.some((item) => item.thumb_media_id === coverMediaId),
      { pages: 50, olderThanWanted: (draft) => draft.updateTime < from },
    );
    return found?.mediaId ?? null;
  }

  /** A submit whose answer was lost: found among the published, submitted again if WeChat never got it, or waited for. */
  private async reconcileSubmit(
    delivery: Delivery,
    event: ContentPublished,
    profile: AccountProfile,
    api: WechatAccountApi,
  ): Promise<void> {
    const draft = await this.draftOf(delivery, event, profile);
    const submittedAt = delivery.submittingAt?.getTime() ?? 0;
    const since = submittedAt / 1000 - 60;
    // Everything the account published since the submit, however much that is (a busy account publishes many a minute).
    const found = await searchNewestFirst(
      (offset) => api.listPublished(offset, BATCHGET_PAGE),
      (published) =>
        published.updateTime >= since &&
        published.items[0]?.title === draft.title &&
        published.items[0]?.content_source_url === draft.contentSourceUrl,
      { pages: 50, olderThanWanted: (published) => published.updateTime < since },
    );
    if (found !== undefined) {
      await this.published(delivery, event, { articleId: found.articleId, url: found.items[0]?.url ?? null });
      return;
    }
    // Not published. WeChat takes a draft out of the draft box when it accepts its submit ("草稿发表后，原草稿将从草稿箱
    // 移除"; a job that fails "保留这份草稿的备份"), so the same draft submitted again is refused if the lost submit
    // arrived, and starts the only job if it never did (a request torn by a crash). Not before a job the lost submit may
    // have started would have ended, though: that reading of the contract is not the only possible one.
    const age = Date.now() - submittedAt;
    if (age < (this.options.submitSettleMs ?? 60_000)) {
      throw new TransientError(
        'freepublish/submit went unanswered and the article is not among the published yet; looking again, then submitting the same draft again',
        { code: 'WECHAT_SUBMIT_UNANSWERED' },
      );
    }
    try {
      await this.submit(delivery, api);
      this.options.logger.warn(
        { delivery: keyText(delivery) },
        'the unanswered freepublish/submit had not reached WeChat: the same draft submitted again',
      );
      return;
    } catch (error) {
      // 40007: the draft is no longer in the draft box, so the lost submit arrived. Anything else is its own failure.
      if (!(error instanceof WechatApiError && error.errcode === wechatErrcodes.invalidMediaId)) throw error;
    }
    // WeChat holds the draft in a job still publishing (not listed yet): look again later, until the window closes.
    if (age < (this.options.submitConfirmWindowMs ?? 15 * 60_000)) {
      throw new TransientError(
        'freepublish/submit went unanswered; WeChat holds its draft in a publish job, and the article is not among the published yet: looking again later',
        { code: 'WECHAT_SUBMIT_UNANSWERED' },
      );
    }
    throw new RefusedError(
      SUBMIT_UNCONFIRMED,
      'freepublish/submit went unanswered; WeChat took the draft into a publish job, but the article has not appeared among the published: check the account (a job under review), then re-publish the event to look again',
    );
  }

  /** freepublish/submit of the delivery's draft; the job's id stored at once, then polling and the push finish it. */
  private async submit(delivery: Delivery, api: WechatAccountApi): Promise<void> {
    const { publishId } = await api.submitPublish(delivery.draftMediaId ?? '');
    await this.options.deliveries.update(delivery, {
      step: 'submitted',
      publishId,
      polls: 0,
      pollAt: new Date(Date.now() + this.options.pollMs),
      retryAt: null, // the lease ends: polling and the push take over
    });
    this.takeEarlyPush(delivery.accountId, publishId);
  }

  private async draftOf(delivery: Delivery, event: ContentPublished, account: AccountProfile): Promise<WechatArticleDraft> {
    const { revision, fingerprint } = event;
    const portalUrl = this.options.feeds.portalUrl(revision.documentId);
    const imageUrls = new Map(Object.entries(delivery.imageUrls));
    if (delivery.form === 'correction-notice') {
      const carried = await this.options.deliveries.carried(revision.documentId, delivery.accountId);
      const original = carried?.original;
      if (!original) throw new Error(`no original article of ${revision.documentId} on ${delivery.accountId} to correct`);
      return renderCorrectionNotice({ revision, fingerprint, account, portalUrl, original, imageUrls });
    }
    return renderArticle({ revision, fingerprint, account, portalUrl, imageUrls });
  }

  private wireArticle(draft: WechatArticleDraft, delivery: Delivery) {
    return {
      article_type: 'news' as const,
      title: draft.title,
      author: draft.author,
      digest: draft.digest,
      content: draft.content,
      content_source_url: draft.contentSourceUrl,
      thumb_media_id: delivery.cover?.coverMediaId ?? '',
      // Comments on government releases are handled through the 留言 channels, not under the article.
      need_open_comment: 0 as const,
      only_fans_can_comment: 0 as const,
    };
  }

  /** The worker's poll of a submitted delivery: freepublish/get, with backoff while it is still publishing. */
  async poll(key: DeliveryKey): Promise<void> {
    const delivery = await this.options.deliveries.get(key);
    const account = this.accounts.get(key.accountId);
    if (delivery?.step !== 'submitted' || delivery.publishId === null || !account) return;
    const api = this.options.wechat.forAccount({ appId: account.appId, secret: account.secret });
    let status: PublishStatus;
    try {
      status = await api.getPublishStatus(delivery.publishId);
    } catch (error) {
      if (!isRetryable(error)) {
        await this.options.deliveries.update(key, { pollAt: null });
        return this.fail(key, error);
      }
      await this.options.deliveries.update(key, { pollAt: this.nextPoll(delivery.polls), polls: delivery.polls + 1 });
      return;
    }
    await this.finish(key.accountId, status);
  }

  /** A publish job's result, from polling or from the PUBLISHJOBFINISH push: the same completion either way. */
  finish(accountId: string, status: PublishStatus): Promise<void> {
    return (async () => {
      const found = await this.options.deliveries.byPublishId(accountId, status.publishId);
      if (found === null) {
        this.keepEarlyPush(accountId, status);
        return;
      }
      await this.lock.run(`${found.documentId}/${found.accountId}`, () =>
        this.slots.use(() =>
          this.options.deliveries.whileLocked(`${found.documentId}/${found.accountId}`, async () => {
            const delivery = await this.options.deliveries.get(found);
            if (delivery?.step !== 'submitted') return; // completed already (the push and a poll can both arrive)
            if (status.status === 1) {
              await this.options.deliveries.update(delivery, {
                pollAt: this.nextPoll(delivery.polls),
                polls: delivery.polls + 1,
              });
              return;
            }
            const event = await this.options.deliveries.revision(delivery.documentId, delivery.revision);
            if (event === null) return;
            if (status.status === 0) {
              await this.published(delivery, event, { articleId: status.articleId ?? '', url: status.articleUrls[0] ?? null });
              return;
            }
            // 3 (routine failure) may pass on another try; 2, 4, 5, 6 wait for an operator. Either way the draft is submitted again.
            const retryable = status.status === 3;
            await this.options.deliveries.update(delivery, { pollAt: null, step: 'draft-added', publishId: null });
            await this.fail(delivery, {
              code: `WECHAT_PUBLISH_STATUS_${status.status}`,
              message: `freepublish job ${status.publishId} ended with publish_status ${status.status}${status.failIdx.length > 0 ? ` (articles ${status.failIdx.join(', ')})` : ''}`,
              retryable,
            });
          }),
        ),
      );
    })();
  }

  private keepEarlyPush(accountId: string, status: PublishStatus): void {
    const now = Date.now();
    for (const [key, early] of this.earlyPushes) if (now - early.at > 10 * 60_000) this.earlyPushes.delete(key);
    this.earlyPushes.set(`${accountId}/${status.publishId}`, { status, at: now });
  }

  /** Once the submit is stored: an early push completes the job (after the caller's lock is released). */
  private takeEarlyPush(accountId: string, publishId: string): void {
    const key = `${accountId}/${publishId}`;
    const early = this.earlyPushes.get(key);
    if (early === undefined) return;
    this.earlyPushes.delete(key);
    setImmediate(() => {
      this.finish(accountId, early.status).catch((error: unknown) =>
        this.options.logger.warn({ err: error, accountId, publishId }, 'completing an early PUBLISHJOBFINISH push failed'),
      );
    });
  }

  private async published(
    delivery: Delivery,
    event: ContentPublished,
    article: { articleId: string; url: string | null },
  ): Promise<void> {
    const { deliveries, feeds, reporter } = this.options;
    const account = this.accounts.get(delivery.accountId);
    const draft = account
      ? await this.draftOf(delivery, event, { id: account.id, name: account.name, author: account.author })
      : null;
    const recordKey = await feeds.writeRecord(delivery.accountId, event, {
      document_id: delivery.documentId,
      revision: delivery.revision,
      fingerprint: event.fingerprint,
      account_id: delivery.accountId,
      app_id: account?.appId ?? null,
      form: draft?.form ?? delivery.form,
      title: draft?.title ?? null,
      author: draft?.author ?? null,
      digest: draft?.digest ?? null,
      content: draft?.content ?? null,
      content_source_url: draft?.contentSourceUrl ?? null,
      media_ids: {
        thumb_media_id: delivery.cover?.coverMediaId ?? null,
        cover_url: delivery.cover?.coverUrl ?? null,
        square_thumb_media_id: delivery.cover?.thumbMediaId ?? null,
        images: delivery.imageUrls,
      },
      draft_media_id: delivery.draftMediaId,
      publish_id: delivery.publishId,
      article_id: article.articleId,
      article_url: article.url,
    });
    await deliveries.addArticle({ ...delivery, articleId: article.articleId, url: article.url });
    if (delivery.form === 'article') {
      await deliveries.setOriginal(delivery.documentId, delivery.accountId, {
        title: event.revision.title,
        url: article.url,
        revision: delivery.revision,
        articleId: article.articleId,
      });
    }
    const artifactKeys = [...delivery.artifactKeys, recordKey];
    await deliveries.update(delivery, {
      step: 'published',
      state: 'delivered',
      articleId: article.articleId,
      articleUrl: article.url,
      error: null,
      pollAt: null,
      retryAt: null,
      artifactKeys,
    });
    await reporter.report({ ...delivery, fingerprint: event.fingerprint }, 'delivered', delivery.attempt, { artifactKeys });
    this.options.onLive?.(event.revision);
    this.options.logger.info({ delivery: keyText(delivery), articleId: article.articleId }, 'article published');
  }

  /** Failed, with the reason on delivery.status; a retryable failure is retried in the background, the partition moves on. */
  private async fail(key: DeliveryKey, error: unknown): Promise<void> {
    const delivery = await this.options.deliveries.get(key);
    if (delivery === null) return;
    const reason: DeliveryError =
      typeof error === 'object' && error !== null && 'retryable' in error && !(error instanceof Error)
        ? (error as DeliveryError)
        : {
            code: statusErrorCode(error),
            message: errorMessage(error).slice(0, 2000) || 'failed',
            retryable: isRetryable(error),
          };
    // Something we need being down (S3, PostgreSQL, the network) is no fault of the delivery: it waits, retried every
    // ≤ 30 s, without spending the attempts that are there for failures of the work itself.
    const outage = isOutage(error);
    const again = outage || (reason.retryable && delivery.attempt < this.options.maxAttempts);
    const backoff = this.options.retryMs * 2 ** (delivery.attempt - 1);
    const retryAt = again ? new Date(Date.now() + Math.min(outage ? 30_000 : 3_600_000, backoff)) : null;
    // An end state stays: a failure after the delivery was done (telling 'delivered' when the broker was down) is the
    // telling's, which `retell` repeats, not the delivery's.
    const failed = await this.options.deliveries.updateIf(key, unfinished, { state: 'failed', error: reason, retryAt });
    if (failed === null) {
      this.options.logger.warn(
        { delivery: keyText(key), code: reason.code },
        'a failure after the delivery ended; its state stays',
      );
      return;
    }
    await this.options.reporter.report({ ...key, fingerprint: delivery.fingerprint }, 'failed', delivery.attempt, {
      error: reason,
      artifactKeys: delivery.artifactKeys,
    });
    this.options.logger.warn(
      { delivery: keyText(key), code: reason.code, retryable: reason.retryable, retryAt },
      'delivery failed',
    );
  }

  private nextPoll(polls: number): Date {
    return new Date(Date.now() + Math.min(60_000, this.options.pollMs * 1.5 ** polls));
  }
}

/** What a stage of a run did: whether the next stage follows, and what is left to do once the lock is released. */
interface StageResult {
  goOn: boolean;
  thenUnlocked?: () => Promise<void>;
}

/** Sent to WeChat and not yet known to be published: finished there, whichever revision our own feed shows. */
const isInFlight = (delivery: Delivery) => delivery.step === 'submitting' || delivery.step === 'submitted';

/** The most a batchget page holds. */
const BATCHGET_PAGE = 20;

/**
 * The first entry `wanted` in a batchget listing (newest first), read a page at a time until it is found, a page comes
 * short (the end), an entry is older than anything wanted, or `pages` pages were read.
 */
async function searchNewestFirst<T>(
  page: (offset: number) => Promise<T[]>,
  wanted: (entry: T) => boolean,
  limits: { pages: number; olderThanWanted?: (entry: T) => boolean },
): Promise<T | undefined> {
  for (let n = 0; n < limits.pages; n++) {
    const entries = await page(n * BATCHGET_PAGE);
    const found = entries.find(wanted);
    if (found !== undefined) return found;
    if (entries.length < BATCHGET_PAGE || entries.some((entry) => limits.olderThanWanted?.(entry) === true)) return undefined;
  }
  return undefined;
}
