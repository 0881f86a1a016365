import { HttpError } from '../errors.ts';
import { isStorableDate } from '../validation.ts';
import type { MeetingState, Place } from './schemas.ts';

const badRequest = (message: string) => new HttpError(400, message, 'invalid_input');

export interface MeetingShape {
  startsAt: Date;
  endsAt: Date;
  place: Place;
  address: string | null;
  capacity: number | null;
}

/**
 * Rules across fields, which a JSON schema cannot state; the message names the field
 * like the schema validator does, so a form can put it next to the right input.
 */
export function checkMeetingFields(m: MeetingShape): void {
  for (const [field, date] of [['startsAt', m.startsAt], ['endsAt', m.endsAt]] as const) {
    if (!isStorableDate(date)) throw badRequest(`body/${field} must be a date and time from the year 1 on, without a leap second`);
  }
  if (m.endsAt.getTime() <= m.startsAt.getTime()) throw badRequest('body/endsAt must be after body/startsAt');
  if (m.endsAt.getTime() - m.startsAt.getTime() > 7 * 86_400_000) throw badRequest('body/endsAt must be within 7 days of body/startsAt');
  if (m.place !== 'online' && m.address === null) throw badRequest(`body/address is required for a ${m.place} meeting`);
  if (m.place === 'online' && m.address !== null) throw badRequest('body/address must be empty for an online meeting');
  if (m.place === 'online' && m.capacity !== null) throw badRequest('body/capacity applies only to a meeting with a hall');
}

export type Transition = 'start' | 'end' | 'cancel';

const transitions: Record<Transition, { from: MeetingState; to: MeetingState }> = {
  start: { from: 'scheduled', to: 'live' },
  end: { from: 'live', to: 'ended' },
  cancel: { from: 'scheduled', to: 'cancelled' },
};

export function transition(action: Transition, state: MeetingState): MeetingState {
  const t = transitions[action];
  if (state !== t.from) throw new HttpError(409, `Cannot ${action} a meeting that is ${state}; only a ${t.from} meeting can be ${pastTense[action]}`, 'meeting_state');
  return t.to;
}

const pastTense: Record<Transition, string> = { start: 'started', end: 'ended', cancel: 'cancelled' };

/** Registrations and edits stop once a meeting is over or called off. */
export function requireOpen(state: MeetingState, what: string): void {
  if (state === 'cancelled') throw new HttpError(409, `${what} is closed: the meeting was cancelled`, 'meeting_cancelled');
  if (state === 'ended') throw new HttpError(409, `${what} is closed: the meeting has ended`, 'meeting_ended');
}
