import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../db/demo-town.ts';
import { freeMediaPorts } from '../../media/testing/ports.ts';
import { waitFor } from '../../media/testing/rtp.ts';
import { ensureWorkerForTests, WORKER_SETUP_TIMEOUT_MS } from '../../media/testing/worker.ts';
import type { MediaNotice, ServerMessage } from '../protocol/room-messages.ts';
import { RoomTestClient } from '../rooms/test-client.ts';
import { signIn, startTestApp, type TestApp } from '../test-app.ts';

let t: TestApp;
let url: string;
let recordingsDir: string;
const cookies: Record<string, string> = {};
const ids: Record<string, string> = {};
const meetings: Record<string, string> = {};
const clients: RoomTestClient[] = [];

beforeAll(async () => {
  await ensureWorkerForTests();
  const mediaPort = await freeMediaPorts(2);
  recordingsDir = await mkdtemp(join(tmpdir(), 'aukio-recordings-'));
  t = await startTestApp({ demo: true, media: { workers: 2, mediaPort }, recordingsDir });
  url = await t.app.listen({ port: 0, host: '127.0.0.1' });
  for (const who of ['asukas', 'moderaattori', 'puheenjohtaja', 'sihteeri']) {
    cookies[who] = await signIn(t.app, `${who}@pihlajalahti.example`, DEMO_PASSWORD);
    ids[who] = (await t.app.inject({ method: 'GET', url: '/api/auth/me', headers: { cookie: cookies[who]! } })).json().user.id;
  }
  const rows = await t.app.db.sql<{ id: string; slug: string }[]>`select m.id, s.slug from meetings m join spaces s on s.id = m.space_id`;
  for (const row of rows) meetings[row.slug] = row.id;
}, WORKER_SETUP_TIMEOUT_MS);
afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await t?.close();
  await rm(recordingsDir, { recursive: true, force: true });
});

