/**
 * The desktop-only part of the preload bridge (`window.layerlabDesktop`): menu actions pushed to the window, and the
 * few requests only a desktop shell can answer (native dialogs, title/dirty state, external links, GPU report).
 * Requests are validated in main with these schemas, like every API message.
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

// The renderer declares the same requests by hand (it must not bundle zod for the preload's sake); this fails to
// compile when the two drift apart.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const contractMatchesRenderer: Same<DesktopRequest, import('../../renderer/src/host/desktop').DesktopRequest> = true;
void contractMatchesRenderer;
