/**
 * The room's visibility invariant, property-based: fast-check plays sessions in a fresh meeting of
 * a public forum, in which a guest, a resident, a juror (here a resident too), a moderator and the
 * chair act (chat, the word filter and holds, questions with pre-moderation, anonymity, votes,
 * merges and hides, polls with hidden results and hall votes, the queue and the floor, mutes and
 * removals), while viewers of each of them connect, leave, drop and resume with `?since=` at any
 * point. At checkpoints, and at the end once everyone is back, every connected viewer must
 *   - have been sent nothing beyond what the server's fresh snapshot for them showed at the point
 *     of the log the frame speaks for (a replayed frame: where they resumed), and
 *   - hold, folded by the client's own code, the room a fresh load shows them.
 * (server/hardening/room-visibility.ts says what "beyond" and "the same room" compare.)
 *
 * Reading a failure: fast-check prints the shrunk session (the steps) with `seed` and `path`, and
 * the error lists each frame or part of the room that shows more or differs. Rerun with
 * FUZZ_SEED=<seed>; FUZZ_RUNS=<n> plays more sessions.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RoomEvent } from '../protocol/room-messages.ts';
import { RoomTestClient } from '../rooms/test-client.ts';
import { startTestApp, type TestApp } from '../test-app.ts';
import { RoomSeat } from './room-sockets.ts';
import { MeetingLog, replayed, resumeViewer, ViewerFold, visibilityProblems } from './room-visibility.ts';
import { openTown, type Town } from './town.ts';

const seed = Number(process.env.FUZZ_SEED ?? 20_260_703);
const numRuns = Number(process.env.FUZZ_RUNS ?? 50);
const SPACE = 'kulttuurifoorumi';
// The demo's standing of each in the forum: the resident and the juror are plain participants there.
const people = ['guest', 'resident', 'juror', 'moderator', 'chair'] as const;
type Person = (typeof people)[number];
const actors = ['resident', 'juror', 'moderator', 'chair'] as const;
type Actor = (typeof actors)[number];
// Viewers of one person open at once; with their acting seat they stay under the cap on sockets per person.
const VIEWERS_PER_PERSON = 2;

let t: TestApp;
let town: Town;
let baseUrl: string;
let spaceId: string;

beforeAll(async () => {
  t = await startTestApp({ demo: true });
  baseUrl = await t.app.listen({ port: 0, host: '127.0.0.1' });
  town = await openTown(t.app);
  spaceId = town.spaces.find((s) => s.slug === SPACE)!.id;
}, 120_000);

afterAll(async () => {
  await t?.close();
});

// ---- What fast-check generates: steps naming things by position, resolved against what exists when they run

type Command =
  | { type: 'chat.send'; filtered: boolean }
  | { type: 'chat.hide'; pick: number; held: boolean }
  | { type: 'chat.release'; pick: number }
  | { type: 'question.ask'; anonymous: boolean }
  | { type: 'question.vote'; pick: number; up: boolean }
  | { type: 'question.approve' | 'question.hide' | 'question.answer'; pick: number }
  | { type: 'question.merge'; pick: number; into: number }
  | { type: 'poll.open'; resultsWhile: 'open' | 'closed' }
  | { type: 'poll.vote'; pick: number; option: number }
  | { type: 'poll.close'; pick: number }
  | { type: 'poll.hallCount'; pick: number; count: number }
  | { type: 'room.settings'; filter: boolean; premoderation: boolean }
  | { type: 'participant.mute' | 'participant.unmute' | 'participant.remove' | 'queue.remove'; target: 'resident' | 'juror' }
  | { type: 'queue.raise' | 'queue.lower' | 'floor.next' | 'floor.take' };

type Step =
  | { kind: 'open'; who: Person }
  | { kind: 'close' | 'away' | 'back'; viewer: number }
  | { kind: 'act'; who: Actor; command: Command }
  | { kind: 'check' };

const pick = fc.nat({ max: 20 });

/** What anyone taking part does. */
const participation: fc.Arbitrary<Command> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ type: fc.constant('chat.send' as const), filtered: fc.boolean() }) },
  { weight: 5, arbitrary: fc.record({ type: fc.constant('question.ask' as const), anonymous: fc.boolean() }) },
  { weight: 3, arbitrary: fc.record({ type: fc.constant('question.vote' as const), pick, up: fc.boolean() }) },
  { weight: 3, arbitrary: fc.record({ type: fc.constant('poll.vote' as const), pick, option: fc.nat({ max: 1 }) }) },
  { weight: 2, arbitrary: fc.record({ type: fc.constant('queue.raise' as const) }) },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('queue.lower' as const) }) },
);

