// The one-line answer to an action, shown once on the page the action redirects to (POST,
// redirect, GET). Kept per session on the server, not in the URL, so no link can make the page
// say something it did not.

const MAX_WAITING = 256;

export class Flash {
  private readonly waiting = new Map<string, string>();

  set(sessionId: string, message: string): void {
    this.waiting.delete(sessionId);
    this.waiting.set(sessionId, message);
    // Messages nobody came back for: the oldest go first.
    for (const id of this.waiting.keys()) {
      if (this.waiting.size <= MAX_WAITING) break;
      this.waiting.delete(id);
    }
  }

  take(sessionId: string): string | undefined {
    const message = this.waiting.get(sessionId);
    this.waiting.delete(sessionId);
    return message;
  }
}
