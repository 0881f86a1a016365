/** Shapes of the server's JSON responses (see the API contract). */
import type { LocalizedText } from './i18n/i18n.svelte.ts';

export type User = { id: string; email: string; displayName: string; isAdmin: boolean };

export type AuthSession = {
  id: string;
  createdAt: string;
  expiresAt: string;
  userAgent: string | null;
  current: boolean;
};

export type SpaceKind = 'forum' | 'jury' | 'townhall';
export const SPACE_KINDS: readonly SpaceKind[] = ['forum', 'jury', 'townhall'];

export type Space = {
  id: string;
  slug: string;
  kind: SpaceKind;
  name: LocalizedText;
  description: LocalizedText;
  visibility: 'public' | 'members';
};

export type MeetingSummary = {
  id: string;
  spaceSlug: string;
  spaceName: LocalizedText;
  title: LocalizedText;
  startsAt: string;
  endsAt: string;
  mode: 'meeting' | 'broadcast';
  state: 'scheduled' | 'live' | 'ended' | 'cancelled';
};
