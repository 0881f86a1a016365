import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../test-app.ts';
import { client, createMeeting, demoClient, newResident, type Client } from './test-helpers.ts';

let t: TestApp;
let chair: Client, moderator: Client, resident: Client;
beforeAll(async () => {
  t = await startTestApp({ demo: true });
  chair = await demoClient(t.app, 'chair');
  moderator = await demoClient(t.app, 'moderator');
  resident = await demoClient(t.app, 'resident');
});
afterAll(() => t.close());

const register = (who: Client, id: string, attendance: 'hall' | 'remote', needs?: object) =>
  who.put(`/api/meetings/${id}/registration`, { attendance, ...(needs ? { needs } : {}) });
const mine = async (who: Client, id: string) => (await who.get(`/api/meetings/${id}`)).json().meeting.myRegistration;
const counts = async (id: string) => (await chair.get(`/api/meetings/${id}`)).json().meeting.counts;

describe('registering', () => {
  it('registers, changes and cancels one’s own registration', async () => {
    const meeting = await createMeeting(chair, 'ymparistofoorumi');
    const first = await register(resident, meeting.id, 'hall');
    expect(first.statusCode).toBe(201);
    expect(first.json().registration).toMatchObject({ attendance: 'hall', status: 'registered', waitlistPosition: null });
    expect(first.json().counts).toEqual({ hallRegistered: 1, hallWaitlisted: 0, remote: 0 });
    const changed = await register(resident, meeting.id, 'remote');
    expect(changed.statusCode).toBe(200);
    expect(changed.json().counts).toEqual({ hallRegistered: 0, hallWaitlisted: 0, remote: 1 });
    expect(await mine(resident, meeting.id)).toMatchObject({ attendance: 'remote', status: 'registered' });
    expect((await resident.del(`/api/meetings/${meeting.id}/registration`)).statusCode).toBe(204);
    expect(await mine(resident, meeting.id)).toBeNull();
    expect((await resident.del(`/api/meetings/${meeting.id}/registration`)).statusCode).toBe(404);
  });

  it('asks the signed-out to sign in, hides a members-only meeting, and has no hall online', async () => {
    const meeting = await createMeeting(chair, 'ymparistofoorumi');
    expect((await register(client(t.app), meeting.id, 'remote')).statusCode).toBe(401);
    const jury = await createMeeting(chair, 'asukasraati');
    expect((await register(resident, jury.id, 'remote')).statusCode).toBe(404);
    const online = await createMeeting(chair, 'ymparistofoorumi', { place: 'online', address: null, capacity: null });
    const hall = await register(resident, online.id, 'hall');
    expect(hall.statusCode).toBe(409);
    expect(hall.json().message).toMatch(/online only/);
    expect((await register(resident, online.id, 'remote')).statusCode).toBe(201);
    const bad = await resident.put(`/api/meetings/${online.id}/registration`, { attendance: 'sofa' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().message).toMatch(/body\/attendance/);
  });

  it('is closed for cancelled and ended meetings', async () => {
    const cancelled = await createMeeting(chair, 'ymparistofoorumi');
    await register(resident, cancelled.id, 'hall');
    await chair.post(`/api/meetings/${cancelled.id}/cancel`, { reason: 'Sairastapaus' });
    const late = await register(resident, cancelled.id, 'remote');
    expect(late.statusCode).toBe(409);
    expect(late.json()).toMatchObject({ message: 'Registration is closed: the meeting was cancelled', code: 'meeting_cancelled' });
    expect((await resident.del(`/api/meetings/${cancelled.id}/registration`)).statusCode).toBe(409);

    const ended = await createMeeting(chair, 'ymparistofoorumi');
    await chair.post(`/api/meetings/${ended.id}/start`);
    expect((await register(resident, ended.id, 'remote')).statusCode).toBe(201);
    await chair.post(`/api/meetings/${ended.id}/end`);
    expect((await register(resident, ended.id, 'hall')).json().message).toBe('Registration is closed: the meeting has ended');
  });
});

describe('hall capacity and the waitlist', () => {
  it('waitlists when the hall is full, and promotes the earliest on a cancellation or a switch to remote', async () => {
    const meeting = await createMeeting(chair, 'kulttuurifoorumi', { capacity: 2 });
    const [a, b, c, d] = [await newResident(t.app), await newResident(t.app), await newResident(t.app), await newResident(t.app)];
    expect((await register(a, meeting.id, 'hall')).json().registration.status).toBe('registered');
    expect((await register(b, meeting.id, 'hall')).json().registration.status).toBe('registered');
    const third = (await register(c, meeting.id, 'hall')).json();
    expect(third.registration).toMatchObject({ status: 'waitlisted', waitlistPosition: 1 });
    expect((await register(d, meeting.id, 'hall')).json().registration).toMatchObject({ status: 'waitlisted', waitlistPosition: 2 });
    expect(await counts(meeting.id)).toEqual({ hallRegistered: 2, hallWaitlisted: 2, remote: 0 });

    // Changing one's needs keeps one's place in the queue.
    await register(d, meeting.id, 'hall', { inductionLoop: true });
    expect(await mine(d, meeting.id)).toMatchObject({ status: 'waitlisted', waitlistPosition: 2 });

    await a.del(`/api/meetings/${meeting.id}/registration`);
    expect(await mine(c, meeting.id)).toMatchObject({ status: 'registered', waitlistPosition: null });
    expect(await mine(d, meeting.id)).toMatchObject({ status: 'waitlisted', waitlistPosition: 1 });

    await register(b, meeting.id, 'remote');
    expect(await mine(d, meeting.id)).toMatchObject({ status: 'registered' });
    expect(await counts(meeting.id)).toEqual({ hallRegistered: 2, hallWaitlisted: 0, remote: 1 });

    // Back to the hall from remote is a new place at the end of the queue.
    expect((await register(b, meeting.id, 'hall')).json().registration).toMatchObject({ status: 'waitlisted', waitlistPosition: 1 });
  });

  it('promotes the waitlist when the organisers add seats', async () => {
    const meeting = await createMeeting(chair, 'kulttuurifoorumi', { capacity: 1 });
    const [a, b, c] = [await newResident(t.app), await newResident(t.app), await newResident(t.app)];
    for (const who of [a, b, c]) await register(who, meeting.id, 'hall');
    await chair.patch(`/api/meetings/${meeting.id}`, { capacity: 2 });
    expect(await counts(meeting.id)).toEqual({ hallRegistered: 2, hallWaitlisted: 1, remote: 0 });
    expect(await mine(b, meeting.id)).toMatchObject({ status: 'registered' });
    await chair.patch(`/api/meetings/${meeting.id}`, { place: 'online' });
    expect(await counts(meeting.id)).toEqual({ hallRegistered: 0, hallWaitlisted: 0, remote: 3 });
  });

  it('gives the last seat to exactly one of many concurrent registrants', async () => {
    const meeting = await createMeeting(chair, 'kulttuurifoorumi', { capacity: 1 });
    const people: Client[] = [];
    for (let i = 0; i < 8; i += 1) people.push(await newResident(t.app));
    const responses = await Promise.all(people.map((who) => register(who, meeting.id, 'hall')));
    expect(responses.map((r) => r.statusCode)).toEqual(Array(8).fill(201));
    const statuses = responses.map((r) => r.json().registration.status);
    expect(statuses.filter((s) => s === 'registered')).toHaveLength(1);
    expect(statuses.filter((s) => s === 'waitlisted')).toHaveLength(7);
    const positions = responses.map((r) => r.json().registration.waitlistPosition).filter((p) => p !== null);
    expect(positions.sort()).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(await counts(meeting.id)).toEqual({ hallRegistered: 1, hallWaitlisted: 7, remote: 0 });
  });
});

describe('accessibility needs', () => {
  it('are seen by the registrant and the organisers, and by no other resident', async () => {
    const meeting = await createMeeting(chair, 'ymparistofoorumi');
    const needs = { interpretation: true, inductionLoop: true, signLanguage: false, other: 'Pyörätuolipaikka etuosaan' };
    const person = await newResident(t.app);
    await register(person, meeting.id, 'hall', needs);
    expect((await mine(person, meeting.id)).needs).toEqual(needs);

    const list = await moderator.get(`/api/meetings/${meeting.id}/registrations`);
    expect(list.statusCode).toBe(200);
    expect(list.json().registrations).toEqual([
      expect.objectContaining({ user: expect.objectContaining({ displayName: person.name }), attendance: 'hall', needs }),
    ]);

    const refused = await resident.get(`/api/meetings/${meeting.id}/registrations`);
    expect(refused.statusCode).toBe(403);
    expect(refused.json().message).toBe('Only the organisers see the registrations');
    expect((await client(t.app).get(`/api/meetings/${meeting.id}/registrations`)).statusCode).toBe(401);
    const othersView = await resident.get(`/api/meetings/${meeting.id}`);
    expect(othersView.body).not.toContain('Pyörätuolipaikka');
    expect(othersView.json().meeting.counts).toEqual({ hallRegistered: 1, hallWaitlisted: 0, remote: 0 });
  });

  it('must have the right types, or the field is named', async () => {
    const meeting = await createMeeting(chair, 'ymparistofoorumi');
    const response = await register(resident, meeting.id, 'hall', { interpretation: 'yes' });
    expect(response.statusCode).toBe(400);
    expect(response.json().message).toMatch(/body\/needs\/interpretation/);
  });
});
