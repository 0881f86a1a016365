import { describe, expect, it } from 'vitest';
import { matchRoute } from './router.svelte.ts';

describe('matchRoute', () => {
  it.each([
    ['/', { name: 'home' }],
    ['/signin', { name: 'signin' }],
    ['/signup/', { name: 'signup' }],
    ['/verify', { name: 'verifyEmail' }],
    ['/forgot-password', { name: 'forgotPassword' }],
    ['/reset-password', { name: 'resetPassword' }],
    ['/unsubscribe', { name: 'unsubscribe' }],
    ['/account/sessions', { name: 'sessions' }],
    ['/spaces/ymparistofoorumi', { name: 'space', slug: 'ymparistofoorumi' }],
    ['/spaces/a%C3%A4', { name: 'space', slug: 'aä' }],
    ['/spaces/', { name: 'notfound' }],
    ['/spaces/a/b', { name: 'notfound' }],
    ['/spaces/%E0%A4%A', { name: 'notfound' }],
    ['/nothing-here', { name: 'notfound' }],
    ['/spaces/ymparistofoorumi/moderation', { name: 'moderation', slug: 'ymparistofoorumi' }],
    ['/spaces/ymparistofoorumi/audit', { name: 'spaceAudit', slug: 'ymparistofoorumi' }],
    ['/spaces/ymparistofoorumi/people/', { name: 'people', slug: 'ymparistofoorumi' }],
    ['/spaces/ymparistofoorumi/other', { name: 'notfound' }],
    ['/threads/0b6c4c1e-8f52-4b43-a0a2-7f5b2c3d4e5f', { name: 'thread', id: '0b6c4c1e-8f52-4b43-a0a2-7f5b2c3d4e5f' }],
    ['/meetings/abc', { name: 'meeting', id: 'abc' }],
    ['/meetings/abc/room', { name: 'meetingRoom', id: 'abc' }],
    ['/spaces/kuntalaisraati/recommendations', { name: 'recommendations', slug: 'kuntalaisraati' }],
    ['/statements/abc', { name: 'statement', id: 'abc' }],
    ['/meetings/abc/other', { name: 'notfound' }],
    ['/search', { name: 'search' }],
    ['/admin/spaces', { name: 'adminSpaces' }],
    ['/admin/audit', { name: 'adminAudit' }],
  ])('%s', (path, route) => {
    expect(matchRoute(path)).toEqual(route);
  });
});
