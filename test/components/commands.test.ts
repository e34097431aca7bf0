// The one command table (shared/commands.ts) as the key handler, the help sheet, the tooltips and the native menu
// read it: a key runs the command the help sheet names for it, and the menu shows the same label and keys.
import { render, screen } from '@testing-library/svelte';
import type { MenuItemConstructorOptions } from 'electron';
import { describe, expect, it } from 'vitest';
import { buildMenuTemplate } from '../../main/electron/menu';
import { Commands, tip, type CommandHandlers } from '../../renderer/src/shell/commands';
import HelpSheet from '../../renderer/src/shell/HelpSheet.svelte';
import { COMMAND_IDS, commandForKey, COMMANDS, commandSpec, keysText, type CommandId } from '../../shared/commands';

const key = (k: string, mods: { ctrl?: boolean; shift?: boolean; alt?: boolean; meta?: boolean } = {}) => ({
  key: k,
  ctrlKey: !!mods.ctrl,
  metaKey: !!mods.meta,
  shiftKey: !!mods.shift,
  altKey: !!mods.alt,
});

function recording(enabled: Partial<Record<CommandId, boolean>> = {}) {
  const ran: string[] = [];
  const handlers = Object.fromEntries(
    COMMAND_IDS.map((id) => [id, { run: (arg?: string) => void ran.push(arg ? `${id}:${arg}` : id), enabled: () => enabled[id] ?? true }]),
  ) as CommandHandlers;
  return { commands: new Commands(handlers), ran };
}

describe('key handler', () => {
  it('every chord in the table runs its own command (no two commands share a key)', () => {
    for (const id of COMMAND_IDS) {
      for (const chord of commandSpec(id).keys ?? []) {
        const event = key(chord.key === 'enter' ? 'Enter' : chord.key === 'escape' ? 'Escape' : chord.key, { ctrl: chord.mod, shift: chord.shift, alt: chord.alt });
        expect(commandForKey(event), `${id} ${JSON.stringify(chord)}`).toBe(id);
      }
    }
  });

  it.each([
    ['s', { ctrl: true }, 'file.save'],
    ['S', { ctrl: true, shift: true }, 'file.saveAs'],
    ['s', { meta: true }, 'file.save'],
    ['Z', { ctrl: true, shift: true }, 'edit.redo'],
    ['y', { ctrl: true }, 'edit.redo'],
    ['n', { ctrl: true, alt: true }, 'file.newDialog'],
    ['?', { shift: true }, 'help.shortcuts'],
    ['C', { shift: true }, 'edit.connect'],
    ['Enter', { ctrl: true }, 'run.train'],
    ['z', {}, null],
    ['l', { ctrl: true }, null],
    ['n', { ctrl: true }, null],
  ] as const)('%s with %o runs %s', (k, mods, expected) => {
    expect(commandForKey(key(k, mods))).toBe(expected);
  });

  it('runs an enabled command and takes the key from the browser; a disabled one leaves both alone', () => {
    const { commands, ran } = recording({ 'edit.connect': false });
    const press = (k: string, mods = {}) => {
      const event = new KeyboardEvent('keydown', { ...key(k, mods), cancelable: true });
      commands.onKey(event);
      return event.defaultPrevented;
    };
    expect(press('s', { ctrl: true })).toBe(true);
    expect(press('c')).toBe(false);
    expect(press('q')).toBe(false);
    expect(ran).toEqual(['file.save']);
  });

  it('native menu messages run the same commands, with their argument; unknown ones are reported', () => {
    const { commands, ran } = recording();
    const unknown: string[] = [];
    const onMenu = commands.onMenu((a) => unknown.push(a));
    onMenu({ action: 'file.openRecent', arg: '/p/cnn.layerlab' });
    onMenu({ action: 'toString' });
    expect(ran).toEqual(['file.openRecent:/p/cnn.layerlab']);
    expect(unknown).toEqual(['toString']);
  });
});

describe('help sheet and tooltips', () => {
  it('lists each command with keys, written as the key handler reads them', () => {
    render(HelpSheet, { props: { open: true } });
    const rows = screen.getAllByTestId('help-row').map((r) => [...r.querySelectorAll('td')].map((td) => td.textContent?.trim()).join(' '));
    expect(rows).toContain('Ctrl+Shift+S Save project as');
    expect(rows).toContain('Ctrl+Shift+Z / Ctrl+Y Redo');
    expect(rows).toContain('1 / 2 / 3 / 4 Editor / Summary / Training / Sweeps views');
    expect(rows).toContain('Ctrl+C Copy selection (as JSON, pastes into any project)');
    const shown = COMMAND_IDS.filter((id) => commandSpec(id).help !== false && keysText(id));
    expect(rows).toHaveLength(shown.length + 4);
  });

  it('tooltips name the keys', () => {
    expect(tip('file.save')).toBe('Save project (Ctrl+S)');
    expect(tip('view.zoomToFit')).toBe('Zoom to fit (F)');
  });
});

describe('native menu', () => {
  const flatten = (items: MenuItemConstructorOptions[]): MenuItemConstructorOptions[] => items.flatMap((i) => [i, ...(Array.isArray(i.submenu) ? flatten(i.submenu) : [])]);

  it('every item that sends a command shows the table’s label; window chords with Ctrl become CmdOrCtrl accelerators', () => {
    const sent: string[] = [];
    const items = flatten(buildMenuTemplate({ platform: 'linux', isDev: false, recentProjects: [], send: (a) => sent.push(a) }));
    for (const item of items.filter((i) => i.click)) {
      sent.length = 0;
      (item.click as () => void)();
      expect(item.label).toBe(COMMANDS[sent[0] as CommandId].label);
    }
    const accel = (label: string) => items.find((i) => i.label === label)?.accelerator;
    expect(accel('Save As…')).toBe('CmdOrCtrl+Shift+S');
    expect(accel('Zoom to Fit')).toBe('CmdOrCtrl+0');
    expect(accel('Redo')).toBe('Ctrl+Y');
    const mac = flatten(buildMenuTemplate({ platform: 'darwin', isDev: false, recentProjects: [], send() {} }));
    expect(mac.find((i) => i.label === 'Redo')?.accelerator).toBe('Cmd+Shift+Z');
  });
});
