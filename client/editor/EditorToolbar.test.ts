import { Editor } from '@tiptap/core';
import StarterKit from '@tiptap/starter-kit';
import { cleanup, fireEvent, render, screen } from '@testing-library/svelte';
import { tick } from 'svelte';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_LANG, setLang } from '../i18n/i18n.svelte.ts';
import EditorToolbar from './EditorToolbar.svelte';

let editor: Editor | undefined;

function setUp(onlink = () => {}) {
  setLang('en');
  const element = document.createElement('div');
  document.body.append(element);
  editor = new Editor({ element, injectCSS: false, extensions: [StarterKit], content: '<p>Kirjastot auki</p>' });
  let version = 0;
  const view = render(EditorToolbar, { editor, version, label: 'Formatting', onlink });
  // As CollabEditor does: every transaction is a new version for the toolbar to read.
  editor.on('transaction', () => void view.rerender({ editor: editor!, version: ++version, label: 'Formatting', onlink }));
  return editor;
}

describe('EditorToolbar', () => {
  afterEach(() => {
    cleanup();
    editor?.destroy();
    setLang(DEFAULT_LANG);
  });

  it('is one tab stop whose arrow keys move between the buttons', async () => {
    setUp();
    const toolbar = screen.getByRole('toolbar', { name: 'Formatting' });
    const buttons = screen.getAllByRole('button');
    expect(buttons.filter((b) => b.tabIndex === 0)).toEqual([screen.getByRole('button', { name: 'Heading' })]);
    buttons[0]!.focus();
    await fireEvent.keyDown(toolbar, { key: 'ArrowRight' });
    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Subheading' }));
    await fireEvent.keyDown(toolbar, { key: 'End' });
    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Redo my change' }));
    await fireEvent.keyDown(toolbar, { key: 'ArrowRight' });
    expect(document.activeElement).toBe(buttons[0]);
    expect(buttons.filter((b) => b.tabIndex === 0)).toEqual([buttons[0]]);
  });

  it('applies formatting and says which is on', async () => {
    const editor = setUp();
    editor.commands.selectAll();
    const bold = screen.getByRole('button', { name: 'Bold' });
    expect(bold.getAttribute('aria-pressed')).toBe('false');
    await fireEvent.click(bold);
    expect(editor.getHTML()).toBe('<p><strong>Kirjastot auki</strong></p>');
    expect(bold.getAttribute('aria-pressed')).toBe('true');
    await fireEvent.click(screen.getByRole('button', { name: 'Subheading' }));
    // (StarterKit keeps an empty paragraph after a last heading, to type on.)
    expect(editor.getHTML()).toMatch(/^<h3><strong>Kirjastot auki<\/strong><\/h3>/);
    editor.commands.setTextSelection(3);
    await tick();
    expect(screen.getByRole('button', { name: 'Subheading' }).getAttribute('aria-pressed')).toBe('true');
    expect(screen.getByRole('button', { name: 'Heading' }).getAttribute('aria-pressed')).toBe('false');
  });

  it('asks for a link address through its own dialog', async () => {
    let asked = 0;
    setUp(() => (asked += 1));
    await fireEvent.click(screen.getByRole('button', { name: 'Link' }));
    expect(asked).toBe(1);
  });
});
