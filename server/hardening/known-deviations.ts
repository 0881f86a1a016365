import { canView, type Actor, type SpaceContext } from '../permissions/permissions.ts';

/**
 * Answers that break a convention, reported to the code's owners and not fixed yet. The walks expect
 * exactly these answers where they apply, so a fix shows up as a failure: then delete the entry.
 */
export const knownDeviations = {
  /**
   * server/collab/access.ts `authenticate`: a signed-in person who may not see a members-only space
   * is refused its documents with 403 (socket 4403) instead of 404 (4404), which tells them the
   * meeting or jury exists. Seen on `/collab/:docName` and `GET /api/documents/:docName/access`.
   */
  documentRefusedAsForbidden: (actor: Actor, space: SpaceContext): boolean => actor.userId !== null && !canView(actor, space),
};
