// What is wrong with an announcement file, in words for the technician who installs one. The decoders throw
// these with the problem only; loadAnnouncement() puts the file's name in front and raises it as a TalError.

export class AnnouncementProblem extends Error {
  override readonly name = 'AnnouncementProblem';
}

/** An announcement this short is a clipped or wrong file; a longer one keeps the caller waiting too long. */
export const MIN_SECONDS = 0.5;
export const MAX_SECONDS = 30;

export function checkDuration(seconds: number): void {
  if (seconds < MIN_SECONDS) {
    throw new AnnouncementProblem(`is only ${seconds.toFixed(2)} s long; an announcement must be at least ${MIN_SECONDS} s`);
  }
  if (seconds > MAX_SECONDS) {
    throw new AnnouncementProblem(`is ${seconds.toFixed(2)} s long; an announcement may be at most ${MAX_SECONDS} s`);
  }
}
