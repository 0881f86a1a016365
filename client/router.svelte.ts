/**
 * A tiny history-API router. Routes are matched on the path only; internal `<a href>`
 * clicks are intercepted by `startRouter()`.
 */
import { paramOf } from './url.ts';

export type Route =
  | { name: 'home' }
  | { name: 'signin' }
  | { name: 'signup' }
  | { name: 'verifyEmail' }
  | { name: 'forgotPassword' }
  | { name: 'resetPassword' }
  | { name: 'unsubscribe' }
  | { name: 'sessions' }
  | { name: 'space'; slug: string }
  | { name: 'moderation'; slug: string }
  | { name: 'spaceAudit'; slug: string }
  | { name: 'people'; slug: string }
  | { name: 'recommendations'; slug: string }
  | { name: 'statement'; id: string }
  | { name: 'thread'; id: string }
  | { name: 'meeting'; id: string }
  | { name: 'meetingRoom'; id: string }
  | { name: 'meetingMinutes'; id: string }
  | { name: 'search' }
  | { name: 'adminSpaces' }
  | { name: 'adminAudit' }
  | { name: 'notfound' };

/** Paths with one parameter: the pattern and how it becomes a route. */
const patterns: [RegExp, (param: string) => Route][] = [
  [/^\/spaces\/([^/]+)$/, (slug) => ({ name: 'space', slug })],
  [/^\/spaces\/([^/]+)\/moderation$/, (slug) => ({ name: 'moderation', slug })],
  [/^\/spaces\/([^/]+)\/audit$/, (slug) => ({ name: 'spaceAudit', slug })],
  [/^\/spaces\/([^/]+)\/people$/, (slug) => ({ name: 'people', slug })],
  [/^\/spaces\/([^/]+)\/recommendations$/, (slug) => ({ name: 'recommendations', slug })],
  [/^\/statements\/([^/]+)$/, (id) => ({ name: 'statement', id })],
  [/^\/threads\/([^/]+)$/, (id) => ({ name: 'thread', id })],
  [/^\/meetings\/([^/]+)$/, (id) => ({ name: 'meeting', id })],
  [/^\/meetings\/([^/]+)\/room$/, (id) => ({ name: 'meetingRoom', id })],
  [/^\/meetings\/([^/]+)\/minutes$/, (id) => ({ name: 'meetingMinutes', id })],
];

export function matchRoute(pathname: string): Route {
  const path = pathname.length > 1 ? pathname.replace(/\/+$/, '') : pathname;
  switch (path) {
    case '':
    case '/':
      return { name: 'home' };
    case '/signin':
      return { name: 'signin' };
    case '/signup':
      return { name: 'signup' };
    case '/verify':
      return { name: 'verifyEmail' };
    case '/forgot-password':
      return { name: 'forgotPassword' };
    case '/reset-password':
      return { name: 'resetPassword' };
    case '/unsubscribe':
      return { name: 'unsubscribe' };
    case '/account/sessions':
      return { name: 'sessions' };
    case '/search':
      return { name: 'search' };
    case '/admin/spaces':
      return { name: 'adminSpaces' };
    case '/admin/audit':
      return { name: 'adminAudit' };
  }
  for (const [pattern, toRoute] of patterns) {
    const match = pattern.exec(path);
    if (!match?.[1]) continue;
    try {
      return toRoute(decodeURIComponent(match[1]));
    } catch {
      return { name: 'notfound' };
    }
  }
  return { name: 'notfound' };
}

function currentPath(): string {
  return typeof location === 'undefined' ? '/' : location.pathname;
}

function currentSearch(): string {
  return typeof location === 'undefined' ? '' : location.search;
}

export const router = $state<{ route: Route; path: string; search: string; navigations: number }>({
  route: matchRoute(currentPath()),
  path: currentPath(),
  /** The query string, with its `?` (e.g. `?q=puisto`), or ''. */
  search: currentSearch(),
  /** Counts client-side navigations (0 on first load), so the app knows when to move focus. */
  navigations: 0,
});

/** One query parameter of the current address (reactive), or '' when it is absent. */
export function queryParam(name: string): string {
  return paramOf(router.search, name);
}

function update(): void {
  router.path = location.pathname;
  router.search = location.search;
  router.route = matchRoute(location.pathname);
  router.navigations += 1;
}

/** Go to an internal URL (path, optionally with query and hash). */
export function navigate(to: string, options: { replace?: boolean } = {}): void {
  // A throwaway parse, never stored or observed, so it needs no reactive SvelteURL.
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  const { origin, href, pathname, search, hash } = new URL(to, location.href);
  if (origin !== location.origin) {
    location.assign(href);
    return;
  }
  const target = pathname + search + hash;
  if (options.replace) history.replaceState(null, '', target);
  else history.pushState(null, '', target);
  update();
  if (!hash) window.scrollTo(0, 0);
}

function handleClick(event: MouseEvent): void {
  if (event.defaultPrevented || event.button !== 0) return;
  if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  const anchor = (event.target as Element | null)?.closest?.('a');
  if (!anchor || !anchor.hasAttribute('href')) return;
  if (anchor.hasAttribute('download') || anchor.getAttribute('rel')?.includes('external')) return;
  const target = anchor.getAttribute('target');
  if (target && target !== '_self') return;

  const url = new URL(anchor.href, location.href);
  if (url.origin !== location.origin) return;
  // Same-page hash links (e.g. the skip link) keep the browser's own behaviour.
  if (url.pathname === location.pathname && url.search === location.search && url.hash) return;
  // Server-rendered or non-page paths are left to the browser.
  if (url.pathname.startsWith('/api/') || url.pathname === '/healthz') return;

  event.preventDefault();
  navigate(url.pathname + url.search + url.hash);
}

/** Install the click and popstate listeners; returns a function that removes them. */
export function startRouter(): () => void {
  const onPopState = () => update();
  document.addEventListener('click', handleClick);
  window.addEventListener('popstate', onPopState);
  return () => {
    document.removeEventListener('click', handleClick);
    window.removeEventListener('popstate', onPopState);
  };
}
