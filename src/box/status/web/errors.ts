// A refusal the page answers in words: its HTTP status, the one line a person reads, and a
// stable code for the JSON answer.

export class WebError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'WebError';
  }
}
