import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../test-app.ts';
import { client, createMeeting, demoClient, inHours, meetingBody, newResident, type Client } from './test-helpers.ts';

let t: TestApp;
let anonymous: Client, chair: Client, secretary: Client, resident: Client, juror: Client;
beforeAll(async () => {
  t = await startTestApp({ demo: true });
  anonymous = client(t.app);
  chair = await demoClient(t.app, 'chair');
  secretary = await demoClient(t.app, 'secretary');
  resident = await demoClient(t.app, 'resident');
  juror = await demoClient(t.app, 'juror');
});
afterAll(() => t.close());

describe('creating meetings', () => {
  it('lets the chair and the secretary create one, and shows it at its own address', async () => {
    const byChair = await chair.post('/api/spaces/ymparistofoorumi/meetings', meetingBody());
    expect(byChair.statusCode).toBe(201);
    const meeting = byChair.json().meeting;
    expect(meeting).toMatchObject({
      spaceSlug: 'ymparistofoorumi',
      title: { fi: 'Puistokokous', sv: 'Parkmöte', en: 'Park meeting' },
      state: 'scheduled',
      place: 'hybrid',
      capacity: 40,
      counts: { hallRegistered: 0, hallWaitlisted: 0, remote: 0 },
      myRegistration: null,
      viewer: { canManage: true, canRegister: true, canReadRegistrations: true },
    });
    const page = await anonymous.get(`/api/meetings/${meeting.id}`);
    expect(page.statusCode).toBe(200);
    expect(page.json().meeting.viewer).toEqual({ canManage: false, canRegister: false, canReadRegistrations: false });

    const bySecretary = await secretary.post('/api/spaces/kuntalaisfoorumi/meetings', meetingBody({ mode: 'broadcast', place: 'online', address: null, capacity: null }));
    expect(bySecretary.statusCode).toBe(201);
    expect(bySecretary.json().meeting).toMatchObject({ mode: 'broadcast', place: 'online', address: null, capacity: null });
  });

  it('refuses a member (403) and the signed-out (401)', async () => {
    const byMember = await resident.post('/api/spaces/ymparistofoorumi/meetings', meetingBody());
    expect(byMember.statusCode).toBe(403);
    expect((await anonymous.post('/api/spaces/ymparistofoorumi/meetings', meetingBody())).statusCode).toBe(401);
  });

  it('answers 404 for a members-only space and its meetings to an outsider', async () => {
    const juryMeeting = await createMeeting(chair, 'asukasraati');
    expect((await resident.post('/api/spaces/asukasraati/meetings', meetingBody())).statusCode).toBe(404);
    const hidden = await resident.get(`/api/meetings/${juryMeeting.id}`);
    expect(hidden.statusCode).toBe(404);
    expect(hidden.json().message).toBe('Meeting not found');
    expect((await anonymous.get(`/api/meetings/${juryMeeting.id}`)).statusCode).toBe(404);
    expect((await resident.get('/api/spaces/asukasraati/meetings')).statusCode).toBe(404);
    expect((await resident.patch(`/api/meetings/${juryMeeting.id}`, { mode: 'broadcast' })).statusCode).toBe(404);
    expect((await juror.get(`/api/meetings/${juryMeeting.id}`)).statusCode).toBe(200);
  });

  it('falls back to Finnish for a missing translation', async () => {
    const meeting = await createMeeting(chair, 'ymparistofoorumi', { title: { fi: 'Vain suomeksi' }, description: undefined });
    expect(meeting.title).toEqual({ fi: 'Vain suomeksi', sv: 'Vain suomeksi', en: 'Vain suomeksi' });
    expect(meeting.description).toEqual({ fi: '', sv: '', en: '' });
  });
});

