/** Where an artifact came from: every object on every channel carries it. */
export interface Provenance {
  documentId: string;
  revision: number;
  fingerprint: string;
}

export interface PutOptions {
  contentType: string;
  /** e.g. 'public, max-age=60' for pages that change, 'public, max-age=31536000, immutable' for fingerprinted files. */
  cacheControl?: string;
  provenance?: Provenance;
  /** Extra ASCII metadata; provenance and sha256 are added by the store. */
  metadata?: Record<string, string>;
}

export interface ObjectInfo {
  key: string;
  size: number;
  contentType?: string;
  cacheControl?: string;
  /** SHA-256 (hex) of the body, as recorded by the store on put. */
  sha256?: string;
  provenance?: Provenance;
  metadata: Record<string, string>;
  lastModified?: Date;
}

export interface StoredObject extends ObjectInfo {
  body: Buffer;
}

export interface ListedObject {
  key: string;
  size: number;
  lastModified?: Date;
}

/** The artifact store every renderer writes to. */
export interface ObjectStore {
  readonly bucket: string;
  /** Creates the bucket if it does not exist. */
  ensureBucket(): Promise<void>;
  put(key: string, body: Buffer | string, options: PutOptions): Promise<void>;
  /** Writes only when the bytes or the provenance differ from what is stored: replays do no work. */
  putIfChanged(key: string, body: Buffer | string, options: PutOptions): Promise<{ written: boolean }>;
  get(key: string): Promise<StoredObject | null>;
  head(key: string): Promise<ObjectInfo | null>;
  list(prefix: string): AsyncIterable<ListedObject>;
  delete(key: string): Promise<void>;
  deleteMany(keys: readonly string[]): Promise<void>;
}
