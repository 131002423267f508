// The session layer's one error type: what went wrong with options or programs, in one line that
// names the option or file. Front ends (the CLI, the grader, a browser) decide how to show it.

/** A problem the user can fix (a bad option, a program that cannot be loaded or started). */
export class SessionError extends Error {
  override name = "SessionError";
}
