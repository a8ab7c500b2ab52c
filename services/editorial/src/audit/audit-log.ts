import type { PoolClient } from '@tongyuan/database';
import type { Principal } from '@tongyuan/http';

/** Who did what, when, to which document: written in the same transaction as the act itself. */
export const recordAudit = async (
  client: PoolClient,
  actor: Principal,
  action: string,
  target: { documentId?: string; revision?: number },
  detail: Record<string, unknown> = {},
): Promise<void> => {
  await client.query(
    'insert into audit_log (actor_id, actor_name, action, document_id, revision, detail) values ($1, $2, $3, $4, $5, $6)',
    [actor.id, actor.name, action, target.documentId ?? null, target.revision ?? null, JSON.stringify(detail)],
  );
};
