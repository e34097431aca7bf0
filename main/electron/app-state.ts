/**
 * What the desktop app remembers between starts: window bounds and recent projects. Stored as JSON in the app's
 * userData folder, written atomically (temp file + rename) so a crash never leaves it half-written; a damaged file
 * is ignored (the app starts with defaults) rather than stopping the app.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';

const Bounds = z.object({ x: z.number().int(), y: z.number().int(), width: z.number().int().min(200), height: z.number().int().min(200) });

const AppStateSchema = z.object({
  version: z.literal(1),
  bounds: Bounds.optional(),
  maximized: z.boolean().optional(),
  recentProjects: z.array(z.string().max(4096)).max(50),
});

export type AppState = z.infer<typeof AppStateSchema>;

export const MAX_RECENT = 10;

export function defaultAppState(): AppState {
  return { version: 1, recentProjects: [] };
}

export function loadAppState(dir: string): AppState {
  try {
    const parsed = AppStateSchema.safeParse(JSON.parse(readFileSync(join(dir, 'app-state.json'), 'utf8')));
    return parsed.success ? parsed.data : defaultAppState();
  } catch {
    return defaultAppState();
  }
}

export function saveAppState(dir: string, state: AppState): void {
  mkdirSync(dir, { recursive: true });
  const target = join(dir, 'app-state.json');
  const temp = `${target}.${process.pid}.tmp`;
  writeFileSync(temp, JSON.stringify(AppStateSchema.parse(state), null, 2));
  renameSync(temp, target);
}

/** Moves `path` to the front of the recent list, without duplicates, keeping at most MAX_RECENT. */
export function addRecentProject(state: AppState, path: string): AppState {
  return { ...state, recentProjects: [path, ...state.recentProjects.filter((p) => p !== path)].slice(0, MAX_RECENT) };
}
