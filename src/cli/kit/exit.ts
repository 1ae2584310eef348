import { redactKeys } from './redact.js';

/** The exit codes every `rouge` command uses; scripts branch on these, so they never change meaning. */
export const ExitCode = {
  OK: 0,
  /** The API refused the request, or Rouge could not be reached. */
  API_ERROR: 1,
  /** The command line is wrong: the user must change what they typed or configured. */
  USAGE: 2,
  /** No key, a key the server refuses (401), or a key without the permission (403). */
  AUTH: 3,
  /** `rouge apply --plan` found changes to make (0 means the server matches the files). */
  PLAN_CHANGES: 4,
} as const;

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/** An error the CLI reports as `rouge: <message>` plus hint lines, exiting with `exitCode`. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCodeValue,
    readonly hints: string[] = [],
  ) {
    super(message);
    this.name = 'CliError';
  }
}

/** A usage error (exit 2): the message says what was wrong, the hint what to type instead. */
export function usageError(message: string, ...hints: string[]): CliError {
  return new CliError(message, ExitCode.USAGE, hints);
}

/**
 * Writes an error to stderr and returns the exit code. Every line goes
 * through the key redactor, because a message can quote what the user typed
 * and the user may have typed a key.
 */
export function reportError(err: unknown): ExitCodeValue {
  const write = (line: string) => process.stderr.write(`rouge: ${redactKeys(line)}\n`);
  if (err instanceof CliError) {
    write(err.message);
    for (const h of err.hints) write(h);
    return err.exitCode;
  }
  // Anything else is a bug in the CLI: show the stack so it can be reported.
  write(`internal error: ${(err as Error)?.stack ?? String(err)}`);
  return ExitCode.API_ERROR;
}
