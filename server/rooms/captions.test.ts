import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../db/demo-town.ts';
import type { ServerMessage } from '../protocol/room-messages.ts';
import { signIn, startTestApp, type TestApp } from '../test-app.ts';
import { RoomTestClient } from './test-client.ts';

let t: TestApp;
let url: string;
const cookies: Record<string, string> = {};
const meetings: Record<string, string> = {};
const clients: RoomTestClient[] = [];

beforeAll(async () => {
  t = await startTestApp({ demo: true });
  url = await t.app.listen({ port: 0, host: '127.0.0.1' });
  for (const who of ['asukas', 'moderaattori', 'puheenjohtaja', 'sihteeri']) {
    cookies[who] = await signIn(t.app, `${who}@pihlajalahti.example`, DEMO_PASSWORD);
  }
  const rows = await t.app.db.sql<{ id: string; slug: string }[]>`select m.id, s.slug from meetings m join spaces s on s.id = m.space_id`;
  for (const row of rows) meetings[row.slug] = row.id;
});
afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await t.close();
});

async function join(who: string | null, slug: string, opts: { since?: number } = {}) {
  const client = await RoomTestClient.connect(url, meetings[slug]!, { ...(who ? { cookie: cookies[who]! } : {}), ...opts });
  clients.push(client);
  await client.welcome();
  return client;
}

const captionsStored = async (slug: string) =>
  (
    await t.app.db.sql<{ text: string }[]>`
      select event->>'text' as text from room_events where meeting_id = ${meetings[slug]!} and event->>'type' = 'caption.posted' order by seq`
  ).map((row) => row.text);

const isInterim = (text: string) => (m: ServerMessage) => m.type === 'caption.interim' && m.text === text;
const isPosted = (text: string) => (m: ServerMessage) => m.type === 'event' && m.event.type === 'caption.posted' && m.event.text === text;

