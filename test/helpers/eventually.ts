// Waiting for something another process (a broker, a box) does in its own time.
export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** `get()` until it gives something truthy (which is returned), polling every 30 ms; throws after `ms`, naming `what`. */
export async function until<T>(get: () => T | Promise<T>, ms: number, what: string): Promise<NonNullable<T>> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await get();
    if (v) return v as NonNullable<T>;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(30);
  }
}
