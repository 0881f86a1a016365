import type { Locator } from 'playwright-core';
import { expect } from 'vitest';

/**
 * Waits until a shared editor takes typing: the server has said this person may write. Until then
 * it is read-only and without its toolbar, whose arrival also moves the text down, so a click
 * aimed at a line before then may land on another.
 */
export async function whenEditable(editor: Locator): Promise<Locator> {
  await expect.poll(() => editor.getAttribute('contenteditable'), { timeout: 15_000 }).toBe('true');
  return editor;
}
