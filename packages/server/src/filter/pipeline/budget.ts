/**
 * Settles with `work`'s result, or with `onTimeout()` once `ms` have passed:
 * a stage over its time budget gets its budget's verdict, and the message
 * does not wait on it any longer (the work itself runs on; its late result
 * is dropped).
 */
export function withinBudget<T>(work: Promise<T>, ms: number, onTimeout: () => T): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => resolve(onTimeout()), ms);
    work.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(timer);
        reject(e);
      },
    );
  });
}
