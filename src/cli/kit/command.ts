import type { Command } from 'commander';

/** Adds a leaf API command under `parent`; registerApiCommands gives it the global options. */
export function apiCommand(parent: Command, spec: string, description: string): Command {
  return parent.command(spec).description(description);
}

/** A path segment, escaped: names come from the command line and must not change the route. */
export const seg = (s: string): string => encodeURIComponent(s);
