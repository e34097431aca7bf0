/**
 * The desktop bridge's contract (`window.layerlabDesktop`, exposed by main/electron/preload.ts): the menu actions
 * main pushes to a window, and the few requests only a desktop shell answers (native dialogs, title and dirty
 * state, external links, GPU report). Main validates requests with the schema, like every API message; the preload
 * implements DesktopBridge and the renderer's desktop Shell calls it, all three typed from this one file.
 */
import { z } from 'zod';

const path = z.string().min(1).max(4096);

export const DesktopRequestSchema = z.discriminatedUnion('action', [
  z.strictObject({ action: z.literal('documentState'), name: z.string().max(256), path: path.nullable(), dirty: z.boolean() }),
  z.strictObject({ action: z.literal('showOpenDialog'), kind: z.enum(['project', 'model']) }),
  z.strictObject({ action: z.literal('showSaveDialog'), kind: z.enum(['project', 'export']), defaultName: z.string().max(256).optional() }),
  z.strictObject({ action: z.literal('openExternal'), url: z.string().max(2048) }),
  z.strictObject({ action: z.literal('gpuReport') }),
]);

export type DesktopRequest = z.infer<typeof DesktopRequestSchema>;
export type DesktopAction = DesktopRequest['action'];

/** What each request answers: a chosen path or null when the dialog was cancelled. */
export interface DesktopResults {
  documentState: null;
  showOpenDialog: string | null;
  showSaveDialog: string | null;
  openExternal: null;
  /** main/system/gpu-setup's GpuSetup; the window does not read it (main shows it in a dialog). */
  gpuReport: unknown;
}

/** A native menu item chosen: the command's id (shared/commands.ts) and, for Open Recent, the path. */
export interface DesktopMenuMessage {
  action: string;
  arg?: string;
}

export interface DesktopBridge {
  request<A extends DesktopAction>(request: Extract<DesktopRequest, { action: A }>): Promise<DesktopResults[A]>;
  /** Subscribes to the native menu; returns the function that unsubscribes. */
  onMenu(listener: (message: DesktopMenuMessage) => void): () => void;
}
