import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../test-app.ts';
import { escapeText, foldLine, renderCalendar, utc } from './icalendar.ts';
import { parseCalendar, prop, type Component } from './ics-check.ts';
import { client, createMeeting, demoClient, type Client } from './test-helpers.ts';

describe('the iCalendar writer', () => {
  it('escapes TEXT: backslash, semicolon, comma and newlines', () => {
    expect(escapeText('a\\b; c, d\r\ne\nf\rg')).toBe('a\\\\b\\; c\\, d\\ne\\nf\\ng');
    expect(escapeText('bell\u0007')).toBe('bell');
  });

  it('folds at 75 octets without splitting a UTF-8 character', () => {
    const line = `SUMMARY:${'ä'.repeat(60)}😀${'ö'.repeat(40)}`;
    const folded = foldLine(line);
    const parts = folded.split('\r\n');
    expect(parts.length).toBeGreaterThan(1);
    for (const part of parts) expect(Buffer.byteLength(part)).toBeLessThanOrEqual(75);
    expect(parts.slice(1).every((p) => p.startsWith(' '))).toBe(true);
    expect(parts.map((p, i) => (i === 0 ? p : p.slice(1))).join('')).toBe(line);
    expect(foldLine('SHORT:x')).toBe('SHORT:x');
  });

  it('writes a calendar the strict reader accepts', () => {
    const at = new Date('2026-03-14T16:00:00.123Z');
    const body = renderCalendar({
      prodId: '-//Test//FI',
      name: 'Koe; kalenteri, "lainaus"',
      refreshMinutes: 60,
      now: at,
      events: [
        {
          uid: 'x@test',
          start: at,
          end: new Date(at.getTime() + 3_600_000),
          summary: 'Kokous',
          description: 'Rivi 1\nRivi 2; pilkku, kenoviiva \\',
          status: 'CONFIRMED',
          sequence: 0,
          created: at,
          lastModified: at,
        },
      ],
    });
    const cal = parseCalendar(body);
    expect(prop(cal, 'X-WR-CALNAME')).toBe('Koe; kalenteri, "lainaus"');
    expect(prop(cal.children[0]!, 'DESCRIPTION')).toBe('Rivi 1\nRivi 2; pilkku, kenoviiva \\');
    expect(prop(cal.children[0]!, 'DTSTART')).toBe('20260314T160000Z');
    expect(utc(at)).toBe('20260314T160000Z');
  });
});

