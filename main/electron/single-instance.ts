/**
 * One app instance: a second launch hands its project paths (command line, or the OS's file associations) to the
 * first, which opens them; macOS's open-file before 'ready' is kept until the app can open windows.
 */
import { app } from 'electron';
import { projectPathsFromArgv } from './project-paths';

export interface InstanceHandlers {
  open(path: string): void;
  /** A second launch without a project brings this instance forward. */
  focus(): void;
}

/**
 * Takes the single-instance lock. Returns the paths to open once ready (this launch's own, then any the OS sends
 * before 'ready'), or null when another instance holds the lock (this one quits; the other got our paths).
 */
export function claimSingleInstance(handlers: InstanceHandlers): string[] | null {
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return null;
  }
  const pending = projectPathsFromArgv(process.argv, process.cwd());
  app.on('open-file', (event, path) => {
    event.preventDefault();
    if (app.isReady()) handlers.open(path);
    else pending.push(path);
  });
  app.on('second-instance', (_event, argv, cwd) => {
    const paths = projectPathsFromArgv(argv, cwd);
    if (paths.length) paths.forEach((p) => handlers.open(p));
    else handlers.focus();
  });
  return pending;
}
