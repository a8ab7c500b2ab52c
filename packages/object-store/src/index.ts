export { objectKey } from './object-key.js';
export type { ListedObject, ObjectInfo, ObjectStore, Provenance, PutOptions, StoredObject } from './object-store.js';
export { S3ObjectStore, type S3ObjectStoreOptions, s3StoreOptionsFrom } from './s3-object-store.js';
