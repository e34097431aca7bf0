/**
 * The native menu as plain data. Items that act on the graph or the run send a MenuAction to the focused window's
 * renderer (which owns undo history, selection and the training panel); clipboard items use Electron roles so that
 * text fields behave natively and the renderer receives DOM copy/cut/paste events for nodes.
 */
import type { MenuItemConstructorOptions } from 'electron';
import { commandSpec, menuAccelerator, type CommandId } from '../../shared/commands';

/** What a menu item sends: one of the window's commands (shared/commands.ts). */
export type MenuAction = CommandId;

export interface MenuContext {
  platform: NodeJS.Platform;
  isDev: boolean;
  recentProjects: string[];
  send(action: MenuAction, arg?: string): void;
}

export function buildMenuTemplate(ctx: MenuContext): MenuItemConstructorOptions[] {
  // Labels and accelerators come from the command table, so the menu, the key handler and the help sheet agree.
  const item = (action: MenuAction): MenuItemConstructorOptions => ({
    label: commandSpec(action).label,
    accelerator: menuAccelerator(action, ctx.platform),
    click: () => ctx.send(action),
  });
  const recent: MenuItemConstructorOptions[] = ctx.recentProjects.length
    ? ctx.recentProjects.map((path) => ({ label: path, click: () => ctx.send('file.openRecent', path) }))
    : [{ label: 'No recent projects', enabled: false }];

  const template: MenuItemConstructorOptions[] = [
    {
      label: 'File',
      submenu: [
        item('file.new'),
        item('file.open'),
        { label: commandSpec('file.openRecent').label, submenu: recent },
        { type: 'separator' },
        item('file.save'),
        item('file.saveAs'),
        item('file.export'),
        { type: 'separator' },
        item('file.close'),
        ...(ctx.platform === 'darwin' ? [] : [{ type: 'separator' as const }, { role: 'quit' as const }]),
      ],
    },
    {
      label: 'Edit',
      submenu: [
        item('edit.undo'),
        item('edit.redo'),
        { type: 'separator' },
        { role: 'cut' },
        { role: 'copy' },
        { role: 'paste' },
        item('edit.delete'),
        { role: 'selectAll' },
      ],
    },
    {
      label: 'View',
      submenu: [
        item('view.zoomToFit'),
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        { type: 'separator' },
        item('view.togglePalette'),
        item('view.toggleInspector'),
        item('view.toggleDashboard'),
        { type: 'separator' },
        { role: 'togglefullscreen' },
        ...(ctx.isDev ? [{ role: 'toggleDevTools' as const }, { role: 'reload' as const }] : []),
      ],
    },
    {
      label: 'Run',
      submenu: [
        item('run.train'),
        item('run.pause'),
        item('run.stop'),
      ],
    },
    {
      label: 'Help',
      submenu: [
        item('help.shortcuts'),
        item('help.gpu'),
        { type: 'separator' },
        item('help.about'),
      ],
    },
  ];
  if (ctx.platform === 'darwin') template.unshift({ role: 'appMenu' });
  return template;
}
