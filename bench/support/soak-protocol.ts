// What bench/soak.ts and its children (soak-server, soak-load) say to each other.

export interface SoakRoom {
  meetingId: string;
  /** Session tokens of the room's participants; the first `editors` of them are members who may write the notes. */
  participants: string[];
}

export interface SoakServerReady {
  type: 'ready';
  port: number;
  rooms: SoakRoom[];
  /** The chair's session token (chairs every room). */
  chair: string;
}

export type ParentToSoakServer = { type: 'stop' };

export interface SoakLoadConfig {
  baseUrl: string;
  rooms: SoakRoom[];
  chair: string;
  seconds: number;
  /** Participants of each room who also edit its notes document. */
  editorsPerRoom: number;
}

export interface SoakLoadCounts {
  sockets: number;
  chatSent: number;
  questionsAsked: number;
  votes: number;
  queueMoves: number;
  pollsOpened: number;
  documentEdits: number;
  eventsReceived: number;
  /** What went wrong, by kind (error frame codes, unexpected closes, failed connections). */
  errors: Record<string, number>;
}

export type SoakLoadToParent =
  | { type: 'connected'; sockets: number; editors: number; seconds: number }
  | { type: 'progress'; message: string }
  | { type: 'result'; counts: SoakLoadCounts }
  | { type: 'failed'; message: string };

export type ParentToSoakLoad = { type: 'go' } | { type: 'finish' };
