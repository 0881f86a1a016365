import { afterEach, describe, expect, it } from 'vitest';
import { ApiError } from './api.ts';
import { errorMessage } from './errors.ts';
import { DEFAULT_LANG, setLang } from './i18n/i18n.svelte.ts';

describe('errorMessage', () => {
  afterEach(() => setLang(DEFAULT_LANG));

  it('translates a known server error code', () => {
    const err = new ApiError(409, 'This thread is locked: spam', 'Conflict', 'thread_locked');
    setLang('fi');
    expect(errorMessage(err)).toBe('Tämä keskustelu on lukittu: uusia vastauksia tai muokkauksia ei voi tehdä.');
    setLang('sv');
    expect(errorMessage(err)).toBe('Diskussionen är låst: inga nya svar eller ändringar.');
  });

  it('shows the server message for an unknown code or none', () => {
    expect(errorMessage(new ApiError(400, 'body/title is too long', 'Bad Request', 'invalid_input'))).toBe('body/title is too long');
    expect(errorMessage(new ApiError(409, 'Registration is closed', 'Conflict'))).toBe('Registration is closed');
  });

  it('does not treat inherited object keys as translations', () => {
    expect(errorMessage(new ApiError(400, 'odd', 'Bad Request', 'constructor'))).toBe('odd');
  });

  it('uses its own words for an unreachable server and server faults', () => {
    setLang('en');
    expect(errorMessage(new ApiError(0, 'Failed to fetch'))).toMatch(/Could not reach the server/);
    expect(errorMessage(new ApiError(500, 'boom', 'Internal Server Error'))).toMatch(/Something went wrong/);
    expect(errorMessage(new Error('x'))).toMatch(/Something went wrong/);
  });
});
