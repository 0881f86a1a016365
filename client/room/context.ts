import { createContext } from 'svelte';
import type { MediaSession } from '../media/media-session.svelte.ts';
import type { Announcer } from './announcer.svelte.ts';
import type { RoomConnection } from './connection.svelte.ts';

/** What every part of the room page reaches for: the connection (with its store), the announcer and the video. */
export interface RoomContext {
  meetingId: string;
  connection: RoomConnection;
  announcer: Announcer;
  media: MediaSession;
}

export const [getRoom, setRoom] = createContext<RoomContext>();