/** What the moderator and the chair do (the others are refused it). */
const moderation: fc.Arbitrary<Command> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ type: fc.constant('chat.hide' as const), pick, held: fc.boolean() }) },
  { weight: 3, arbitrary: fc.record({ type: fc.constant('chat.release' as const), pick }) },
  { weight: 6, arbitrary: fc.record({ type: fc.constantFrom('question.approve' as const, 'question.hide' as const, 'question.answer' as const), pick }) },
  { weight: 2, arbitrary: fc.record({ type: fc.constant('question.merge' as const), pick, into: pick }) },
  { weight: 3, arbitrary: fc.record({ type: fc.constant('room.settings' as const), filter: fc.boolean(), premoderation: fc.boolean() }) },
  {
    weight: 3,
    arbitrary: fc.record({
      type: fc.constantFrom('participant.mute' as const, 'participant.unmute' as const, 'participant.remove' as const),
      target: fc.constantFrom('resident' as const, 'juror' as const),
    }),
  },
);

/** What only the chair does: polls, hall votes, the queue and the floor. */
const chairing: fc.Arbitrary<Command> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ type: fc.constant('poll.open' as const), resultsWhile: fc.constantFrom('open' as const, 'closed' as const) }) },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('poll.close' as const), pick }) },
  { weight: 3, arbitrary: fc.record({ type: fc.constant('poll.hallCount' as const), pick, count: fc.nat({ max: 50 }) }) },
  { weight: 2, arbitrary: fc.record({ type: fc.constant('queue.remove' as const), target: fc.constantFrom('resident' as const, 'juror' as const) }) },
  { weight: 1, arbitrary: fc.record({ type: fc.constantFrom('floor.next' as const, 'floor.take' as const) }) },
);

const viewerIndex = fc.nat({ max: 9 });
const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('open' as const), who: fc.constantFrom(...people) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('close' as const), viewer: viewerIndex }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('away' as const), viewer: viewerIndex }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('back' as const), viewer: viewerIndex }) },
  { weight: 8, arbitrary: fc.record({ kind: fc.constant('act' as const), who: fc.constantFrom(...actors), command: participation }) },
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('act' as const), who: fc.constantFrom('moderator' as const, 'chair' as const), command: moderation }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('act' as const), who: fc.constant('chair' as const), command: chairing }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('act' as const), who: fc.constantFrom('resident' as const, 'juror' as const), command: fc.oneof(moderation, chairing) }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'check' as const }) },
);

const session = fc.record({
  mode: fc.constantFrom('meeting' as const, 'broadcast' as const),
  // The moderator turns the word filter on before anyone arrives (it can be changed later).
  filter: fc.boolean(),
  // A few viewers from the start, so there is someone to see each step.
  viewers: fc.uniqueArray(fc.constantFrom(...people), { minLength: 1, maxLength: 5 }),
  steps: fc.array(step, { minLength: 10, maxLength: 40, size: 'max' }),
  // At the end, people who held the room as it stood at some earlier point resume from there.
  resumes: fc.array(fc.record({ who: fc.constantFrom(...people), at: fc.nat() }), { maxLength: 5 }),
});

// ---- Playing a session

interface Viewer {
  who: Person;
  fold: ViewerFold;
  client: RoomTestClient | null;
  state: 'open' | 'away' | 'gone';
}

/** How often each command was carried out or refused, and how: the sessions must reach past the refusals. */
const outcomes = new Map<string, number>();

const cookieOf = (who: Person) => (who === 'guest' ? undefined : town.cookies[who]);

class Session {
  readonly viewers: Viewer[] = [];
  private readonly seats = new Map<Actor, RoomSeat>();
  private readonly removed = new Set<Person>();
  // What exists, so that steps name real things, and mostly things they can act on (a held line to release…).
  private readonly messages: string[] = [];
  private readonly held = new Set<string>();
  private readonly questions: string[] = [];
  private readonly pending = new Set<string>();
  private readonly shown = new Set<string>();
  private readonly polls: { pollId: string; options: string[] }[] = [];
  private barriers = 0;

