import { createHash } from 'node:crypto';
import {
  CreateBucketCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  type S3ServiceException,
} from '@aws-sdk/client-s3';
import { isOutage, PipelineError, TransientError, UnavailableError } from '@tongyuan/errors';
import CircuitBreaker from 'opossum';
import type { ListedObject, ObjectInfo, ObjectStore, Provenance, PutOptions, StoredObject } from './object-store.js';

export interface S3ObjectStoreOptions {
  bucket: string;
  endpoint?: string;
  region: string;
  accessKeyId?: string;
  secretAccessKey?: string;
  forcePathStyle: boolean;
  /** Circuit breaker: fail fast while the store is down instead of piling up requests. */
  breaker?: { timeoutMs?: number; resetTimeoutMs?: number; errorThresholdPercentage?: number; volumeThreshold?: number };
}

const meta = { documentId: 'document-id', revision: 'revision', fingerprint: 'fingerprint', sha256: 'sha256' } as const;

type Send = (command: unknown) => Promise<unknown>;

/** The object store over any S3 API (S3Proxy here, MinIO or AWS elsewhere). */
export class S3ObjectStore implements ObjectStore {
  readonly bucket: string;
  private readonly client: S3Client;
  private readonly send: Send;

  constructor(options: S3ObjectStoreOptions) {
    this.bucket = options.bucket;
    this.client = new S3Client({
      endpoint: options.endpoint,
      region: options.region,
      forcePathStyle: options.forcePathStyle,
      credentials:
        options.accessKeyId && options.secretAccessKey
          ? { accessKeyId: options.accessKeyId, secretAccessKey: options.secretAccessKey }
          : undefined,
      // Older S3-compatible servers reject the CRC32 headers newer SDKs add by default.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      maxAttempts: 3,
    });
    const breaker = new CircuitBreaker((command: unknown) => this.client.send(command as never), {
      timeout: options.breaker?.timeoutMs ?? 15_000,
      resetTimeout: options.breaker?.resetTimeoutMs ?? 5_000,
      errorThresholdPercentage: options.breaker?.errorThresholdPercentage ?? 50,
      volumeThreshold: options.breaker?.volumeThreshold ?? 5,
      // A missing key or a refused request is an answer, not an outage.
      errorFilter: (error: unknown) => isClientError(error),
    });
    this.send = async (command) => {
      try {
        return await breaker.fire(command);
      } catch (error) {
        throw classify(error);
      }
    };
  }

  async ensureBucket(): Promise<void> {
    try {
      await this.send(new HeadBucketCommand({ Bucket: this.bucket }));
    } catch (error) {
      if (statusOf(error) !== 404 && !isNotFound(error)) throw error;
      try {
        await this.send(new CreateBucketCommand({ Bucket: this.bucket }));
      } catch (createError) {
        if (!['BucketAlreadyOwnedByYou', 'BucketAlreadyExists'].includes(nameOf(createError))) throw createError;
      }
    }
  }

