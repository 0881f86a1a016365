import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_LANG, formatTime, setLang } from '../i18n/i18n.svelte.ts';
import { RoomCommandError } from './connection.svelte.ts';
import { roomErrorMessage } from './room-errors.ts';

describe('roomErrorMessage', () => {
  afterEach(() => setLang(DEFAULT_LANG));

  it('says until when and why one is muted from the error details, not the English text', () => {
    const until = '2025-10-14T15:10:00.000Z';
    const err = new RoomCommandError('muted', 'You are muted until then: whatever', { until, reason: 'Huutelu' });
    setLang('fi');
    expect(roomErrorMessage(err)).toBe(`Moderaattori on vaientanut sinut klo ${formatTime(until)} asti, joten et voi kirjoittaa etkä pyytää puheenvuoroa. Perustelu: Huutelu`);
    setLang('sv');
    expect(roomErrorMessage(new RoomCommandError('muted', 'x', { until, reason: '' }))).toBe(
      `En moderator har tystat dig till kl. ${formatTime(until)}, så du kan inte skriva eller begära ordet.`,
    );
    // Without details: the general words.
    setLang('en');
    expect(roomErrorMessage(new RoomCommandError('muted', 'You are muted'))).toMatch(/^A moderator has muted you for now/);
  });

  it('says how long to wait in slow mode from the error details', () => {
    setLang('en');
    expect(roomErrorMessage(new RoomCommandError('slow_mode', 'Slow mode: you can send again in 99 s', { retryAfterSeconds: 12 }))).toBe(
      'Slow mode is on: you can send again in 12 s.',
    );
    expect(roomErrorMessage(new RoomCommandError('slow_mode', 'Slow mode: you can send again in 12 s'))).toBe('Slow mode is on: wait a moment before sending again.');
  });

  it('translates other codes and falls back to the server text', () => {
    setLang('fi');
    expect(roomErrorMessage(new RoomCommandError('empty_queue', 'Nobody present is waiting to speak'))).toBe('Kukaan paikalla olevista ei odota puheenvuoroa.');
    expect(roomErrorMessage(new RoomCommandError('odd_code', 'Odd'))).toBe('Odd');
  });
});
