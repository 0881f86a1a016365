import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../test-app.ts';
import { createMeeting, demoClient, type Client } from './test-helpers.ts';

let t: TestApp;
let chair: Client, secretary: Client, moderator: Client, resident: Client;
beforeAll(async () => {
  t = await startTestApp({ demo: true });
  chair = await demoClient(t.app, 'chair');
  secretary = await demoClient(t.app, 'secretary');
  moderator = await demoClient(t.app, 'moderator');
  resident = await demoClient(t.app, 'resident');
});
afterAll(() => t.close());

type Item = { id: string; position: number; title: { fi: string; sv: string }; presenter: string | null; durationMinutes: number | null };

describe('the agenda', () => {
  it('is created in the order given', async () => {
    const meeting = await createMeeting(chair, 'ymparistofoorumi', {
      agenda: [
        { title: { fi: 'Avaus', sv: 'Öppning' }, presenter: 'Puheenjohtaja', durationMinutes: 5 },
        { title: { fi: 'Rantapuisto' }, durationMinutes: 45 },
        { title: { fi: 'Muut asiat' } },
      ],
    });
    const agenda = meeting.agenda as Item[];
    expect(agenda.map((i) => [i.position, i.title.fi, i.title.sv, i.presenter, i.durationMinutes])).toEqual([
      [0, 'Avaus', 'Öppning', 'Puheenjohtaja', 5],
      [1, 'Rantapuisto', 'Rantapuisto', null, 45],
      [2, 'Muut asiat', 'Muut asiat', null, null],
    ]);
  });

  it('is replaced whole: kept items keep their id in their new place, left-out items go', async () => {
    const meeting = await createMeeting(chair, 'ymparistofoorumi', {
      agenda: [{ title: { fi: 'A' } }, { title: { fi: 'B' } }, { title: { fi: 'C' } }],
    });
    const [a, b, c] = meeting.agenda as Item[];
    const response = await secretary.put(`/api/meetings/${meeting.id}/agenda`, {
      items: [{ id: c!.id, title: { fi: 'C' } }, { title: { fi: 'Uusi' }, durationMinutes: 10 }, { id: a!.id, title: { fi: 'A, muutettu' } }],
    });
    expect(response.statusCode).toBe(200);
    const agenda = response.json().agenda as Item[];
    expect(agenda.map((i) => i.title.fi)).toEqual(['C', 'Uusi', 'A, muutettu']);
    expect(agenda.map((i) => i.position)).toEqual([0, 1, 2]);
    expect(agenda[0]!.id).toBe(c!.id);
    expect(agenda[2]!.id).toBe(a!.id);
    expect(agenda.map((i) => i.id)).not.toContain(b!.id);

    const page = (await resident.get(`/api/meetings/${meeting.id}`)).json().meeting;
    expect(page.agenda).toEqual(agenda);
    expect(page.sequence).toBe(1);
  });

  it('refuses an id from another agenda, a repeated id, and a member', async () => {
    const one = await createMeeting(chair, 'ymparistofoorumi', { agenda: [{ title: { fi: 'X' } }] });
    const other = await createMeeting(chair, 'ymparistofoorumi', { agenda: [{ title: { fi: 'Y' } }] });
    const foreignId = (other.agenda as Item[])[0]!.id;
    const foreign = await chair.put(`/api/meetings/${one.id}/agenda`, { items: [{ id: foreignId, title: { fi: 'Y' } }] });
    expect(foreign.statusCode).toBe(400);
    expect(foreign.json().message).toBe("body/items/0/id is not an item of this meeting's agenda");
    const ownId = (one.agenda as Item[])[0]!.id;
    const twice = await chair.put(`/api/meetings/${one.id}/agenda`, { items: [{ id: ownId, title: { fi: 'X' } }, { id: ownId, title: { fi: 'X' } }] });
    expect(twice.json().message).toBe('body/items/1/id appears twice');
    expect((await resident.put(`/api/meetings/${one.id}/agenda`, { items: [] })).statusCode).toBe(403);
    expect((await chair.put(`/api/meetings/${one.id}/agenda`, { items: [{ title: {} }] })).json().message).toMatch(/body\/items\/0\/title/);
  });

  it('can be emptied', async () => {
    const meeting = await createMeeting(chair, 'ymparistofoorumi', { agenda: [{ title: { fi: 'X' } }] });
    const response = await chair.put(`/api/meetings/${meeting.id}/agenda`, { items: [] });
    expect(response.json().agenda).toEqual([]);
  });
});

describe('meeting states', () => {
  it('goes scheduled → live → ended, and refuses any other move with 409', async () => {
    const meeting = await createMeeting(chair, 'ymparistofoorumi');
    const url = `/api/meetings/${meeting.id}`;
    expect((await chair.post(`${url}/end`)).statusCode).toBe(409);
    const started = await secretary.post(`${url}/start`);
    expect(started.statusCode).toBe(200);
    expect(started.json().meeting.state).toBe('live');
    const again = await chair.post(`${url}/start`);
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({ message: 'Cannot start a meeting that is live; only a scheduled meeting can be started', code: 'meeting_state' });
    expect((await chair.post(`${url}/cancel`, { reason: 'Liian myöhään' })).statusCode).toBe(409);
    const ended = await chair.post(`${url}/end`);
    expect(ended.json().meeting).toMatchObject({ state: 'ended', sequence: 2 });
    expect((await chair.post(`${url}/start`)).statusCode).toBe(409);

    const edit = await chair.patch(url, { title: { fi: 'Myöhäinen muutos' } });
    expect(edit.statusCode).toBe(409);
    expect(edit.json().message).toBe('Editing is closed: the meeting has ended');
    expect((await chair.put(`${url}/agenda`, { items: [] })).statusCode).toBe(409);
  });

  it('cancels a scheduled meeting with a reason, which everyone sees', async () => {
    const meeting = await createMeeting(chair, 'ymparistofoorumi');
    const url = `/api/meetings/${meeting.id}`;
    const noReason = await chair.post(`${url}/cancel`, {});
    expect(noReason.statusCode).toBe(400);
    expect(noReason.json().message).toMatch(/body must have required property 'reason'/);
    const cancelled = await chair.post(`${url}/cancel`, { reason: 'Sali on remontissa' });
    expect(cancelled.statusCode).toBe(200);
    const page = (await resident.get(url)).json().meeting;
    expect(page).toMatchObject({ state: 'cancelled', cancelReason: 'Sali on remontissa' });
    expect((await chair.post(`${url}/start`)).statusCode).toBe(409);
  });

  it('is changed only by the organisers', async () => {
    const meeting = await createMeeting(chair, 'ymparistofoorumi');
    expect((await resident.post(`/api/meetings/${meeting.id}/start`)).statusCode).toBe(403);
    expect((await moderator.post(`/api/meetings/${meeting.id}/start`)).statusCode).toBe(403);
    expect((await resident.get(`/api/meetings/${meeting.id}`)).json().meeting.state).toBe('scheduled');
  });
});
