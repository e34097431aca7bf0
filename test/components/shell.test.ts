// The two Shell implementations the window codes against: the desktop one over the preload bridge (a recording
// stand-in, since Electron cannot run here) and the browser one over the window's own dialog and beforeunload.
import { describe, expect, it } from 'vitest';
import type { DesktopBridge, DesktopMenuMessage, DesktopRequest } from '../../shared/desktop';
import { DesktopRequestSchema } from '../../shared/desktop';
import { createBrowserShell, createDesktopShell, type WindowDialogAnswer, type WindowDialogMode } from '../../renderer/src/host/shell';

function recordingBridge(answers: Partial<Record<DesktopRequest['action'], unknown>>) {
  const requests: DesktopRequest[] = [];
  let listener: ((m: DesktopMenuMessage) => void) | null = null;
  const bridge = {
    async request(request: DesktopRequest) {
      // What main would accept: the shell's requests pass the contract's schema.
      requests.push(DesktopRequestSchema.parse(request));
      return answers[request.action] ?? null;
    },
    onMenu(l: (m: DesktopMenuMessage) => void) {
      listener = l;
      return () => (listener = null);
    },
  } as DesktopBridge;
  return { bridge, requests, send: (m: DesktopMenuMessage) => listener?.(m), listening: () => listener !== null };
}

describe('desktop shell', () => {
  it('opens a .json as a model to import and anything else as a project; a cancelled dialog gives null', async () => {
    const json = createDesktopShell(recordingBridge({ showOpenDialog: '/m/model.JSON' }).bridge);
    expect(await json.pickOpenPath()).toEqual({ path: '/m/model.JSON', kind: 'model' });
    const project = createDesktopShell(recordingBridge({ showOpenDialog: '/p/cnn.layerlab' }).bridge);
    expect(await project.pickOpenPath()).toEqual({ path: '/p/cnn.layerlab', kind: 'project' });
    expect(await createDesktopShell(recordingBridge({}).bridge).pickOpenPath()).toBeNull();
  });

  it('asks main for native save dialogs and reports the document state, within the contract', async () => {
    const rec = recordingBridge({ showSaveDialog: '/p/out' });
    const shell = createDesktopShell(rec.bridge);
    expect(await shell.pickSavePath('export', 'cnn')).toEqual({ path: '/p/out' });
    shell.setDocumentState({ name: 'cnn.layerlab', path: null, dirty: true });
    await Promise.resolve();
    expect(rec.requests).toEqual([
      { action: 'showSaveDialog', kind: 'export', defaultName: 'cnn' },
      { action: 'documentState', name: 'cnn.layerlab', path: null, dirty: true },
    ]);
  });

  it('passes native menu messages on until unsubscribed', () => {
    const rec = recordingBridge({});
    const got: DesktopMenuMessage[] = [];
    const off = createDesktopShell(rec.bridge).onMenu((m) => got.push(m));
    rec.send({ action: 'file.openRecent', arg: '/r.layerlab' });
    off();
    expect(got).toEqual([{ action: 'file.openRecent', arg: '/r.layerlab' }]);
    expect(rec.listening()).toBe(false);
  });
});

describe('browser shell', () => {
  function shellAnswering(answer: WindowDialogAnswer | null) {
    const asked: WindowDialogMode[] = [];
    const target = new EventTarget() as Window;
    const shell = createBrowserShell(async (mode) => (asked.push(mode), answer), target);
    return { shell, asked, target };
  }

  it('picks through the window’s own dialog: its Model tab imports, its export format comes along', async () => {
    const model = shellAnswering({ mode: 'import', path: '/srv/model.json' });
    expect(await model.shell.pickOpenPath()).toEqual({ path: '/srv/model.json', kind: 'model' });
    const exported = shellAnswering({ mode: 'export', path: '/srv/out', format: 'pytorch' });
    expect(await exported.shell.pickSavePath('export', 'cnn')).toEqual({ path: '/srv/out', format: 'pytorch' });
    const cancelled = shellAnswering(null);
    expect(await cancelled.shell.pickSavePath('project', 'cnn.layerlab')).toBeNull();
    expect([...model.asked, ...exported.asked, ...cancelled.asked]).toEqual(['open', 'export', 'saveAs']);
  });

  it('asks before the tab unloads only while the document has unsaved changes, and stops after dispose', () => {
    const { shell, target } = shellAnswering(null);
    const unload = () => {
      const event = new Event('beforeunload', { cancelable: true });
      target.dispatchEvent(event);
      return event.defaultPrevented;
    };
    expect(unload()).toBe(false);
    shell.setDocumentState({ name: 'cnn.layerlab', path: null, dirty: true });
    expect(unload()).toBe(true);
    shell.setDocumentState({ name: 'cnn.layerlab', path: '/p/cnn.layerlab', dirty: false });
    expect(unload()).toBe(false);
    shell.setDocumentState({ name: 'cnn.layerlab', path: '/p/cnn.layerlab', dirty: true });
    shell.dispose();
    expect(unload()).toBe(false);
    expect(shell.onMenu(() => {})).toBeTypeOf('function');
  });
});
