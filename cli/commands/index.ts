import type { Command } from '../command';

/** Every subcommand, in help order. Add a new one here. */
export const commands: Command[] = [];
