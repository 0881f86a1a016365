import { cleanup, render, screen } from '@testing-library/svelte';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_LANG, setLang } from '../i18n/i18n.svelte.ts';
import { session } from '../session.svelte.ts';
import type { Post } from '../types.ts';
import PostItem from './PostItem.svelte';

const base: Post = {
  id: 'p1',
  seq: '1',
  threadId: 't1',
  author: { id: 'u1', displayName: 'Aino Asukas', staffRoles: [] },
  bodyHtml: '<p>Rantapuistoon koirapuisto</p>',
  createdAt: '2025-10-14T15:00:00Z',
  editedAt: null,
  hidden: null,
  reactions: { like: 2 },
  myReactions: ['like'],
};

describe('PostItem', () => {
  afterEach(() => {
    cleanup();
    setLang(DEFAULT_LANG);
    session.user = null;
  });

  it('shows everyone why a hidden post was hidden, in their language', async () => {
    const post = { ...base, bodyHtml: null, hidden: { reason: 'Asiaton kielenkäyttö', hiddenAt: '2025-10-14T16:00:00Z' } };
    const { rerender } = render(PostItem, { post, canModerate: false, canEdit: true, onchange: () => {} });
    expect(screen.getByText('Piilotettu moderaattorin toimesta: Asiaton kielenkäyttö')).toBeTruthy();
    expect(screen.queryByText('Rantapuistoon koirapuisto')).toBeNull();
    setLang('sv');
    await rerender({ post });
    expect(screen.getByText('Dold av en moderator: Asiaton kielenkäyttö')).toBeTruthy();
  });

  it('marks an edited post and offers reactions as toggle buttons when signed in', () => {
    setLang('en');
    session.user = { id: 'u2', email: 'b@example.fi', displayName: 'Bertta', isAdmin: false };
    render(PostItem, { post: { ...base, editedAt: '2025-10-14T15:30:00Z' }, canModerate: false, canEdit: true, onchange: () => {} });
    expect(screen.getByText('(edited)')).toBeTruthy();
    const like = screen.getByRole('button', { name: /Like/ });
    expect(like.getAttribute('aria-pressed')).toBe('true');
    expect(like.textContent).toContain('2');
    expect(screen.getByRole('button', { name: /Agree/ }).getAttribute('aria-pressed')).toBe('false');
    // Someone else's post can be reported, not edited.
    expect(screen.getByRole('button', { name: 'Report' })).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Edit' })).toBeNull();
  });

  it('marks a staff member beside their name, so a look-alike name cannot pass for theirs', () => {
    setLang('en');
    render(PostItem, { post: { ...base, author: { id: 'u3', displayName: 'Paavo Puhemies', staffRoles: ['chair', 'admin'] } }, canModerate: false, canEdit: false, onchange: () => {} });
    const header = screen.getByText('Paavo Puhemies').closest('header')!;
    expect(header.textContent).toContain('Chair');
    expect(header.textContent).toContain('Administrator');
    cleanup();
    render(PostItem, { post: base, canModerate: false, canEdit: false, onchange: () => {} });
    expect(screen.getByText('Aino Asukas').closest('header')!.querySelector('.badge')).toBeNull();
  });
});
