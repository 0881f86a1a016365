import type { SpacePermissions } from '../types.ts';

/** What an unknown or signed-out user may do: nothing beyond reading. */
export const noPermissions: SpacePermissions = {
  readThreads: false,
  createThread: false,
  join: false,
  leave: false,
  moderate: false,
  manageMembers: false,
  appointStaff: false,
  update: false,
  manageMeetings: false,
  signOff: false,
  freezeStatement: false,
};
