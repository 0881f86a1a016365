import type { Queries } from '../../db/connection.ts';

export interface AuditEntry {
  spaceId: string | null;
  actorId: string;
  action: string;
  targetType: string;
  targetId: string;
  reason?: string | null;
  details?: Record<string, unknown>;
}

/** Appends one row; callers pass their transaction so the action and its record land together. */
export async function recordAudit(sql: Queries, entry: AuditEntry): Promise<void> {
  await sql`insert into audit_log (space_id, actor_id, action, target_type, target_id, reason, details)
            values (${entry.spaceId}, ${entry.actorId}, ${entry.action}, ${entry.targetType}, ${entry.targetId},
                    ${entry.reason ?? null}, ${sql.json((entry.details ?? {}) as never)})`;
}