  constructor(readonly meetingId: string) {}

  static async start(mode: 'meeting' | 'broadcast'): Promise<Session> {
    const [row] = await town.sql<{ id: string }[]>`
      insert into meetings (space_id, title, description, starts_at, ends_at, mode, place)
      values (${spaceId}, ${town.sql.json({ fi: 'Kokous' })}, ${town.sql.json({ fi: '' })}, now(), now() + interval '2 hours', ${mode}, 'online')
      returning id`;
    return new Session(row!.id);
  }

  private seat(who: Actor): RoomSeat {
    let seat = this.seats.get(who);
    if (!seat) this.seats.set(who, (seat = new RoomSeat(baseUrl, this.meetingId, cookieOf(who))));
    return seat;
  }

  /** Connects a socket for `who`; null when the room turns them away (removed). `since` resumes. */
  private async connect(who: Person, since?: number): Promise<{ client: RoomTestClient; resumedAt: number } | null> {
    const cookie = cookieOf(who);
    const client = await RoomTestClient.connect(baseUrl, this.meetingId, { ...(cookie ? { cookie } : {}), ...(since !== undefined ? { since } : {}) });
    const outcome = await Promise.race([client.welcome(), client.closed()]);
    if (typeof outcome === 'number') {
      if (outcome !== 4409) throw new Error(`${who} was turned away with ${outcome}`);
      return null;
    }
    await replayed(client);
    return { client, resumedAt: since === undefined ? 0 : (await MeetingLog.read(town.sql, this.meetingId)).lastSeq };
  }

  /** Whether `who` may open another viewer: not removed, and under their share of sockets. */
  private mayOpen(who: Person): boolean {
    return !this.removed.has(who) && this.viewers.filter((v) => v.who === who && v.state !== 'gone').length < VIEWERS_PER_PERSON;
  }

  async open(who: Person): Promise<void> {
    if (!this.mayOpen(who)) return;
    const socket = await this.connect(who);
    if (!socket) return;
    const fold = new ViewerFold();
    fold.follow(socket.client, socket.resumedAt);
    this.viewers.push({ who, fold, client: socket.client, state: 'open' });
  }

  private viewer(index: number, state: Viewer['state']): Viewer | undefined {
    const candidates = this.viewers.filter((v) => v.state === state);
    return candidates[index % Math.max(1, candidates.length)];
  }

  async leave(index: number, comingBack: boolean): Promise<void> {
    const viewer = this.viewer(index, 'open');
    if (!viewer) return;
    await viewer.client!.close();
    viewer.fold.catchUp();
    viewer.client = null;
    viewer.state = comingBack ? 'away' : 'gone';
  }

  async back(viewer: Viewer | undefined): Promise<void> {
    if (!viewer) return;
    const socket = this.removed.has(viewer.who) ? null : await this.connect(viewer.who, viewer.fold.lastSeq);
    if (!socket) {
      viewer.state = 'gone';
      return;
    }
    viewer.fold.follow(socket.client, socket.resumedAt);
    viewer.client = socket.client;
    viewer.state = 'open';
  }

  backAt(index: number): Promise<void> {
    return this.back(this.viewer(index, 'away'));
  }

  private async eventAt(seq: number): Promise<RoomEvent> {
    const [row] = await town.sql<{ event: RoomEvent }[]>`select event from room_events where meeting_id = ${this.meetingId} and seq = ${seq}`;
    return row!.event;
  }

  async act(who: Actor, command: Command): Promise<void> {
    if (this.removed.has(who)) return;
    const frame = this.frameFor(command);
    if (!frame) return;
    const { answer } = await this.seat(who).ask(frame);
    const outcome = `${command.type} ${answer.type === 'error' ? answer.code : answer.type === 'ack' && answer.seq === null ? 'no change' : 'done'}`;
    outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
    if (answer.type !== 'ack' || answer.seq === null) return;
    const event = await this.eventAt(answer.seq);
    this.track(event);
    if (event.type === 'poll.opened') this.polls.push({ pollId: event.pollId, options: event.options.map((o) => o.id) });
    if (event.type === 'participant.removed') this.removed.add(command.type === 'participant.remove' ? command.target : who);
  }