describe('bad input', () => {
  const create = (overrides: Record<string, unknown>) => chair.post('/api/spaces/ymparistofoorumi/meetings', meetingBody(overrides));

  it.each([
    [{ endsAt: inHours(47) }, 'body/endsAt must be after body/startsAt'],
    [{ endsAt: inHours(48) , startsAt: inHours(48) }, 'body/endsAt must be after body/startsAt'],
    [{ address: null }, 'body/address is required for a hybrid meeting'],
    [{ place: 'online', address: null, capacity: 10 }, 'body/capacity applies only to a meeting with a hall'],
  ])('%j → %s', async (overrides, message) => {
    const response = await create(overrides);
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ statusCode: 400, error: 'Bad Request', message, code: 'invalid_input' });
  });

  it.each([
    [{ title: { sv: 'Bara svenska' } }, /body\/title must have required property 'fi'/],
    [{ title: { fi: '   ' } }, /body\/title\/fi/],
    [{ mode: 'webinar' }, /body\/mode/],
    [{ place: 'park' }, /body\/place/],
    [{ startsAt: 'tomorrow' }, /body\/startsAt must match format "date-time"/],
    [{ capacity: 0 }, /body\/capacity/],
    [{ agenda: [{ title: { fi: 'Kohta' }, durationMinutes: -5 }] }, /body\/agenda\/0\/durationMinutes/],
  ])('%j names the field', async (overrides, message) => {
    const response = await create(overrides);
    expect(response.statusCode).toBe(400);
    expect(response.json().message).toMatch(message);
  });

  it('names a bad meeting id and a bad cursor', async () => {
    const badId = await anonymous.get('/api/meetings/not-a-uuid');
    expect(badId.statusCode).toBe(400);
    expect(badId.json().message).toMatch(/params\/id/);
    const badCursor = await anonymous.get('/api/spaces/ymparistofoorumi/meetings?cursor=bm9wZQ');
    expect(badCursor.statusCode).toBe(400);
    expect(badCursor.json().message).toMatch(/querystring\/cursor/);
  });

  it('checks an update against the meeting as it would become', async () => {
    const meeting = await createMeeting(chair, 'ymparistofoorumi');
    const response = await chair.patch(`/api/meetings/${meeting.id}`, { endsAt: inHours(1) });
    expect(response.statusCode).toBe(400);
    expect(response.json().message).toBe('body/endsAt must be after body/startsAt');
    expect((await chair.patch(`/api/meetings/${meeting.id}`, {})).statusCode).toBe(400);
  });
});

describe('updating', () => {
  it('lets the organisers edit and counts revisions; a member may not', async () => {
    const meeting = await createMeeting(chair, 'ymparistofoorumi');
    const edited = await secretary.patch(`/api/meetings/${meeting.id}`, { title: { fi: 'Uusi otsikko' }, capacity: 80 });
    expect(edited.statusCode).toBe(200);
    expect(edited.json().meeting).toMatchObject({ title: { fi: 'Uusi otsikko', sv: 'Uusi otsikko' }, capacity: 80, sequence: 1 });
    expect((await resident.patch(`/api/meetings/${meeting.id}`, { capacity: 1 })).statusCode).toBe(403);
  });

  it('drops the hall details when a meeting moves online', async () => {
    const meeting = await createMeeting(chair, 'ymparistofoorumi');
    const online = await chair.patch(`/api/meetings/${meeting.id}`, { place: 'online' });
    expect(online.json().meeting).toMatchObject({ place: 'online', address: null, capacity: null });
  });
});

