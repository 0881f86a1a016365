import type { FastifyInstance } from 'fastify';
import { DEMO_PASSWORD } from '../../db/demo-town.ts';
import { signUpThroughMail } from '../auth/test-sign-up.ts';
import { signIn } from '../test-app.ts';

/** Requests as one person (or nobody), for the meeting tests. */
export function client(app: FastifyInstance, cookie?: string) {
  const headers = cookie ? { cookie } : {};
  const call = (method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, payload?: unknown) =>
    app.inject({ method, url, headers, ...(payload === undefined ? {} : { payload: payload as object }) });
  return {
    get: (url: string) => call('GET', url),
    post: (url: string, body: unknown = {}) => call('POST', url, body),
    put: (url: string, body: unknown) => call('PUT', url, body),
    patch: (url: string, body: unknown) => call('PATCH', url, body),
    del: (url: string) => call('DELETE', url),
  };
}
export type Client = ReturnType<typeof client>;

export const demo = {
  resident: 'asukas@pihlajalahti.example',
  juror: 'raati@pihlajalahti.example',
  moderator: 'moderaattori@pihlajalahti.example',
  secretary: 'sihteeri@pihlajalahti.example',
  chair: 'puheenjohtaja@pihlajalahti.example',
  admin: 'yllapito@pihlajalahti.example',
} as const;

export async function demoClient(app: FastifyInstance, who: keyof typeof demo): Promise<Client> {
  return client(app, await signIn(app, demo[who], DEMO_PASSWORD));
}

let people = 0;
/** A fresh signed-up resident, holding no role anywhere. */
export async function newResident(app: FastifyInstance): Promise<Client & { name: string }> {
  people += 1;
  const name = `Resident ${people}`;
  const { cookie } = await signUpThroughMail(
    app,
    { email: `resident${people}-${process.pid}@example.fi`, password: 'correct horse battery', displayName: name },
    { remoteAddress: `10.9.${Math.floor(people / 250)}.${people % 250}` },
  );
  return { ...client(app, cookie), name };
}

const hour = 3_600_000;
export const inHours = (hours: number) => new Date(Date.now() + hours * hour).toISOString();

/** A valid creation body; override what the test is about. */
export function meetingBody(overrides: Record<string, unknown> = {}) {
  return {
    title: { fi: 'Puistokokous', sv: 'Parkmöte', en: 'Park meeting' },
    description: { fi: 'Keskustelemme puistoista.' },
    startsAt: inHours(48),
    endsAt: inHours(50),
    mode: 'meeting',
    place: 'hybrid',
    address: 'Kaupungintalo, Torikatu 1, Pihlajalahti',
    capacity: 40,
    ...overrides,
  };
}

export async function createMeeting(as: Client, slug: string, overrides: Record<string, unknown> = {}) {
  const response = await as.post(`/api/spaces/${slug}/meetings`, meetingBody(overrides));
  if (response.statusCode !== 201) throw new Error(`creating a meeting answered ${response.statusCode}: ${response.body}`);
  return response.json().meeting as { id: string; [key: string]: unknown };
}
