import { createHash } from 'node:crypto';
import type { Pool, PoolClient } from '@tongyuan/database';
import { HttpError, type Principal } from '@tongyuan/http';

export interface StoredAnswer {
  status: number;
  body: unknown;
}

export const requestFingerprint = (value: unknown): string =>
  createHash('sha256')
    .update(JSON.stringify(value ?? null))
    .digest('hex');

const keyPattern = /^[\w.:-]{8,128}$/;

/** Reads the Idempotency-Key header: required on every release, so a retried request never releases twice. */
export const idempotencyKeyFrom = (headers: Record<string, string | string[] | undefined>): string => {
  const key = headers['idempotency-key'];
  if (typeof key !== 'string' || !keyPattern.test(key)) {
    throw new HttpError(400, 'invalid_input', 'an Idempotency-Key header (8–128 of A-Z a-z 0-9 _ . : -) is required', [
      { field: 'header Idempotency-Key', reason: key === undefined ? 'missing' : 'malformed' },
    ]);
  }
  return key;
};

/** The first answer given for this key, if any; a different request under a used key is refused. */
export const previousAnswer = async (
  pool: Pool | PoolClient,
  principal: Principal,
  key: string,
  requestSha256: string,
): Promise<StoredAnswer | undefined> => {
  const { rows } = await pool.query<{ request_sha256: string; status: number; response: unknown }>(
    'select request_sha256, status, response from idempotency_keys where principal_id = $1 and key = $2',
    [principal.id, key],
  );
  const row = rows[0];
  if (!row) return undefined;
  if (row.request_sha256 !== requestSha256) {
    throw new HttpError(422, 'idempotency_key_reused', 'this Idempotency-Key was used for a different request');
  }
  return { status: row.status, body: row.response };
};

/** Stores the answer in the release's own transaction: the key and the release commit together or not at all. */
export const rememberAnswer = async (
  client: PoolClient,
  principal: Principal,
  key: string,
  requestSha256: string,
  answer: StoredAnswer,
): Promise<void> => {
  await client.query(
    'insert into idempotency_keys (principal_id, key, request_sha256, status, response) values ($1, $2, $3, $4, $5)',
    [principal.id, key, requestSha256, answer.status, JSON.stringify(answer.body)],
  );
};
