/**
 * The server's check of a display name: the shared rules of `display-name.ts`, and that the name
 * cannot be taken for a staff member's (anyone holding a staff role anywhere, or a site admin),
 * since residents read a chair's or moderator's words by the name beside them.
 */
import type { Queries } from '../../db/connection.ts';
import { HttpError } from '../errors.ts';
import { staffRoles } from '../permissions/permissions.ts';
import { DISPLAY_NAME_MAX_LENGTH, displayNameProblem, nameLookalikeKey, normalizeDisplayName, type DisplayNameProblem } from './display-name.ts';

const messages: Record<DisplayNameProblem, string> = {
  empty: 'Enter the name shown to others',
  too_long: `The name must be at most ${DISPLAY_NAME_MAX_LENGTH} characters long`,
  invisible: 'The name contains control or invisible characters (such as right-to-left or zero-width marks): type it again without them',
  no_letters: 'The name must contain at least one letter or digit',
  staff: 'This name is too close to the name of a moderator, secretary, chair or administrator: choose another',
};

/** The name as it is to be stored, or a 400 saying what is wrong with it (code `display_name_<problem>`). */
export async function acceptableDisplayName(sql: Queries, name: string, self: string | null = null): Promise<string> {
  const problem = displayNameProblem(name) ?? ((await isStaffLookalike(sql, name, self)) ? 'staff' : null);
  if (problem) throw new HttpError(400, messages[problem], `display_name_${problem}`);
  return normalizeDisplayName(name);
}

async function isStaffLookalike(sql: Queries, name: string, self: string | null): Promise<boolean> {
  const staff = await sql<{ displayName: string }[]>`
    select u.display_name as "displayName" from users u
    where (u.is_admin or exists (select 1 from space_roles r where r.user_id = u.id and r.role = any(${[...staffRoles]}::text[])))
      and u.id is distinct from ${self}::uuid`;
  const key = nameLookalikeKey(name);
  return staff.some((s) => nameLookalikeKey(s.displayName) === key);
}