  private track(event: RoomEvent): void {
    switch (event.type) {
      case 'chat.posted':
        this.messages.push(event.messageId);
        if (event.held) this.held.add(event.messageId);
        break;
      case 'chat.released':
      case 'chat.hidden':
        this.held.delete(event.messageId);
        break;
      case 'question.asked':
        this.questions.push(event.questionId);
        (event.pending ? this.pending : this.shown).add(event.questionId);
        break;
      case 'question.approved':
        this.pending.delete(event.questionId);
        this.shown.add(event.questionId);
        break;
      case 'question.hidden':
      case 'question.merged':
        this.pending.delete(event.questionId);
        this.shown.delete(event.questionId);
        break;
    }
  }

  private frameFor(c: Command): object | null {
    // Counted from the newest: fast-check favours small numbers, so steps mostly act on what just happened.
    const of = <T>(list: T[], n: number) => (list.length > 0 ? list[list.length - 1 - (n % list.length)]! : undefined);
    switch (c.type) {
      case 'chat.send':
        return { type: 'chat.send', text: c.filtered ? 'tämä on kielletty sana' : 'Hyvä ehdotus' };
      case 'chat.hide':
      case 'chat.release': {
        // A held line is hidden as often as a shown one, when there is one.
        const fromHeld = this.held.size > 0 && (c.type === 'chat.release' || c.held);
        const messageId = of(fromHeld ? [...this.held] : this.messages, c.pick);
        return messageId ? { type: c.type, messageId, ...(c.type === 'chat.hide' ? { reason: 'Asiaton' } : {}) } : null;
      }
      case 'question.ask':
        return { type: 'question.ask', text: c.anonymous ? 'Kuka päättää tästä?' : 'Milloin tämä valmistuu?', anonymous: c.anonymous };
      case 'question.vote':
      case 'question.approve':
      case 'question.hide':
      case 'question.answer': {
        const questionId = of(c.type === 'question.approve' ? [...this.pending] : c.type === 'question.hide' ? this.questions : [...this.shown], c.pick);
        if (!questionId) return null;
        if (c.type === 'question.vote') return { type: c.type, questionId, up: c.up };
        if (c.type === 'question.hide') return { type: c.type, questionId, reason: 'Ei liity aiheeseen' };
        return c.type === 'question.answer' ? { type: c.type, questionId, how: 'live' } : { type: c.type, questionId };
      }
      case 'question.merge': {
        // Any question into one everyone sees, as a moderator would choose.
        const questionId = of(this.questions, c.pick);
        const intoId = of([...this.shown].filter((id) => id !== questionId), c.into);
        return questionId && intoId ? { type: c.type, questionId, intoId } : null;
      }
      case 'poll.open':
        return { type: 'poll.open', question: 'Jatketaanko?', options: ['Kyllä', 'Ei'], multiple: false, resultsWhile: c.resultsWhile };
      case 'poll.vote':
      case 'poll.close':
      case 'poll.hallCount': {
        const poll = of(this.polls, c.pick);
        if (!poll) return null;
        if (c.type === 'poll.vote') return { type: c.type, pollId: poll.pollId, optionIds: [poll.options[c.option % poll.options.length]!] };
        if (c.type === 'poll.hallCount') return { type: c.type, pollId: poll.pollId, counts: { [poll.options[0]!]: c.count } };
        return { type: c.type, pollId: poll.pollId };
      }
      case 'room.settings':
        return { type: c.type, wordFilter: c.filter ? ['kielletty'] : [], premoderation: c.premoderation };
      case 'participant.mute':
        return { type: c.type, userId: town.userIds[c.target], minutes: 10, reason: 'Huutelu' };
      case 'participant.unmute':
        return { type: c.type, userId: town.userIds[c.target] };
      case 'participant.remove':
      case 'queue.remove':
        return { type: c.type, userId: town.userIds[c.target], reason: 'Häirintä' };
      case 'queue.raise':
        return { type: c.type, pointOfOrder: false };
      case 'floor.next':
        return { type: c.type, preferNotYetSpoken: true };
      default:
        return { type: c.type };
    }
  }

