/**
 * Everything the bench must undo (child servers, temp dirs, receivers), undone in reverse order
 * at the end of a workload, on an error, and on SIGINT/SIGTERM or the global deadline.
 */
type Undo = { name: string; fn: () => Promise<void> | void };
const stack: Undo[] = [];
/** Synchronous last-resort undos (e.g. SIGKILL a child) for process exit. */
const onExit = new Set<() => void>();

/** Registers an undo; returns a function that runs it now (once) and unregisters it. */
export const defer = (name: string, fn: () => Promise<void> | void): (() => Promise<void>) => {
  const undo: Undo = { name, fn };
  stack.push(undo);
  let done: Promise<void> | undefined;
  return () =>
    (done ??= (async () => {
      const i = stack.indexOf(undo);
      if (i >= 0) stack.splice(i, 1);
      await fn();
    })());
};

/** Registers a synchronous action for process exit; returns its remover. */
export const atExit = (fn: () => void): (() => void) => {
  onExit.add(fn);
  return () => onExit.delete(fn);
};

/** Runs every pending undo, newest first; errors are printed, not thrown. */
export const cleanupAll = async (): Promise<void> => {
  while (stack.length) {
    const undo = stack.pop()!;
    try {
      await undo.fn();
    } catch (err) {
      process.stderr.write(`bench: cleanup "${undo.name}" failed: ${(err as Error).message}\n`);
    }
  }
};

process.on('exit', () => {
  for (const fn of onExit) {
    try {
      fn();
    } catch {
      // exiting anyway
    }
  }
});