describe('listing', () => {
  it('pages through upcoming meetings in time order, and past ones newest first', async () => {
    const slug = 'liikuntafoorumi';
    for (let i = 0; i < 5; i += 1) await createMeeting(chair, slug, { startsAt: inHours(100 + i), endsAt: inHours(101 + i), title: { fi: `Tuleva ${i}` } });
    for (let i = 0; i < 3; i += 1) await createMeeting(chair, slug, { startsAt: inHours(-50 - i), endsAt: inHours(-49 - i), title: { fi: `Mennyt ${i}` } });

    const titles: string[] = [];
    let url = `/api/spaces/${slug}/meetings?limit=2`;
    for (;;) {
      const body = (await anonymous.get(url)).json();
      titles.push(...body.meetings.map((m: { title: { fi: string } }) => m.title.fi));
      if (!body.nextCursor) break;
      url = `/api/spaces/${slug}/meetings?limit=2&cursor=${body.nextCursor}`;
    }
    // The demo town's own meeting of this space is 17 days ahead, after ours.
    expect(titles).toEqual(['Tuleva 0', 'Tuleva 1', 'Tuleva 2', 'Tuleva 3', 'Tuleva 4', 'Lähiliikuntapaikat 2027']);

    const first = (await anonymous.get(`/api/spaces/${slug}/meetings?when=past&limit=2`)).json();
    const second = (await anonymous.get(`/api/spaces/${slug}/meetings?when=past&limit=2&cursor=${first.nextCursor}`)).json();
    expect([...first.meetings, ...second.meetings].map((m: { title: { fi: string } }) => m.title.fi)).toEqual(['Mennyt 0', 'Mennyt 1', 'Mennyt 2']);
    expect(second.nextCursor).toBeNull();
  });

  it('keeps /api/meetings/upcoming working, now with the place', async () => {
    const body = (await anonymous.get('/api/meetings/upcoming?limit=3')).json();
    expect(body.meetings).toHaveLength(3);
    const demoMeeting = (await anonymous.get('/api/meetings/upcoming?limit=100')).json().meetings.find(
      (m: { title: { fi: string } }) => m.title.fi === 'Rantapuiston kunnostus',
    );
    expect(demoMeeting).toMatchObject({ spaceSlug: 'ymparistofoorumi', mode: 'meeting', state: 'scheduled' });
    expect(['hall', 'online', 'hybrid']).toContain(demoMeeting.place);
    expect(Object.keys(body.meetings[0])).toEqual(
      expect.arrayContaining(['id', 'spaceSlug', 'spaceName', 'title', 'startsAt', 'endsAt', 'mode', 'state']),
    );
  });
});

describe('open data', () => {
  it('serves public meetings to anyone, and never the jury’s, even with a juror’s cookie', async () => {
    const stranger = await newResident(t.app);
    const forAnyone = await stranger.get('/api/meetings/open-data?limit=500');
    expect(forAnyone.statusCode).toBe(200);
    expect(forAnyone.headers['access-control-allow-origin']).toBe('*');
    const slugs = new Set(forAnyone.json().meetings.map((m: { spaceSlug: string }) => m.spaceSlug));
    expect(slugs.has('kuntalaisfoorumi')).toBe(true);
    expect(slugs.has('asukasraati')).toBe(false);
    const forJuror = (await juror.get('/api/meetings/open-data?limit=500')).json();
    expect(forJuror.meetings).toEqual(forAnyone.json().meetings);
    expect(forJuror.meetings[0]).toHaveProperty('agenda');
    expect(forJuror.meetings[0]).toHaveProperty('counts');
  });

  it('pages and filters by space', async () => {
    const first = (await anonymous.get('/api/meetings/open-data?space=liikuntafoorumi&limit=3')).json();
    expect(first.meetings).toHaveLength(3);
    expect(first.meetings.every((m: { spaceSlug: string }) => m.spaceSlug === 'liikuntafoorumi')).toBe(true);
    const rest = (await anonymous.get(`/api/meetings/open-data?space=liikuntafoorumi&limit=100&cursor=${first.nextCursor}`)).json();
    const ids = [...first.meetings, ...rest.meetings].map((m: { id: string }) => m.id);
    expect(new Set(ids).size).toBe(ids.length);
    const starts = [...first.meetings, ...rest.meetings].map((m: { startsAt: string }) => m.startsAt);
    expect(starts).toEqual([...starts].sort());
  });
});
