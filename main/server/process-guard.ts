/**
 * Last line of defence for `layerlab serve`: an exception or rejection that escapes every handler is logged and the
 * server keeps serving, instead of the process exiting with every client's state and the run queue. Request handling
 * already turns every failure into a response (service/handle.ts); this catches what a bug lets through.
 */
export function installProcessGuard(log: (line: string) => void): () => void {
  const describe = (err: unknown) => (err instanceof Error ? (err.stack ?? err.message) : String(err));
  const onException = (err: unknown) => log(`layerlab serve: unexpected error (kept serving; please report it): ${describe(err)}`);
  const onRejection = (reason: unknown) => log(`layerlab serve: unhandled rejection (kept serving; please report it): ${describe(reason)}`);
  process.on('uncaughtException', onException);
  process.on('unhandledRejection', onRejection);
  return () => {
    process.off('uncaughtException', onException);
    process.off('unhandledRejection', onRejection);
  };
}
