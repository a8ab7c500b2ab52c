import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { z } from 'zod';

/** Who is calling: every mutation is done by a named person with roles, and the audit log says who. */
export interface Principal {
  id: string;
  name: string;
  roles: string[];
}

/** One API user as configured: the token itself is never stored, only its SHA-256. */
export const ApiUser = z.object({
  id: z.string().min(1),
  name: z.string().min(1),
  roles: z.array(z.string().min(1)).min(1),
  tokenSha256: z.string().regex(/^[0-9a-f]{64}$/, 'expected the hex SHA-256 of the token'),
});
export type ApiUser = z.infer<typeof ApiUser>;

export const ApiUsers = z.array(ApiUser);
export type ApiUsers = z.infer<typeof ApiUsers>;

export const tokenSha256 = (token: string): string => createHash('sha256').update(token, 'utf8').digest('hex');

export const loadApiUsers = (file: string): ApiUser[] => ApiUsers.parse(JSON.parse(readFileSync(file, 'utf8')));

/** Resolves `Authorization: Bearer <token>` to a principal, comparing hashes in constant time. */
export const bearerAuthenticator = (users: readonly ApiUser[]) => {
  const known = users.map((user) => ({ user, digest: Buffer.from(user.tokenSha256, 'hex') }));
  return (authorization: string | undefined): Principal | undefined => {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
    if (!match?.[1]) return undefined;
    const digest = Buffer.from(tokenSha256(match[1]), 'hex');
    const found = known.find((candidate) => timingSafeEqual(candidate.digest, digest));
    return found ? { id: found.user.id, name: found.user.name, roles: found.user.roles } : undefined;
  };
};

export type Authenticator = ReturnType<typeof bearerAuthenticator>;

/** New random tokens for the given people: the users file keeps only hashes, the tokens go to their holders once. */
export const issueTokens = (
  people: ReadonlyArray<Omit<ApiUser, 'tokenSha256'>>,
): { users: ApiUser[]; tokens: Record<string, string> } => {
  const tokens: Record<string, string> = {};
  const users = people.map((person) => {
    const token = `ty_${randomBytes(24).toString('base64url')}`;
    tokens[person.id] = token;
    return { ...person, tokenSha256: tokenSha256(token) };
  });
  return { users, tokens };
};