/** The ffmpeg process recording a meeting (its work folder is named after the meeting). */
async function ffmpegRecording(meetingId: string): Promise<number | null> {
  for (const pid of await readdir('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    const command = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
    if (command.startsWith('ffmpeg') && command.includes(meetingId)) return Number(pid);
  }
  return null;
}

/** Hand-made RTP parameters of the kind a browser sends: mediasoup accepts them without media flowing. */
const rtpParameters = (kind: 'audio' | 'video', ssrc: number) =>
  kind === 'video'
    ? { codecs: [{ mimeType: 'video/VP8', payloadType: 101, clockRate: 90000 }], encodings: [{ ssrc }] }
    : { codecs: [{ mimeType: 'audio/opus', payloadType: 100, clockRate: 48000, channels: 2 }], encodings: [{ ssrc }] };

/** A socket in the room that joined its media, with a sending and a receiving transport where allowed. */
async function joinMedia(who: string | null, slug: string) {
  const client = await RoomTestClient.connect(url, meetings[slug]!, who ? { cookie: cookies[who]! } : {});
  clients.push(client);
  await client.welcome();
  const { rtpCapabilities } = await client.ask({ type: 'media.capabilities' });
  const { producers } = await client.ask({ type: 'media.join', rtpCapabilities: rtpCapabilities as never });
  const recv = (await client.ask({ type: 'media.transport.create', direction: 'recv' })).transport;
  return { client, producers, recv };
}

async function produce(client: RoomTestClient, kind: 'audio' | 'video', ssrc: number) {
  const send = (await client.ask({ type: 'media.transport.create', direction: 'send' })).transport;
  const source = kind === 'video' ? 'camera' : 'microphone';
  return (await client.ask({ type: 'media.produce', transportId: send.id, kind, source, rtpParameters: rtpParameters(kind, ssrc) as never })).producerId;
}

const notice =
  <T extends MediaNotice['type']>(type: T, producerId?: string) =>
  (m: ServerMessage): m is Extract<MediaNotice, { type: T }> =>
    m.type === type && (producerId === undefined || ('producer' in m && m.producer.producerId === producerId));

describe('video signaling over the room socket', () => {
  it('lets only the stage and the floor holder send in a broadcast; taking the floor back closes the producer', async () => {
    const chair = await joinMedia('puheenjohtaja', 'kuntalaisfoorumi');
    const resident = await joinMedia('asukas', 'kuntalaisfoorumi');
    const guest = await joinMedia(null, 'kuntalaisfoorumi');

    // A viewer not on the stage is refused, and the socket stays open.
    expect(await resident.client.answerTo({ type: 'media.transport.create', direction: 'send' })).toMatchObject({ type: 'error', code: 'forbidden' });
    expect(
      await resident.client.answerTo({ type: 'media.produce', transportId: resident.recv.id, kind: 'video', source: 'camera', rtpParameters: rtpParameters('video', 5) as never }),
    ).toMatchObject({ type: 'error', code: 'forbidden' });
    expect(await guest.client.answerTo({ type: 'media.transport.create', direction: 'send' })).toMatchObject({ type: 'error', code: 'sign_in_required' });
    expect(resident.client.closeCode).toBeNull();

    const stageVideo = await produce(chair.client, 'video', 1001);
    const added = await guest.client.waitFor(notice('media.producerAdded', stageVideo));
    expect(added.producer).toMatchObject({ userId: ids.puheenjohtaja, name: 'Paavo Puhemies', kind: 'video', source: 'camera' });
    const consumer = (await guest.client.ask({ type: 'media.consume', transportId: guest.recv.id, producerId: stageVideo })).consumer;
    expect(consumer).toMatchObject({ producerId: stageVideo, kind: 'video' });
    expect(await guest.client.answerTo({ type: 'media.consumer.resume', consumerId: consumer.id })).toMatchObject({ type: 'ack' });

    // Given the floor, the resident may send; when the chair takes it back, the producer closes.
    expect(await chair.client.request({ type: 'floor.give', userId: ids.asukas! })).toMatchObject({ type: 'ack' });
    await resident.client.waitFor((m) => m.type === 'event' && m.event.type === 'floor.given');
    const speakerVideo = await produce(resident.client, 'video', 2001);
    await guest.client.waitFor(notice('media.producerAdded', speakerVideo));
    expect(await chair.client.request({ type: 'floor.take' })).toMatchObject({ type: 'ack' });
    const closed = await guest.client.waitFor(notice('media.producerClosed', speakerVideo));
    expect(closed.producer.userId).toBe(ids.asukas);
    // The stage keeps sending: its producer never depended on the floor.
    expect(guest.client.received.some(notice('media.producerClosed', stageVideo))).toBe(false);
    expect(await resident.client.answerTo({ type: 'media.transport.create', direction: 'send' })).toMatchObject({ type: 'error', code: 'forbidden' });
  });

  it('lets a meeting’s participants send until muted, and a moderator pause anyone', async () => {
    const moderator = await joinMedia('moderaattori', 'ymparistofoorumi');
    const resident = await joinMedia('asukas', 'ymparistofoorumi');
    const audio = await produce(resident.client, 'audio', 3001);
    await moderator.client.waitFor(notice('media.producerAdded', audio));

    // A moderator's pause cannot be undone by its owner; the moderator resumes it.
    expect(await moderator.client.answerTo({ type: 'media.producer.moderate', producerId: audio, paused: true })).toMatchObject({ type: 'ack' });
    const paused = await resident.client.waitFor(notice('media.producerPaused', audio));
    expect(paused.producer).toMatchObject({ paused: true, pausedByModerator: true });
    expect(await resident.client.answerTo({ type: 'media.producer.resume', producerId: audio })).toMatchObject({ type: 'error', code: 'forbidden' });
    expect(await resident.client.answerTo({ type: 'media.producer.moderate', producerId: audio, paused: false })).toMatchObject({ type: 'error', code: 'forbidden' });
    expect(await moderator.client.answerTo({ type: 'media.producer.moderate', producerId: audio, paused: false })).toMatchObject({ type: 'ack' });
    await moderator.client.waitFor(notice('media.producerResumed', audio));

    // Muting closes what the person sends and refuses more.
    expect(await moderator.client.request({ type: 'participant.mute', userId: ids.asukas!, minutes: 5, reason: 'Kokeilu' })).toMatchObject({ type: 'ack' });
    await moderator.client.waitFor(notice('media.producerClosed', audio));
    const send = resident.client.received.find(
      (m): m is Extract<ServerMessage, { type: 'reply' }> => m.type === 'reply' && 'transport' in m.data && m.data.transport.id !== resident.recv.id,
    );
    const transportId = send && 'transport' in send.data ? send.data.transport.id : '';
    expect(
      await resident.client.answerTo({ type: 'media.produce', transportId, kind: 'audio', source: 'microphone', rtpParameters: rtpParameters('audio', 3002) as never }),
    ).toMatchObject({ type: 'error', code: 'muted' });
    expect(await moderator.client.request({ type: 'participant.unmute', userId: ids.asukas! })).toMatchObject({ type: 'ack' });
  });

  it('refuses mediasoup parameters it cannot use with an invalid_media error', async () => {
    const secretary = await joinMedia('sihteeri', 'liikuntafoorumi');
    const send = (await secretary.client.ask({ type: 'media.transport.create', direction: 'send' })).transport;
    const answer = await secretary.client.answerTo({
      type: 'media.produce',
      transportId: send.id,
      kind: 'video',
      source: 'camera',
      rtpParameters: { codecs: [{ mimeType: 'video/nonsense', payloadType: 101, clockRate: 90000 }], encodings: [{ ssrc: 9 }] } as never,
    });
    expect(answer).toMatchObject({ type: 'error', code: 'invalid_media' });
    expect(await secretary.client.answerTo({ type: 'media.produce', transportId: send.id, kind: 'audio', source: 'camera', rtpParameters: rtpParameters('audio', 1) as never })).toMatchObject({
      type: 'error',
      code: 'invalid_media',
    });
    expect(secretary.client.closeCode).toBeNull();
  });

  it('records a meeting for the chair, with chapters, and survives a recording that fails', async () => {
    const chair = await joinMedia('puheenjohtaja', 'kulttuurifoorumi');
    const resident = await joinMedia('asukas', 'kulttuurifoorumi');
    await produce(chair.client, 'video', 5001);
    await produce(chair.client, 'audio', 5002);
    expect(await resident.client.answerTo({ type: 'recording.start' })).toMatchObject({ type: 'error', code: 'forbidden' });

    expect(await chair.client.answerTo({ type: 'recording.start' })).toMatchObject({ type: 'ack' });
    await resident.client.waitFor((m) => m.type === 'event' && m.event.type === 'recording.started');
    expect(await chair.client.answerTo({ type: 'recording.start' })).toMatchObject({ type: 'error', code: 'conflict' });
    expect(await chair.client.request({ type: 'agenda.goto', index: 1 })).toMatchObject({ type: 'ack' });
    // Let it record a moment, so the file has a length to check.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(await chair.client.answerTo({ type: 'recording.stop' })).toMatchObject({ type: 'ack' });
    const stopped = await resident.client.waitFor((m) => m.type === 'event' && m.event.type === 'recording.stopped');
    expect(stopped.type === 'event' && stopped.event.type === 'recording.stopped' && stopped.event.durationSeconds).toBeGreaterThan(1);
    const [saved] = await t.app.db.sql<{ status: string; chapters: { title: string }[] }[]>`
      select status, chapters from meeting_recordings where meeting_id = ${meetings.kulttuurifoorumi!}`;
    expect(saved?.status).toBe('complete');
    expect(saved?.chapters).toHaveLength(2);

    // ffmpeg dies: the room is told (what was written is kept, if anything was) and the meeting goes on.
    expect(await chair.client.answerTo({ type: 'recording.start' })).toMatchObject({ type: 'ack' });
    let pid: number | null = null;
    while (pid === null) {
      pid = await ffmpegRecording(meetings.kulttuurifoorumi!);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    process.kill(pid, 'SIGKILL');
    await resident.client.waitFor((m) => m.type === 'event' && m.event.type === 'recording.failed', 20_000);
    expect(await resident.client.request({ type: 'chat.send', text: 'Kuuluuko yhä?' })).toMatchObject({ type: 'ack' });
    expect(chair.client.closeCode).toBeNull();
    // The chair can start a new recording at once.
    expect(await chair.client.answerTo({ type: 'recording.start' })).toMatchObject({ type: 'ack' });
    expect(await chair.client.answerTo({ type: 'recording.stop' })).toMatchObject({ type: 'ack' });
  }, 60_000);

  it('rebuilds the room when its mediasoup worker dies and tells everyone to join again', async () => {
    const chair = await joinMedia('puheenjohtaja', 'kulttuurifoorumi');
    const viewer = await joinMedia(null, 'kulttuurifoorumi');
    const video = await produce(chair.client, 'video', 4001);
    await viewer.client.waitFor(notice('media.producerAdded', video));
    const pool = t.app.media!;
    // Worker i listens on mediaPort + i: the transport's port names the room's worker.
    const port = viewer.recv.iceCandidates[0]!.port;
    const dying = pool.slots.find((slot) => slot.port === port)!;
    const oldWorker = dying.worker;
    process.kill(oldWorker.pid, 'SIGKILL');

    await chair.client.waitFor((m) => m.type === 'media.restart');
    await viewer.client.waitFor((m) => m.type === 'media.restart');
    await waitFor(() => pool.slot(dying.index).worker !== oldWorker, 20_000, 'the worker to be replaced');

    // Joining again works on new transports: the chair sends, the viewer receives.
    const { rtpCapabilities } = await chair.client.ask({ type: 'media.capabilities' });
    await chair.client.ask({ type: 'media.join', rtpCapabilities: rtpCapabilities as never });
    const again = await produce(chair.client, 'video', 4002);
    await viewer.client.ask({ type: 'media.join', rtpCapabilities: rtpCapabilities as never });
    const recv = (await viewer.client.ask({ type: 'media.transport.create', direction: 'recv' })).transport;
    const consumer = (await viewer.client.ask({ type: 'media.consume', transportId: recv.id, producerId: again })).consumer;
    expect(consumer.producerId).toBe(again);
    // The old transport is gone with the old room.
    expect(await viewer.client.answerTo({ type: 'media.consume', transportId: viewer.recv.id, producerId: again })).toMatchObject({ type: 'error', code: 'not_found' });
  });
});
