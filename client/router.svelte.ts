/**
 * A tiny history-API router. Routes are matched on the path only; internal `<a href>`
 * clicks are intercepted by `startRouter()`.
 */

export type Route =
  | { name: 'home' }
  | { name: 'signin' }
  | { name: 'signup' }
  | { name: 'sessions' }
  | { name: 'space'; slug: string }
  | { name: 'notfound' };

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
    case '/account/sessions':
      return { name: 'sessions' };
  }
  const space = /^\/spaces\/([^/]+)$/.exec(path);
  if (space?.[1]) {
    try {
      return { name: 'space', slug: decodeURIComponent(space[1]) };
    } catch {
      return { name: 'notfound' };
    }
  }
  return { name: 'notfound' };
}

function currentPath(): string {
  return typeof location === 'undefined' ? '/' : location.pathname;
}

export const router = $state<{ route: Route; path: string; navigations: number }>({
  route: matchRoute(currentPath()),
  path: currentPath(),
  /** Counts client-side navigations (0 on first load), so the app knows when to move focus. */
  navigations: 0,
});

function update(): void {
  router.path = location.pathname;
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
