import { Type } from '@fastify/type-provider-typebox';
import type { Sql } from '../../db/connection.ts';
import { staffRoles } from '../permissions/permissions.ts';
import { Person } from '../schemas.ts';

export const reactionKinds = ['like', 'agree', 'insightful', 'thanks'] as const;
export type ReactionKind = (typeof reactionKinds)[number];

/**
 * A post's author, with the staff roles they hold in its space (and `admin` for a site admin), so
 * a reader tells the chair's words from those of someone who took a name like theirs.
 */
const Author = Type.Object({ ...Person.properties, staffRoles: Type.Array(Type.String()) });

export const Post = Type.Object({
  id: Type.String(),
  seq: Type.String(),
  threadId: Type.String(),
  author: Author,
  /** Null when hidden, except for its author and moderators. */
  bodyHtml: Type.Union([Type.String(), Type.Null()]),
  /** Only for those who may edit or restore it. */
  bodyMarkdown: Type.Optional(Type.String()),
  createdAt: Type.String({ format: 'date-time' }),
  editedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  hidden: Type.Union([Type.Object({ reason: Type.String(), hiddenAt: Type.String({ format: 'date-time' }) }), Type.Null()]),
  reactions: Type.Record(Type.String(), Type.Integer()),
  myReactions: Type.Array(Type.String()),
});

interface PostQueryRow {
  id: string;
  seq: string;
  threadId: string;
  authorId: string;
  authorName: string;
  authorStaffRoles: string[];
  bodyMarkdown: string;
  bodyHtml: string;
  createdAt: Date;
  editedAt: Date | null;
  hiddenAt: Date | null;
  hiddenReason: string | null;
  reactions: Record<string, number>;
  myReactions: string[];
}

export interface Viewer {
  userId: string | null;
  isModerator: boolean;
}

/** Posts of a thread after `afterSeq`, in order, as this viewer may see them. */
export async function loadPosts(sql: Sql, where: { threadId: string; afterSeq: string; limit: number } | { postId: string }, viewer: Viewer) {
  const selection =
    'postId' in where
      ? sql`where p.id = ${where.postId}`
      : sql`where p.thread_id = ${where.threadId} and p.seq > ${where.afterSeq} order by p.seq limit ${where.limit}`;
  const rows = await sql<PostQueryRow[]>`
    select p.id, p.seq::text as seq, p.thread_id as "threadId", p.author_id as "authorId", u.display_name as "authorName",
           array(select r.role from space_roles r join threads t on t.id = p.thread_id
                 where r.user_id = p.author_id and r.space_id = t.space_id and r.role = any(${[...staffRoles]}::text[]) order by r.role)
             || case when u.is_admin then array['admin'] else array[]::text[] end as "authorStaffRoles",
           p.body_markdown as "bodyMarkdown", p.body_html as "bodyHtml", p.created_at as "createdAt", p.edited_at as "editedAt",
           p.hidden_at as "hiddenAt", p.hidden_reason as "hiddenReason",
           coalesce((select jsonb_object_agg(kind, n) from (
              select kind, count(*)::int as n from post_reactions r where r.post_id = p.id group by kind) counts), '{}'::jsonb) as reactions,
           coalesce((select array_agg(kind order by kind) from post_reactions r
              where r.post_id = p.id and r.user_id = ${viewer.userId}), '{}') as "myReactions"
    from posts p join users u on u.id = p.author_id
    ${selection}`;
  return rows.map((row) => postView(row, viewer));
}

function postView(row: PostQueryRow, viewer: Viewer) {
  const mayEdit = viewer.userId === row.authorId || viewer.isModerator;
  const visible = row.hiddenAt === null || mayEdit;
  return {
    id: row.id,
    seq: row.seq,
    threadId: row.threadId,
    author: { id: row.authorId, displayName: row.authorName, staffRoles: row.authorStaffRoles },
    bodyHtml: visible ? row.bodyHtml : null,
    ...(mayEdit ? { bodyMarkdown: row.bodyMarkdown } : {}),
    createdAt: row.createdAt.toISOString(),
    editedAt: row.editedAt?.toISOString() ?? null,
    hidden: row.hiddenAt ? { reason: row.hiddenReason ?? '', hiddenAt: row.hiddenAt.toISOString() } : null,
    reactions: row.reactions,
    myReactions: row.myReactions,
  };
}
