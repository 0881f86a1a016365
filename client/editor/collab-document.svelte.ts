/**
 * One shared document per name on the page: a Y.Doc synced by the stock y-websocket provider with
 * `/collab/<name>` on the page's own origin. Components that show the same document (each
 * recommendation's text and rationale, say) share it; it closes when the last one lets go.
 */
import { onDestroy } from 'svelte';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { api, ApiError } from '../api.ts';
import type { MessageKey } from '../i18n/i18n.svelte.ts';
import { closeCodes } from '../room/protocol.ts';
import { forgetUser, session } from '../session.svelte.ts';
import { colourFor, colourIndexOf } from './caret-colours.ts';
import './collab.css';

export type CollabStatus = 'connecting' | 'synced' | 'offline' | 'refused';

/** What the server decided about this person and this document. */
export type CollabAccess = 'unknown' | 'read' | 'write';

/** Close codes (and their HTTP twins) after which the socket does not try again. */
const refusalReasons: Record<number, MessageKey> = {
  [closeCodes.signInRequired]: 'editor.refused.signIn',
  [closeCodes.forbidden]: 'editor.refused.forbidden',
  [closeCodes.notFound]: 'editor.refused.notFound',
  [closeCodes.sessionEnded]: 'editor.refused.signedOut',
};
const httpToClose: Record<number, number> = { 401: closeCodes.signInRequired, 403: closeCodes.forbidden, 404: closeCodes.notFound };

/** The close code of a document the server could not load. */
const SERVER_ERROR = 1011;

/** The chair may lock meeting notes at any moment; the editor learns it this often. */
const LOCK_CHECK_MS = 10_000;

/** After an access question that got no answer (offline, a server error): the waits before asking again. */
const ACCESS_RETRY_MS = [1_000, 2_000, 5_000, 10_000, 30_000];

export function refusalReason(code: number): MessageKey {
  return refusalReasons[code] ?? 'editor.refused.other';
}

/** Someone else with the document open. */
export interface Peer {
  clientId: number;
  name: string;
  colourIndex: number;
}

export class CollabDocument {
  readonly name: string;
  readonly doc = new Y.Doc();
  readonly provider: WebsocketProvider;
  status = $state<CollabStatus>('connecting');
  /** Set when the server refused the document: its close code. */
  refusedCode = $state<number | null>(null);
  access = $state<CollabAccess>('unknown');
  /** The server could not load the stored document (it refuses rather than serve an empty one); trying again. */
  loadFailed = $state(false);
  /** Meeting notes the chair has made read-only. */
  locked = $state(false);
  /**
   * Whether this person may type in it now. A getter, not `$derived`: the document outlives the
   * component that opened it (others share it), and a derived owned by a destroyed component
   * goes stale (Svelte's `derived_inert`), which left the editors read-only.
   */
  get canWrite(): boolean {
    return this.access === 'write' && !this.locked && this.status !== 'refused';
  }
  /** Others with the document open now (one entry per browser tab). */
  peers = $state<Peer[]>([]);
  get refusal(): MessageKey | null {
    return this.refusedCode === null ? null : refusalReason(this.refusedCode);
  }

  #users = 0;
  #synced = false;
  #lockTimer: ReturnType<typeof setInterval> | undefined;
  #accessRetry: ReturnType<typeof setTimeout> | undefined;
  #accessFailures = 0;
  #stopUserEffect: (() => void) | undefined;

  constructor(name: string) {
    this.name = name;
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    // The provider keeps edits made while offline in the Y.Doc and sends them when it reconnects.
    this.provider = new WebsocketProvider(`${scheme}://${location.host}/collab`, name, this.doc, { disableBc: true });
    this.provider.on('status', ({ status }) => {
      // Before the first sync it is still opening; after it, anything but synced is offline.
      if (this.status !== 'refused' && status !== 'connected') this.status = this.#synced ? 'offline' : 'connecting';
    });
    this.provider.on('sync', (synced: boolean) => {
      if (this.status === 'refused' || !synced) return;
      this.status = 'synced';
      this.loadFailed = false;
      // Back online: the lock or the person's role may have changed meanwhile.
      if (this.#synced) void this.refreshAccess();
      this.#synced = true;
    });
    this.provider.on('connection-close', (event) => {
      if (event?.code === SERVER_ERROR) this.loadFailed = true;
      // The person's rights changed (the provider reconnects by itself): no typing until the server
      // says what they may do now, or edits it will not take would pile up on this page.
      if (event?.code === closeCodes.accessChanged) {
        this.access = 'unknown';
        void this.refreshAccess();
      }
    });
    this.provider.on('closed', ({ code }) => this.#refuse(code));
    this.provider.awareness.on('change', () => {
      this.peers = peersOf(this.provider.awareness.getStates(), this.doc.clientID);
    });
    this.#stopUserEffect = $effect.root(() => {
      $effect(() => {
        this.provider.awareness.setLocalStateField('user', awarenessUser());
      });
    });
    void this.refreshAccess();
    if (name.endsWith(':notes')) this.#lockTimer = setInterval(() => void this.refreshAccess(), LOCK_CHECK_MS);
  }

