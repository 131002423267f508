// The stepper's user errors: one line each, reported, and the session goes on.

/** A command that cannot be done as typed (bad count, bad address, unknown command, ...). */
export class StepError extends Error {
  override name = "StepError";
}