describe('live captions over the room socket', () => {
  it('gives the captioner’s right to the chair, the secretary and a moderator only', async () => {
    const slug = 'ymparistofoorumi';
    const rights = async (who: string | null) => (await (await join(who, slug)).welcome()).you.canCaption;
    expect(await rights('sihteeri')).toBe(true);
    expect(await rights('puheenjohtaja')).toBe(true);
    expect(await rights('moderaattori')).toBe(true);
    expect(await rights('asukas')).toBe(false);
    expect(await rights(null)).toBe(false);
  });

  it('relays the line being typed to everyone without storing it, and stores the finished line', async () => {
    const slug = 'kulttuurifoorumi';
    const secretary = await join('sihteeri', slug);
    const resident = await join('asukas', slug);
    const guest = await join(null, slug);
    const before = (await resident.welcome()).state!.seq;

    expect(await secretary.request({ type: 'caption.send', text: 'Hyvää iltaa ja tervetuloa', final: false })).toMatchObject({ type: 'ack', seq: null });
    await resident.waitFor(isInterim('Hyvää iltaa ja tervetuloa'));
    await guest.waitFor(isInterim('Hyvää iltaa ja tervetuloa'));
    expect(await captionsStored(slug)).toEqual([]);

    // The finished line is one line, whatever whitespace was typed.
    const posted = await secretary.request({ type: 'caption.send', text: '  Hyvää iltaa ja\ntervetuloa  kokoukseen. ', final: true });
    expect(posted).toMatchObject({ type: 'ack' });
    expect(posted.type === 'ack' && posted.seq).toBeGreaterThan(before);
    const event = await guest.waitFor(isPosted('Hyvää iltaa ja tervetuloa kokoukseen.'));
    expect(event.type === 'event' && event.seq).toBe(posted.type === 'ack' ? posted.seq : -1);
    expect(await captionsStored(slug)).toEqual(['Hyvää iltaa ja tervetuloa kokoukseen.']);
  });

  it('refuses a resident and a guest with forbidden and keeps their sockets open', async () => {
    const slug = 'liikuntafoorumi';
    const resident = await join('asukas', slug);
    const guest = await join(null, slug);
    const watcher = await join('moderaattori', slug);
    for (const final of [false, true]) {
      expect(await resident.request({ type: 'caption.send', text: 'Minäkin tekstitän', final })).toMatchObject({ type: 'error', code: 'forbidden' });
      expect(await guest.request({ type: 'caption.send', text: 'Minäkin tekstitän', final })).toMatchObject({ type: 'error', code: 'forbidden' });
    }
    expect(resident.closeCode).toBeNull();
    expect(guest.closeCode).toBeNull();
    expect(await resident.request({ type: 'chat.send', text: 'Olen yhä täällä' })).toMatchObject({ type: 'ack' });
    await watcher.waitFor((m) => m.type === 'event' && m.event.type === 'chat.posted' && m.event.text === 'Olen yhä täällä');
    expect(watcher.received.some((m) => m.type === 'caption.interim' || (m.type === 'event' && m.event.type === 'caption.posted'))).toBe(false);
    expect(await captionsStored(slug)).toEqual([]);
  });

  it('refuses lines that are empty or too long as invalid, with the socket open', async () => {
    const secretary = await join('sihteeri', 'liikuntafoorumi');
    expect(await secretary.request({ type: 'caption.send', text: 'x'.repeat(301), final: true })).toMatchObject({ type: 'error', code: 'invalid_message' });
    expect(await secretary.request({ type: 'caption.send', text: '   ', final: false })).toMatchObject({ type: 'error', code: 'invalid_message' });
    expect(await secretary.request({ type: 'caption.send', text: 'Ilman tietoa valmiudesta' } as never)).toMatchObject({ type: 'error', code: 'invalid_message' });
    expect(await secretary.request({ type: 'caption.send', text: 'x'.repeat(300), final: true })).toMatchObject({ type: 'ack' });
    expect(secretary.closeCode).toBeNull();
  });

  it('replays the finished lines after a reconnect, never the lines being typed, and shows the latest in a new snapshot', async () => {
    const slug = 'kuntalaisfoorumi';
    const chair = await join('puheenjohtaja', slug);
    const resident = await join('asukas', slug);
    expect(await chair.request({ type: 'caption.send', text: 'Ensimmäinen rivi.', final: true })).toMatchObject({ type: 'ack' });
    await resident.waitFor(isPosted('Ensimmäinen rivi.'));
    const lastSeen = Math.max(...resident.events().map((m) => m.seq));
    await resident.close();

    expect(await chair.request({ type: 'caption.send', text: 'Toinen rivi kirjoitetaan', final: false })).toMatchObject({ type: 'ack' });
    expect(await chair.request({ type: 'caption.send', text: 'Toinen rivi <b>&</b> loppu.', final: true })).toMatchObject({ type: 'ack' });
    for (const line of ['Kolmas.', 'Neljäs.']) expect(await chair.request({ type: 'caption.send', text: line, final: true })).toMatchObject({ type: 'ack' });

    const resumed = await join('asukas', slug, { since: lastSeen });
    expect((await resumed.welcome()).state).toBeNull();
    await resumed.waitFor(isPosted('Neljäs.'));
    const replayed = resumed.events().flatMap((m) => (m.event.type === 'caption.posted' ? [m.event.text] : []));
    expect(replayed).toEqual(['Toinen rivi <b>&</b> loppu.', 'Kolmas.', 'Neljäs.']);
    expect(resumed.received.some((m) => m.type === 'caption.interim')).toBe(false);

    // A fresh page gets what is over the video now: the latest lines, oldest first.
    const fresh = await join(null, slug);
    expect((await fresh.welcome()).state!.captions.map((line) => line.text)).toEqual(['Toinen rivi <b>&</b> loppu.', 'Kolmas.', 'Neljäs.']);
  });
});
