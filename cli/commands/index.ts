import type { Command } from '../command';
import { caCommands } from './ca';
import { pdfCommands } from './pdf';

/** Every subcommand, in help order. Add a new one here. */
export const commands: Command[] = [
  ...caCommands,
  ...pdfCommands,
];
