import { Extension } from '@tiptap/core';
import { Plugin, PluginKey } from '@tiptap/pm/state';
import type { EditorView } from '@tiptap/pm/view';

/**
 * Keys the browser handles itself (End, Ctrl+End, Home, the arrows mostly) move the caret in the
 * page, and ProseMirror learns of it from the `selectionchange` event, which comes a moment later.
 * A key the editor handles (Enter, Backspace at a paragraph's start, a shortcut) pressed within
 * that moment acted at the old caret: a new paragraph split the one the person had clicked in
 * before. So before any key is handled the view reads the caret the page shows now.
 */
export const CaretBeforeKeys = Extension.create({
  name: 'caretBeforeKeys',
  // Before every other extension's keys.
  priority: 10_000,
  addProseMirrorPlugins() {
    return [
      new Plugin({
        key: new PluginKey('caretBeforeKeys'),
        props: {
          handleKeyDown(view, event) {
            // 229: a key inside an input method's composition, which ProseMirror leaves alone too.
            if (event.keyCode !== 229) readPendingDomChanges(view);
            return false;
          },
        },
      }),
    ];
  },
});

/** ProseMirror's own reader of what changed in the page (its typed API does not expose it). */
function readPendingDomChanges(view: EditorView): void {
  (view as unknown as { domObserver?: { flush(): void } }).domObserver?.flush();
}