  /** Every event so far has reached every open viewer: the chair's caption line (everyone's) marks the point. */
  private async settle(): Promise<void> {
    this.barriers += 1;
    const { answer } = await this.seat('chair').ask({ type: 'caption.send', text: `Merkki ${this.barriers}`, final: true });
    if (answer.type !== 'ack' || answer.seq === null) throw new Error(`the marker was refused: ${JSON.stringify(answer)}`);
    const seq = answer.seq;
    for (const viewer of this.viewers) {
      if (viewer.state !== 'open') continue;
      const client = viewer.client!;
      // The room closed it meanwhile (its person was removed): it has nothing more to see.
      const arrived = await Promise.race([client.waitFor((m) => m.type === 'event' && m.seq >= seq).then(() => true), client.closed().then(() => false)]);
      if (!arrived) viewer.state = 'gone';
    }
  }

  /** Each open viewer's frames and fold, against the fresh snapshots for them. */
  async check(): Promise<void> {
    await this.settle();
    const found: string[] = [];
    for (const [index, viewer] of this.viewers.entries()) {
      if (viewer.state !== 'open') continue;
      for (const line of await visibilityProblems(town.sql, this.meetingId, viewer.fold)) found.push(`viewer ${index} (${viewer.who}): ${line}`);
    }
    if (found.length > 0) throw new Error(`the visibility invariant failed:\n${found.join('\n')}`);
  }

  /** A viewer who loaded the room after event `at` (of those so far, by position) and resumes from there now. */
  async resumeFrom(who: Person, at: number): Promise<void> {
    if (!this.mayOpen(who)) return;
    const since = at % ((await MeetingLog.read(town.sql, this.meetingId)).lastSeq + 1);
    const resumed = await resumeViewer(baseUrl, town.sql, this.meetingId, cookieOf(who), since);
    if (resumed) this.viewers.push({ who, fold: resumed.fold, client: resumed.client, state: 'open' });
  }

  async finish(resumes: readonly { who: Person; at: number }[]): Promise<void> {
    for (const viewer of this.viewers) if (viewer.state === 'away') await this.back(viewer);
    for (const { who, at } of resumes) await this.resumeFrom(who, at);
    await this.check();
  }

  async close(): Promise<void> {
    for (const viewer of this.viewers) await viewer.client?.close();
    for (const seat of this.seats.values()) await seat.close();
  }
}

interface Played {
  mode: 'meeting' | 'broadcast';
  filter: boolean;
  viewers: readonly Person[];
  steps: readonly Step[];
  resumes: readonly { who: Person; at: number }[];
}

async function play({ mode, filter, viewers: first, steps, resumes }: Played): Promise<void> {
  const s = await Session.start(mode);
  try {
    if (filter) await s.act('moderator', { type: 'room.settings', filter, premoderation: mode === 'broadcast' });
    for (const who of first) await s.open(who);
    for (const st of steps) {
      if (st.kind === 'open') await s.open(st.who);
      else if (st.kind === 'close' || st.kind === 'away') await s.leave(st.viewer, st.kind === 'away');
      else if (st.kind === 'back') await s.backAt(st.viewer);
      else if (st.kind === 'act') await s.act(st.who, st.command);
      else await s.check();
    }
    await s.finish(resumes);
  } finally {
    await s.close();
  }
}

describe('viewers connecting, leaving and resuming anywhere in a session', () => {
  it('are never sent more than a fresh load shows them, and fold into the room a fresh load shows', async () => {
    await fc.assert(
      fc.asyncProperty(session, play),
      { seed, numRuns },
    );
  }, 60_000 + numRuns * 15_000);

  it('got past the refusals: sessions hid, held, released, merged, approved, removed and counted hall votes', () => {
    if (process.env.FUZZ_STATS) console.log([...outcomes].sort().map(([k, n]) => `${k}: ${n}`).join('\n'));
    const done = (type: string) => outcomes.get(`${type} done`) ?? 0;
    for (const type of ['chat.hide', 'chat.release', 'question.approve', 'question.hide', 'question.merge', 'poll.hallCount', 'participant.remove', 'queue.remove']) {
      expect([type, done(type)]).not.toEqual([type, 0]);
    }
  });
});