describe('calendar feeds', () => {
  let t: TestApp;
  let anonymous: Client, chair: Client, juror: Client;
  beforeAll(async () => {
    t = await startTestApp({ demo: true, publicUrl: 'https://osallistu.pihlajalahti.example' });
    anonymous = client(t.app);
    chair = await demoClient(t.app, 'chair');
    juror = await demoClient(t.app, 'juror');
  });
  afterAll(() => t.close());

  const feed = async (who: Client, url: string) => {
    const response = await who.get(url);
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('text/calendar; charset=utf-8');
    return parseCalendar(response.body);
  };
  const summaries = (cal: Component) => cal.children.map((e) => prop(e, 'SUMMARY'));
  const eventOf = (cal: Component, id: string) => cal.children.find((e) => prop(e, 'UID') === `${id}@meetings.aukio`);

  it('publishes the town’s public meetings to anyone, and the jury’s only to its people', async () => {
    const town = await feed(anonymous, '/api/meetings/calendar.ics');
    expect(prop(town, 'X-WR-CALNAME')).toBe('Aukio: kaikki kokoukset');
    expect(summaries(town)).toContain('Rantapuiston kunnostus');
    expect(summaries(town)).toContain('Talousarvio 2027 – kysy pormestarilta');
    expect(summaries(town)).not.toContain('Raadin toinen istunto');
    expect(summaries(await feed(juror, '/api/meetings/calendar.ics'))).toContain('Raadin toinen istunto');

    expect((await anonymous.get('/api/spaces/asukasraati/calendar.ics')).statusCode).toBe(404);
    const jury = await feed(juror, '/api/spaces/asukasraati/calendar.ics');
    expect(summaries(jury)).toEqual(['Raadin toinen istunto']);
    expect(prop(jury, 'X-WR-CALNAME')).toBe('Asukasraati: keskustan liikenne');
  });

  it('describes a hybrid meeting with its address, agenda and page, escaped and folded', async () => {
    const meeting = await createMeeting(chair, 'ymparistofoorumi', {
      title: { fi: 'Rantapuisto; vaihe 2, osa "B"', sv: 'Strandparken; etapp 2' },
      description: { fi: 'Pitkä kuvaus ympäristöstä, joka jatkuu ja jatkuu.\nToinen rivi: äöå ÄÖÅ \\ loppu.' },
      address: 'Kaupungintalo, Valtuustosali, Torikatu 1, Pihlajalahti',
      agenda: [{ title: { fi: 'Avaus' }, presenter: 'Puheenjohtaja', durationMinutes: 5 }, { title: { fi: 'Suunnitelma' } }],
    });
    const town = await feed(anonymous, '/api/meetings/calendar.ics');
    const event = eventOf(town, meeting.id)!;
    const page = `https://osallistu.pihlajalahti.example/meetings/${meeting.id}`;
    expect(prop(event, 'SUMMARY')).toBe('Rantapuisto; vaihe 2, osa "B"');
    expect(prop(event, 'LOCATION')).toBe(`Kaupungintalo, Valtuustosali, Torikatu 1, Pihlajalahti / Etäosallistuminen: ${page}`);
    expect(prop(event, 'URL')).toBe(page);
    expect(prop(event, 'DESCRIPTION')).toBe(
      'Pitkä kuvaus ympäristöstä, joka jatkuu ja jatkuu.\nToinen rivi: äöå ÄÖÅ \\ loppu.\n\n' +
        'Esityslista:\n1. Avaus (Puheenjohtaja, 5 min)\n2. Suunnitelma\n\n' +
        `Kokouksen sivu: ${page}`,
    );
    expect(prop(event, 'STATUS')).toBe('CONFIRMED');
    expect(prop(event, 'DTSTART')).toBe(utc(new Date(meeting.startsAt as string)));

    const swedish = await feed(anonymous, '/api/meetings/calendar.ics?lang=sv');
    expect(prop(eventOf(swedish, meeting.id)!, 'SUMMARY')).toBe('Strandparken; etapp 2');
    expect((await anonymous.get('/api/meetings/calendar.ics?lang=de')).statusCode).toBe(400);
  });

  it('keeps the UID stable, counts revisions, and marks a cancellation', async () => {
    const meeting = await createMeeting(chair, 'kulttuurifoorumi', { place: 'hall', address: 'Kirjasto, Puistotie 3' });
    const before = eventOf(await feed(anonymous, '/api/spaces/kulttuurifoorumi/calendar.ics'), meeting.id)!;
    expect(prop(before, 'SEQUENCE')).toBe('0');
    expect(prop(before, 'LOCATION')).toBe('Kirjasto, Puistotie 3');

    await chair.post(`/api/meetings/${meeting.id}/cancel`, { reason: 'Sali, valitettavasti, varattu' });
    const after = eventOf(await feed(anonymous, '/api/spaces/kulttuurifoorumi/calendar.ics'), meeting.id)!;
    expect(prop(after, 'STATUS')).toBe('CANCELLED');
    expect(prop(after, 'SEQUENCE')).toBe('1');
    expect(prop(after, 'SUMMARY')).toBe('Peruttu: Puistokokous');
    expect(prop(after, 'DESCRIPTION')).toMatch(/^Peruttu: Sali, valitettavasti, varattu\n\n/);
    expect(prop(after, 'LAST-MODIFIED')! >= prop(before, 'LAST-MODIFIED')!).toBe(true);
  });

  it('puts an online meeting’s page as its location', async () => {
    const meeting = await createMeeting(chair, 'kuntalaisfoorumi', { place: 'online', address: null, capacity: null, mode: 'broadcast' });
    const event = eventOf(await feed(anonymous, '/api/spaces/kuntalaisfoorumi/calendar.ics?lang=en'), meeting.id)!;
    expect(prop(event, 'LOCATION')).toBe(`Remote participation: https://osallistu.pihlajalahti.example/meetings/${meeting.id}`);
    expect(prop(event, 'SUMMARY')).toBe('Park meeting');
  });
});
