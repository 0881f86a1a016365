// What bench/fanout.ts and its children (fanout-aukio, fanout-bare, fanout-load) say to each
// other over their IPC channels, and the load both targets get.

/** Which server a run measures. */
export type Target = 'aukio' | 'bare';

/** A server child, once it listens. */
export interface ServerReady {
  type: 'ready';
  port: number;
  /** The socket path the audience and posters open: `/rooms/<id>` for Aukio, `/` for bare ws. */
  path: string;
}

/** A server child's answer to `{ type: 'stats' }`. */
export interface ServerStats {
  type: 'stats';
  rss: number;
  /** process.cpuUsage(), µs. */
  cpuUser: number;
  cpuSystem: number;
}

export type ParentToServer = { type: 'stats' } | { type: 'stop' };

/** What the load generator is told to do (as JSON in FANOUT_LOAD). */
export interface LoadConfig {
  target: Target;
  /** http://127.0.0.1:port */
  baseUrl: string;
  path: string;
  sockets: number;
  posters: number;
  eventsPerSecond: number;
  seconds: number;
  /** Every how many-th event is a question (from the moderator on Aukio), 0 for chat only. */
  questionEvery: number;
  /** Sockets opening at once. */
  connectBatch: number;
  /** Where Aukio writes its mails (the posters' address checks). */
  mailDir?: string | undefined;
}

export interface LoadResult {
  target: Target;
  sockets: number;
  /** Events posted (and, on Aukio, acknowledged) during the send window. */
  eventsSent: number;
  /** Posts the server refused (error frames): each is counted out of eventsSent. */
  postErrors: Record<string, number>;
  /** Deliveries to audience sockets of the events sent. */
  delivered: number;
  expected: number;
  /** First send to last delivery, seconds. */
  seconds: number;
  deliveredPerSecond: number;
  /** Over every expected delivery; one still missing at the end counts as sent-to-end (so, with losses, lower bounds). */
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  /** The slowest delivery that arrived. */
  maxMs: number;
  /** Seconds it took to open (and, on Aukio, be welcomed on) every audience socket. */
  connectSeconds: number;
  /** Audience sockets that closed before the end. */
  closedEarly: number;
  /** The load generator's own CPU over the send window and drain, as a share of one core. */
  loadCpu: number;
  /** How late, at worst, the send loop was (a saturated load generator shows here). */
  maxSendLagMs: number;
}

export type LoadToParent =
  | { type: 'progress'; message: string }
  | { type: 'connected'; sockets: number; seconds: number }
  | { type: 'result'; result: LoadResult }
  | { type: 'failed'; message: string };

export type ParentToLoad = { type: 'go' } | { type: 'finish' };

/**
 * Every posted text starts with this and the event's number: an audience socket finds it in the
 * raw frame without parsing JSON, so the load generator measures the server, not JSON.parse.
 */
export const MARK = 'fo|';
