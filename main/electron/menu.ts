/**
 * The native menu as plain data. Items that act on the graph or the run send a MenuAction to the focused window's
 * renderer (which owns undo history, selection and the training panel); clipboard items use Electron roles so that
 * text fields behave natively and the renderer receives DOM copy/cut/paste events for nodes.
 */
import type { MenuItemConstructorOptions } from 'electron';

export type MenuAction =
  | 'file.new'
  | 'file.open'
  | 'file.openRecent'
  | 'file.save'
  | 'file.saveAs'
  | 'file.export'
  | 'file.close'
  | 'edit.undo'
  | 'edit.redo'
  | 'edit.delete'
  | 'view.togglePalette'
  | 'view.toggleInspector'
  | 'view.toggleDashboard'
  | 'view.zoomToFit'
  | 'run.train'
  | 'run.pause'
  | 'run.stop'
  | 'help.shortcuts'
  | 'help.gpu'
  | 'help.about';

export interface MenuContext {
  platform: NodeJS.Platform;
  isDev: boolean;
  recentProjects: string[];
  send(action: MenuAction, arg?: string): void;
}

export function buildMenuTemplate(ctx: MenuContext): MenuItemConstructorOptions[] {
  const item = (label: string, action: MenuAction, accelerator?: string): MenuItemConstructorOptions => ({
    label,
    accelerator,
    click: () => ctx.send(action),
  });
  const recent: MenuItemConstructorOptions[] = ctx.recentProjects.length
    ? ctx.recentProjects.map((path) => ({ label: path, click: () => ctx.send('file.openRecent', path) }))
    : [{ label: 'No recent projects', enabled: false }];

  const template: MenuItemConstructorOptions[] = [
    {
      label: 'File',
      submenu: [
        item('New Project', 'file.new', 'CmdOrCtrl+N'),
        item('Open…', 'file.open', 'CmdOrCtrl+O'),
        { label: 'Open Recent', submenu: recent },
        { type: 'separator' },
        item('Save', 'file.save', 'CmdOrCtrl+S'),
        item('Save As…', 'file.saveAs', 'CmdOrCtrl+Shift+S'),
        item('Export…', 'file.export', 'CmdOrCtrl+E'),
        { type: 'separator' },
        item('Close', 'file.close', 'CmdOrCtrl+W'),
        ...(ctx.platform === 'darwin' ? [] : [{ type: 'separator' as const }, { role: 'quit' as const }]),
      ],
    },
    {
      label: 'Edit',
      submenu: [
        item('Undo', 'edit.undo', 'CmdOrCtrl+Z'),
        item('Redo', 'edit.redo', ctx.platform === 'darwin' ? 'Cmd+Shift+Z' : 'Ctrl+Y'),
        { type: 'separator' },
        { role: 'cut' },
        { role: 'copy' },
        { role: 'paste' },
        item('Delete', 'edit.delete', 'Delete'),
        { role: 'selectAll' },
      ],
    },
    {
      label: 'View',
      submenu: [
        item('Zoom to Fit', 'view.zoomToFit', 'CmdOrCtrl+0'),
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        { type: 'separator' },
        item('Toggle Palette', 'view.togglePalette', 'CmdOrCtrl+1'),
        item('Toggle Inspector', 'view.toggleInspector', 'CmdOrCtrl+2'),
        item('Toggle Dashboard', 'view.toggleDashboard', 'CmdOrCtrl+3'),
        { type: 'separator' },
        { role: 'togglefullscreen' },
        ...(ctx.isDev ? [{ role: 'toggleDevTools' as const }, { role: 'reload' as const }] : []),
      ],
    },
    {
      label: 'Run',
      submenu: [
        item('Train', 'run.train', 'CmdOrCtrl+Enter'),
        item('Pause / Resume', 'run.pause', 'CmdOrCtrl+P'),
        item('Stop', 'run.stop', 'CmdOrCtrl+.'),
      ],
    },
    {
      label: 'Help',
      submenu: [
        item('Keyboard Shortcuts', 'help.shortcuts', '?'),
        item('GPU Setup…', 'help.gpu'),
        { type: 'separator' },
        item('About Layerlab', 'help.about'),
      ],
    },
  ];
  if (ctx.platform === 'darwin') template.unshift({ role: 'appMenu' });
  return template;
}