  /** Asks the server again what this person may do with the document. */
  async refreshAccess(): Promise<void> {
    clearTimeout(this.#accessRetry);
    try {
      const answer = await api.get<{ access: 'read' | 'write'; locked: boolean }>(`/api/documents/${encodeURIComponent(this.name)}/access`);
      this.access = answer.access;
      this.locked = answer.locked;
      this.#accessFailures = 0;
    } catch (error) {
      const code = error instanceof ApiError ? httpToClose[error.status] : undefined;
      if (code !== undefined) return this.#refuse(code);
      // Offline or a server error: keep what we knew, and ask again, less often each time. Without
      // an answer a writer would be left with a read-only editor until the next reconnect.
      // Released meanwhile: no one is asking any more.
      if (this.doc.isDestroyed) return;
      const wait = ACCESS_RETRY_MS[Math.min(this.#accessFailures, ACCESS_RETRY_MS.length - 1)];
      this.#accessFailures += 1;
      this.#accessRetry = setTimeout(() => void this.refreshAccess(), wait);
    }
  }

  #refuse(code: number): void {
    // Signed out elsewhere (or the session ended from another device): the whole page shows it.
    if (code === closeCodes.sessionEnded) forgetUser();
    this.status = 'refused';
    this.refusedCode = code;
    this.access = 'unknown';
    this.provider.disconnect();
    clearInterval(this.#lockTimer);
    clearTimeout(this.#accessRetry);
  }

  retain(): this {
    this.#users += 1;
    return this;
  }

  /** Whether this was the last user. */
  release(): boolean {
    this.#users -= 1;
    if (this.#users > 0) return false;
    clearInterval(this.#lockTimer);
    clearTimeout(this.#accessRetry);
    this.#stopUserEffect?.();
    this.provider.awareness.setLocalState(null);
    this.provider.destroy();
    this.doc.destroy();
    return true;
  }
}

/** How this person appears to co-editors: name and caret colour; null when signed out. Reactive. */
export function awarenessUser(): { name: string; color: string; colourIndex: number } | null {
  const user = session.user;
  return user ? { name: user.displayName, ...colourFor(user.id) } : null;
}

function peersOf(states: Map<number, Record<string, unknown>>, own: number): Peer[] {
  const peers: Peer[] = [];
  for (const [clientId, state] of states) {
    const user = state['user'];
    if (clientId === own || !user || typeof user !== 'object') continue;
    const { name } = user as { name?: unknown };
    if (typeof name !== 'string' || name.length === 0) continue;
    peers.push({ clientId, name, colourIndex: colourIndexOf(user as Record<string, unknown>) });
  }
  return peers.sort((a, b) => a.name.localeCompare(b.name));
}

// Bookkeeping, never shown: each document's own state is what components observe.
// eslint-disable-next-line svelte/prefer-svelte-reactivity
const open = new Map<string, CollabDocument>();

/** The page's document of this name, opened if needed; give it back with `releaseCollabDocument`. */
export function openCollabDocument(name: string): CollabDocument {
  let document = open.get(name);
  if (!document) {
    document = new CollabDocument(name);
    open.set(name, document);
  }
  return document.retain();
}

export function releaseCollabDocument(document: CollabDocument): void {
  if (document.release()) open.delete(document.name);
}

/** In a component's setup: the document for as long as the component lives. */
export function useCollabDocument(name: string): CollabDocument {
  const document = openCollabDocument(name);
  onDestroy(() => releaseCollabDocument(document));
  return document;
}
