export type { ObjectStore, PutOptions, Provenance, ObjectInfo, StoredObject, ListedObject } from './object-store.js';
export { S3ObjectStore, type S3ObjectStoreOptions } from './s3-object-store.js';
export { objectKey } from './object-key.js';
