/**
 * Waits for SIGTERM or SIGINT, then closes gracefully (what is in hand is finished); a second
 * signal exits at once. Resolves to the process's exit code: 0 once closed, 1 if closing failed.
 */
export function stopOnSignals(close: () => Promise<unknown>, finishing: string): Promise<number> {
  return new Promise<number>((resolve) => {
    let signals = 0;
    const stop = (signal: NodeJS.Signals) => {
      if (++signals > 1) {
        console.error(`facecraft: ${signal} again, exiting without waiting`);
        resolve(1);
        process.exit(1);
      }
      console.error(`facecraft: ${signal} received, ${finishing}…`);
      close().then(
        () => resolve(0),
        (error: Error) => {
          console.error(`facecraft: error while stopping: ${error.message}`);
          resolve(1);
        },
      );
    };
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
  });
}