  async put(key: string, body: Buffer | string, options: PutOptions): Promise<void> {
    const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
    await this.send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: key,
        Body: bytes,
        ContentType: options.contentType,
        CacheControl: options.cacheControl,
        Metadata: { ...options.metadata, ...provenanceMetadata(options.provenance), [meta.sha256]: sha256(bytes) },
      }),
    );
  }

  async putIfChanged(key: string, body: Buffer | string, options: PutOptions): Promise<{ written: boolean }> {
    const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
    const current = await this.head(key);
    const unchanged =
      current?.sha256 === sha256(bytes) &&
      current.contentType === normalizeContentType(options.contentType) &&
      JSON.stringify(current.provenance ?? null) === JSON.stringify(options.provenance ?? null);
    if (unchanged) return { written: false };
    await this.put(key, bytes, options);
    return { written: true };
  }

  async get(key: string): Promise<StoredObject | null> {
    try {
      const output = (await this.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }))) as {
        Body?: { transformToByteArray(): Promise<Uint8Array> };
        ContentLength?: number;
        ContentType?: string;
        CacheControl?: string;
        Metadata?: Record<string, string>;
        LastModified?: Date;
      };
      const body = Buffer.from((await output.Body?.transformToByteArray()) ?? new Uint8Array());
      return { ...infoOf(key, output), size: body.length, body };
    } catch (error) {
      if (isNotFound(error)) return null;
      throw error;
    }
  }

  async head(key: string): Promise<ObjectInfo | null> {
    try {
      const output = (await this.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }))) as Parameters<typeof infoOf>[1];
      return infoOf(key, output);
    } catch (error) {
      if (isNotFound(error)) return null;
      throw error;
    }
  }

  async *list(prefix: string): AsyncIterable<ListedObject> {
    let token: string | undefined;
    do {
      const page = (await this.send(
        new ListObjectsV2Command({ Bucket: this.bucket, Prefix: prefix, ContinuationToken: token }),
      )) as {
        Contents?: Array<{ Key?: string; Size?: number; LastModified?: Date }>;
        NextContinuationToken?: string;
        IsTruncated?: boolean;
      };
      for (const item of page.Contents ?? []) {
        if (item.Key) yield { key: item.Key, size: item.Size ?? 0, lastModified: item.LastModified };
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }

  async delete(key: string): Promise<void> {
    await this.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
  }

  async deleteMany(keys: readonly string[]): Promise<void> {
    for (let start = 0; start < keys.length; start += 1000) {
      const chunk = keys.slice(start, start + 1000);
      await this.send(
        new DeleteObjectsCommand({ Bucket: this.bucket, Delete: { Objects: chunk.map((Key) => ({ Key })), Quiet: true } }),
      );
    }
  }
}

/** Servers differ in how they echo `type; param` (S3Proxy drops the space): compare and report one form. */
const normalizeContentType = (value: string): string =>
  value
    .split(';')
    .map((part) => part.trim())
    .filter(Boolean)
    .join('; ');

const sha256 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

const provenanceMetadata = (provenance: Provenance | undefined): Record<string, string> =>
  provenance
    ? {
        [meta.documentId]: provenance.documentId,
        [meta.revision]: String(provenance.revision),
        [meta.fingerprint]: provenance.fingerprint,
      }
    : {};

const infoOf = (
  key: string,
  output: {
    ContentLength?: number;
    ContentType?: string;
    CacheControl?: string;
    Metadata?: Record<string, string>;
    LastModified?: Date;
  },
): ObjectInfo => {
  const metadata = output.Metadata ?? {};
  const documentId = metadata[meta.documentId];
  const revision = metadata[meta.revision];
  const fingerprint = metadata[meta.fingerprint];
  return {
    key,
    size: output.ContentLength ?? 0,
    contentType: output.ContentType === undefined ? undefined : normalizeContentType(output.ContentType),
    cacheControl: output.CacheControl,
    sha256: metadata[meta.sha256],
    provenance: documentId && revision && fingerprint ? { documentId, revision: Number(revision), fingerprint } : undefined,
    metadata,
    lastModified: output.LastModified,
  };
};

const statusOf = (error: unknown): number | undefined => (error as S3ServiceException)?.$metadata?.httpStatusCode;
const nameOf = (error: unknown): string => (error as { name?: string })?.name ?? '';
const isNotFound = (error: unknown): boolean =>
  ['NoSuchKey', 'NotFound', 'NoSuchBucket'].includes(nameOf(error)) || statusOf(error) === 404;
const isClientError = (error: unknown): boolean => {
  const status = statusOf(error);
  return status !== undefined && status >= 400 && status < 500;
};

/** 5xx, timeouts, refused connections and an open breaker are worth retrying; 4xx answers are not. */
const classify = (error: unknown): unknown => {
  if (error instanceof PipelineError || isClientError(error)) return error;
  const code = (error as { code?: string })?.code;
  const message = `object store unavailable: ${(error as Error)?.message ?? String(error)}`;
  // Unreachable, or failing so often that the breaker opened: work waits for it. A single 5xx is retried a few times.
  if (code === 'EOPENBREAKER' || isOutage(error)) {
    return new UnavailableError(message, {
      code: code === 'EOPENBREAKER' ? 'store_breaker_open' : 'store_unavailable',
      cause: error,
    });
  }
  return new TransientError(message, { code: 'store_unavailable', cause: error });
};

/** The S3_* variables every service parses (see @tongyuan/config s3Env), as store options for one bucket. */
export const s3StoreOptionsFrom = (
  env: {
    S3_ENDPOINT?: string;
    S3_REGION: string;
    S3_ACCESS_KEY_ID?: string;
    S3_SECRET_ACCESS_KEY?: string;
    S3_FORCE_PATH_STYLE: boolean;
  },
  bucket: string,
): S3ObjectStoreOptions => ({
  bucket,
  endpoint: env.S3_ENDPOINT,
  region: env.S3_REGION,
  accessKeyId: env.S3_ACCESS_KEY_ID,
  secretAccessKey: env.S3_SECRET_ACCESS_KEY,
  forcePathStyle: env.S3_FORCE_PATH_STYLE,
});
