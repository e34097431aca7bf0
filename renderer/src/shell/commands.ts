/**
 * The window's side of the command table (shared/commands.ts): what each command runs and when it is enabled.
 * The toolbar, the key handler, the help sheet and the native menu all go through here, so a shortcut, a menu
 * item and a button always do the same thing.
 */
import { commandForKey, commandSpec, isCommandId, keysText, type CommandId } from '../../../shared/commands';
import type { DesktopMenuMessage } from '../../../shared/desktop';

export interface Command {
  /** `arg` carries the path of Open Recent. */
  run(arg?: string): void;
  /** Left out: always enabled. */
  enabled?(): boolean;
}

export type CommandHandlers = Record<CommandId, Command>;

export class Commands {
  constructor(private readonly handlers: CommandHandlers) {}

  enabled(id: CommandId): boolean {
    return this.handlers[id].enabled?.() ?? true;
  }

  /** Runs the command if it is enabled; says whether it ran. */
  run(id: CommandId, arg?: string): boolean {
    if (!this.enabled(id)) return false;
    this.handlers[id].run(arg);
    return true;
  }

  /** The window's key handler: runs the command the key asks for, and keeps the browser from acting on it too. */
  onKey(event: KeyboardEvent): void {
    const id = commandForKey(event);
    if (id && this.run(id)) event.preventDefault();
  }

  /** The native menu's messages; an action this window does not know goes to onUnknown. */
  onMenu(onUnknown: (action: string) => void): (message: DesktopMenuMessage) => void {
    return ({ action, arg }) => {
      if (isCommandId(action)) this.run(action, arg);
      else onUnknown(action);
    };
  }
}

/** A button's tooltip: what the command does and its keys ('Save project (Ctrl+S)'). */
export function tip(id: CommandId): string {
  const spec = commandSpec(id);
  const keys = keysText(id);
  const text = spec.help || spec.label;
  return keys ? `${text} (${keys})` : text;
}
