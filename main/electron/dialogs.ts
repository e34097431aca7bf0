/** The native dialogs the desktop shell shows: open/save pickers, the close prompt, the GPU report. */
import { BrowserWindow, dialog, type OpenDialogOptions, type SaveDialogOptions } from 'electron';
import { formatGpuSetup, gpuSetup } from '../system/gpu-setup';

const PROJECT_FILTERS = [
  { name: 'Layerlab project', extensions: ['layerlab'] },
  { name: 'Keras or TF.js model JSON', extensions: ['json'] },
];

/** A project (or a model JSON to import); null when cancelled. Modal to `win` when there is one. */
export async function pickOpenPath(win: BrowserWindow | null): Promise<string | null> {
  const options: OpenDialogOptions = { properties: ['openFile'], filters: PROJECT_FILTERS };
  const picked = await (win ? dialog.showOpenDialog(win, options) : dialog.showOpenDialog(options));
  return picked.canceled ? null : (picked.filePaths[0] ?? null);
}

/** Where to save a project file, or the folder to export into; null when cancelled. */
export async function pickSavePath(win: BrowserWindow | null, kind: 'project' | 'export', defaultName?: string): Promise<string | null> {
  const options: SaveDialogOptions =
    kind === 'project'
      ? { defaultPath: defaultName ?? 'untitled.layerlab', filters: [{ name: 'Layerlab project', extensions: ['layerlab'] }] }
      : { defaultPath: defaultName ?? 'export', properties: ['createDirectory'] };
  const picked = await (win ? dialog.showSaveDialog(win, options) : dialog.showSaveDialog(options));
  return picked.canceled ? null : (picked.filePath ?? null);
}

/** Asked when a window with unsaved changes closes. */
export function askSaveBeforeClose(win: BrowserWindow, name: string): 'save' | 'discard' | 'cancel' {
  const choice = dialog.showMessageBoxSync(win, {
    type: 'question',
    buttons: ['Save', "Don't Save", 'Cancel'],
    defaultId: 0,
    cancelId: 2,
    message: `Save changes to ${name} before closing?`,
    detail: 'Your changes will be lost if you do not save them.',
  });
  return choice === 0 ? 'save' : choice === 1 ? 'discard' : 'cancel';
}

/** The CUDA report next to the WebGPU adapters (vendor, architecture, device, driver, software or not, limits). */
export async function showGpuSetup(): Promise<void> {
  const setup = await gpuSetup();
  await dialog.showMessageBox({ type: setup.anyGpuReady ? 'info' : 'warning', message: 'GPU setup', detail: formatGpuSetup(setup) });
}
