/** main/projects: project files (open, save, import, autosave). Callers use the service; the rest is plumbing. */
export * from './service';
export { ProjectFileError, type ProjectFileErrorCode } from './errors';
export { AutosaveController, listRecoverable, restore, discard, cacheDir, recoveryDir, type RecoveryEntry, type AutosaveOptions } from './autosave';
export { addRecent, listRecent, type RecentProjectEntry } from './recent';
export { readProjectFile, writeProjectFile, readRunWeights } from './file';
export { IMPORTED_RUN_ID } from './import';
export { backupPath } from './atomic-file';
export { withProjectLock, lockPath, ProjectLockTimeout } from './lock';
export { updateProjectFile, keepStoredRuns, type ProjectChange } from './writer';
export type { ProjectDocument, ProjectRun, StoredWeights, WeightsSource } from './types';
