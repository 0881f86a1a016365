import { createContext } from 'svelte';
import type { Announcer } from './announcer.svelte.ts';
import type { RoomConnection } from './connection.svelte.ts';

/** What every part of the room page reaches for: the connection (with its store) and the announcer. */
export interface RoomContext {
  meetingId: string;
  connection: RoomConnection;
  announcer: Announcer;
}

export const [getRoom, setRoom] = createContext<RoomContext>();
