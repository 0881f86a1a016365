import { forbidden, notFound, unauthorized } from '../errors.ts';
import { can, canView, type Action, type Actor, type SpaceContext } from './permissions.ts';

/**
 * Refuses an action the way a client can act on: what the actor may not see is missing (404),
 * an anonymous visitor is asked to sign in (401), anyone else is refused (403).
 */
export function requirePermission(actor: Actor, action: Action, space: SpaceContext, what = 'Space', refusal?: string): void {
  if (can(actor, action, space)) return;
  if (!canView(actor, space)) throw notFound(what);
  if (actor.userId === null) throw unauthorized();
  throw forbidden(refusal);
}
