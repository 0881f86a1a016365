import { describe, expect, it } from 'vitest';
import { matchRoute } from './router.svelte.ts';

describe('matchRoute', () => {
  it.each([
    ['/', { name: 'home' }],
    ['/signin', { name: 'signin' }],
    ['/signup/', { name: 'signup' }],
    ['/account/sessions', { name: 'sessions' }],
    ['/spaces/ymparistofoorumi', { name: 'space', slug: 'ymparistofoorumi' }],
    ['/spaces/a%C3%A4', { name: 'space', slug: 'aä' }],
    ['/spaces/', { name: 'notfound' }],
    ['/spaces/a/b', { name: 'notfound' }],
    ['/spaces/%E0%A4%A', { name: 'notfound' }],
    ['/nothing-here', { name: 'notfound' }],
  ])('%s', (path, route) => {
    expect(matchRoute(path)).toEqual(route);
  });
});
