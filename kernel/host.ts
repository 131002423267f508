// What the kernel needs from the world outside the machine: the console. The CLI, tests and a
// future browser front end each provide one.

export interface KernelHost {
  /** Bytes a guest wrote to fd 1 or 2. */
  write(fd: 1 | 2, bytes: Uint8Array): void;
  /** Up to `max` bytes of the guest's stdin; an empty array means end of input. */
  readStdin(max: number): Uint8Array;
  /** One line from the kernel itself (e.g. why a process was killed), without a newline. */
  message(line: string): void;
}
