/**
 * Every command of the window, in one table: its label, the keys the window's key handler matches, and how the
 * help sheet and the native menu show it. The renderer binds each id to what it runs and when it is enabled
 * (renderer/src/shell/commands.ts); main's menu (main/electron/menu.ts) lays the same ids out, with these labels
 * and accelerators. A command added here does not compile until the window says how to run it.
 */

/** A key with its modifiers; `mod` is Ctrl, or Cmd on macOS. `shift` left out matches either (the `?` key). */
export interface KeyChord {
  /** KeyboardEvent.key, lower-cased: 'z', 'enter', 'escape', '?', '/'. */
  key: string;
  mod?: boolean;
  shift?: boolean;
  alt?: boolean;
}

export interface CommandSpec {
  /** The menu's label; the help sheet and tooltips use `help` where it says more. */
  label: string;
  /** Keys the window's own key handler runs the command on. */
  keys?: readonly KeyChord[];
  /** The keys as the help sheet writes them, where something else handles them (Svelte Flow's Delete). */
  keysText?: string;
  /** The help sheet's wording; false leaves the command out of the sheet (menu-only, or covered by another row). */
  help?: string | false;
  /** The native menu's accelerator where it differs from the window's keys (a plain key there would steal typing). */
  accelerator?: string;
  /** macOS's accelerator where it differs from the others'. */
  macAccelerator?: string;
}

const mod = true;

export const COMMANDS = {
  'file.new': { label: 'New Project', accelerator: 'CmdOrCtrl+N', help: false },
  'file.newDialog': { label: 'New project', keys: [{ key: 'n', mod, alt: true }] },
  'file.open': { label: 'Open…', help: 'Open project or import a model', keys: [{ key: 'o', mod }] },
  'file.openRecent': { label: 'Open Recent', help: false },
  'file.save': { label: 'Save', help: 'Save project', keys: [{ key: 's', mod, shift: false }] },
  'file.saveAs': { label: 'Save As…', help: 'Save project as', keys: [{ key: 's', mod, shift: true }] },
  'file.export': { label: 'Export…', accelerator: 'CmdOrCtrl+E', help: false },
  'file.close': { label: 'Close', accelerator: 'CmdOrCtrl+W', help: false },
  'edit.undo': { label: 'Undo', keys: [{ key: 'z', mod, shift: false }] },
  'edit.redo': { label: 'Redo', keys: [{ key: 'z', mod, shift: true }, { key: 'y', mod }], accelerator: 'Ctrl+Y', macAccelerator: 'Cmd+Shift+Z' },
  'edit.delete': { label: 'Delete', help: 'Delete selection', keysText: 'Delete / Backspace', accelerator: 'Delete' },
  'edit.duplicate': { label: 'Duplicate', help: 'Duplicate selection', keys: [{ key: 'd', mod }] },
  'edit.selectAll': { label: 'Select All', help: 'Select all layers', keys: [{ key: 'a', mod }] },
  'edit.deselect': { label: 'Deselect', help: false, keys: [{ key: 'escape' }] },
  'edit.connect': { label: 'Connect', help: 'Connect the two selected layers (the upper one feeds the lower one)', keys: [{ key: 'c' }] },
  'view.layout': { label: 'Auto-layout', help: 'Auto-layout (top-down)', keys: [{ key: 'l' }] },
  'view.zoomToFit': { label: 'Zoom to Fit', help: 'Zoom to fit', keys: [{ key: 'f' }], accelerator: 'CmdOrCtrl+0' },
  'view.search': { label: 'Search', help: 'Search the palette', keys: [{ key: '/' }] },
  'view.editor': { label: 'Editor', help: 'Editor / Summary / Training / Sweeps views', keysText: '1 / 2 / 3 / 4', keys: [{ key: '1' }] },
  'view.summary': { label: 'Summary', help: false, keys: [{ key: '2' }] },
  'view.training': { label: 'Training', help: false, keys: [{ key: '3' }] },
  'view.sweeps': { label: 'Sweeps', help: false, keys: [{ key: '4' }] },
  'view.togglePalette': { label: 'Toggle Palette', accelerator: 'CmdOrCtrl+1', help: false },
  'view.toggleInspector': { label: 'Toggle Inspector', accelerator: 'CmdOrCtrl+2', help: false },
  'view.toggleDashboard': { label: 'Toggle Dashboard', accelerator: 'CmdOrCtrl+3', help: false },
  'run.train': { label: 'Train', help: 'Start training', keys: [{ key: 'enter', mod }] },
  'run.pause': { label: 'Pause / Resume', accelerator: 'CmdOrCtrl+P', help: false },
  'run.stop': { label: 'Stop', accelerator: 'CmdOrCtrl+.', help: false },
  'help.shortcuts': { label: 'Keyboard Shortcuts', help: 'Show this help', keys: [{ key: '?' }], accelerator: '?' },
  'help.gpu': { label: 'GPU Setup…', help: false },
  'help.about': { label: 'About Layerlab', help: false },
} as const satisfies Record<string, CommandSpec>;

export type CommandId = keyof typeof COMMANDS;

export const COMMAND_IDS = Object.keys(COMMANDS) as CommandId[];

export function isCommandId(id: string): id is CommandId {
  return Object.hasOwn(COMMANDS, id);
}

export function commandSpec(id: CommandId): CommandSpec {
  return COMMANDS[id];
}

const KEY_NAMES: Record<string, string> = { enter: 'Enter', escape: 'Escape' };

/** 'Ctrl+Shift+Z', 'C', '?': the help sheet's and the tooltips' way of writing a chord. */
export function chordText(chord: KeyChord, modName = 'Ctrl'): string {
  const name = KEY_NAMES[chord.key] ?? (chord.key.length === 1 ? chord.key.toUpperCase() : chord.key);
  return [chord.mod ? modName : '', chord.alt ? 'Alt' : '', chord.shift ? 'Shift' : '', name].filter(Boolean).join('+');
}

/** The keys of a command as the help sheet writes them; '' when it has none. */
export function keysText(id: CommandId): string {
  const spec = commandSpec(id);
  return spec.keysText ?? (spec.keys ?? []).map((k) => chordText(k)).join(' / ');
}

/**
 * The native menu's accelerator: the explicit one, else the window's first chord with a modifier (a plain key
 * as an accelerator would take that key from every text field). Undefined: the item has none.
 */
export function menuAccelerator(id: CommandId, platform: string): string | undefined {
  const spec = commandSpec(id);
  if (platform === 'darwin' && spec.macAccelerator) return spec.macAccelerator;
  if (spec.accelerator) return spec.accelerator;
  const chord = spec.keys?.find((k) => k.mod);
  return chord ? chordText(chord, 'CmdOrCtrl') : undefined;
}

/** What a key event asks for: the first command one of whose chords it matches, or null. */
export function commandForKey(event: { key: string; ctrlKey: boolean; metaKey: boolean; shiftKey: boolean; altKey: boolean }): CommandId | null {
  const key = event.key.toLowerCase();
  const mod = event.ctrlKey || event.metaKey;
  for (const id of COMMAND_IDS) {
    const keys: readonly KeyChord[] = commandSpec(id).keys ?? [];
    const hit = keys.some((k) => k.key === key && !!k.mod === mod && !!k.alt === event.altKey && (k.shift === undefined || k.shift === event.shiftKey));
    if (hit) return id;
  }
  return null;
}
