/**
 * Records for the permission walk to act on, written straight to the database (a post by someone who
 * may no longer post, a meeting already ended) or through the API as the chair where the state
 * comes from a workflow (minutes in review). Each call makes a fresh one, so the order of the walk
 * never matters.
 */
import type { FastifyInstance } from 'fastify';
import { randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Sql } from '../../db/connection.ts';
import type { SpaceRole } from '../permissions/permissions.ts';
import { extraSession } from './town.ts';

export type MeetingState = 'scheduled' | 'live' | 'ended';

export class WalkFixtures {
  constructor(
    private readonly app: FastifyInstance,
    private readonly sql: Sql,
    /** The chair's cookie: the chair holds the chair role in every space of the walk. */
    private readonly chairCookie: string,
  ) {}

  async thread(spaceId: string, authorId: string): Promise<{ threadId: string; postId: string }> {
    const [thread] = await this.sql<{ id: string }[]>`
      insert into threads (space_id, author_id, title, post_count) values (${spaceId}, ${authorId}, 'Kävelykadun penkit', 1) returning id`;
    return { threadId: thread!.id, postId: await this.post(thread!.id, authorId) };
  }

  async post(threadId: string, authorId: string): Promise<string> {
    const [post] = await this.sql<{ id: string }[]>`
      insert into posts (thread_id, author_id, body_markdown, body_html) values (${threadId}, ${authorId}, 'Lisää penkkejä', '<p>Lisää penkkejä</p>')
      returning id`;
    return post!.id;
  }

  async report(postId: string, reporterId: string): Promise<void> {
    await this.sql`insert into post_reports (post_id, reporter_id, reason) values (${postId}, ${reporterId}, 'Asiaton')`;
  }

  async meeting(spaceId: string, state: MeetingState): Promise<string> {
    const startsAt = new Date(Date.now() + (state === 'scheduled' ? 86_400_000 : -3_600_000));
    const [meeting] = await this.sql<{ id: string }[]>`
      insert into meetings (space_id, title, description, starts_at, ends_at, mode, state, place)
      values (${spaceId}, ${this.sql.json({ fi: 'Kokous', sv: 'Möte', en: 'Meeting' })}, ${this.sql.json({ fi: '', sv: '', en: '' })},
              ${startsAt}, ${new Date(startsAt.getTime() + 7_200_000)}, 'meeting', ${state}, 'online')
      returning id`;
    return meeting!.id;
  }

  /** An ended meeting whose minutes the chair has taken as far as `state`. */
  async minutes(spaceId: string, state: 'in_review' | 'approved' | 'published'): Promise<string> {
    const meetingId = await this.meeting(spaceId, 'ended');
    const moves = { in_review: ['submit'], approved: ['submit', 'approve'], published: ['submit', 'approve', 'publish'] }[state];
    for (const move of moves) {
      const response = await this.app.inject({ method: 'POST', url: `/api/meetings/${meetingId}/minutes/${move}`, headers: { cookie: this.chairCookie } });
      if (response.statusCode !== 200) throw new Error(`minutes ${move} as the chair: ${response.statusCode} ${response.body}`);
    }
    return meetingId;
  }

  async mute(spaceId: string, userId: string): Promise<void> {
    await this.sql`insert into space_mutes (space_id, user_id, muted_until, reason) values (${spaceId}, ${userId}, now() + interval '1 hour', 'Kiroilua')
                   on conflict (space_id, user_id) do update set muted_until = excluded.muted_until`;
  }

  async unmute(spaceId: string, userId: string): Promise<void> {
    await this.sql`delete from space_mutes where space_id = ${spaceId} and user_id = ${userId}`;
  }

  async rolesOf(spaceId: string, userId: string): Promise<SpaceRole[]> {
    const rows = await this.sql<{ role: SpaceRole }[]>`select role from space_roles where space_id = ${spaceId} and user_id = ${userId}`;
    return rows.map((r) => r.role);
  }

  async setRoles(spaceId: string, userId: string, roles: readonly SpaceRole[]): Promise<void> {
    await this.sql.begin(async (tx) => {
      await tx`delete from space_roles where space_id = ${spaceId} and user_id = ${userId}`;
      for (const role of roles) await tx`insert into space_roles (space_id, user_id, role) values (${spaceId}, ${userId}, ${role})`;
    });
  }

  /** A person of the walk's own, with no role anywhere, signed in with one session (never with a password). */
  async person(displayName: string): Promise<{ id: string; email: string; cookie: string }> {
    const email = `${randomUUID()}@walk.example`;
    const [user] = await this.sql<{ id: string }[]>`
      insert into users (email, email_key, display_name, password_hash) values (${email}, ${email}, ${displayName}, 'no password') returning id`;
    return { id: user!.id, email, cookie: (await extraSession(this.sql, user!.id)).cookie };
  }

  async registration(meetingId: string, userId: string): Promise<void> {
    await this.sql`insert into meeting_registrations (meeting_id, user_id, attendance, status) values (${meetingId}, ${userId}, 'remote', 'registered')
                   on conflict do nothing`;
  }

  async signOff(spaceId: string, recommendationId: string, userId: string): Promise<void> {
    await this.sql`insert into recommendation_sign_offs (space_id, recommendation_id, user_id, stance) values (${spaceId}, ${recommendationId}, ${userId}, 'agree')
                   on conflict do nothing`;
  }

  /** A finished recording of the meeting with its captions, their (tiny, not really video) files in `directory`. */
  async recording(meetingId: string, directory: string): Promise<string> {
    const fileName = `walk-${meetingId}.webm`;
    const captionsFileName = `walk-${meetingId}.vtt`;
    await writeFile(join(directory, fileName), Buffer.from([0x1a, 0x45, 0xdf, 0xa3]));
    await writeFile(join(directory, captionsFileName), 'WEBVTT\n\n00:00.000 --> 00:01.000\nAvaus\n');
    const [row] = await this.sql<{ id: string }[]>`
      insert into meeting_recordings (meeting_id, file_name, captions_file_name, status, duration_seconds, started_at, stopped_at)
      values (${meetingId}, ${fileName}, ${captionsFileName}, 'complete', 1, now() - interval '1 hour', now()) returning id`;
    return row!.id;
  }

  async description(spaceId: string): Promise<{ fi: string; sv: string; en: string }> {
    const [row] = await this.sql<{ description: { fi: string; sv: string; en: string } }[]>`select description from spaces where id = ${spaceId}`;
    return row!.description;
  }
}
