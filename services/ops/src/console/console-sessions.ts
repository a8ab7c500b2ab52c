import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Pool } from '@tongyuan/database';
import type { Principal } from '@tongyuan/http';

export interface ConsoleSession {
  principal: Principal;
  csrfToken: string;
}

export const SESSION_COOKIE = 'ops_session';
const SESSION_HOURS = 8;

// Only the hash of the cookie value is stored: a copy of the table opens no session.
const digest = (id: string) => createHash('sha256').update(id, 'utf8').digest('hex');

/** Opens a session for a signed-in operator; returns the cookie value. */
export const openSession = async (pool: Pool, principal: Principal): Promise<string> => {
  const id = randomBytes(32).toString('base64url');
  await pool.query('delete from console_sessions where expires_at < now()');
  await pool.query(
    `insert into console_sessions (id_sha256, user_id, user_name, roles, csrf_token, expires_at)
     values ($1, $2, $3, $4, $5, now() + make_interval(hours => $6))`,
    [digest(id), principal.id, principal.name, principal.roles, randomBytes(24).toString('base64url'), SESSION_HOURS],
  );
  return id;
};

export const findSession = async (pool: Pool, id: string): Promise<ConsoleSession | undefined> => {
  const { rows } = await pool.query<{ userId: string; userName: string; roles: string[]; csrfToken: string }>(
    `select user_id as "userId", user_name as "userName", roles, csrf_token as "csrfToken"
     from console_sessions where id_sha256 = $1 and expires_at > now()`,
    [digest(id)],
  );
  const row = rows[0];
  return row ? { principal: { id: row.userId, name: row.userName, roles: row.roles }, csrfToken: row.csrfToken } : undefined;
};

export const closeSession = async (pool: Pool, id: string): Promise<void> => {
  await pool.query('delete from console_sessions where id_sha256 = $1', [digest(id)]);
};

export const sameToken = (expected: string, given: string): boolean => {
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
};

export const sessionCookie = (id: string, secure: boolean): string =>
  `${SESSION_COOKIE}=${id}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${SESSION_HOURS * 3600}${secure ? '; Secure' : ''}`;

export const clearedCookie = (secure: boolean): string =>
  `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0${secure ? '; Secure' : ''}`;

export const cookieValue = (header: string | undefined, name: string): string | undefined => {
  for (const part of (header ?? '').split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) return rest.join('=');
  }
  return undefined;
};
