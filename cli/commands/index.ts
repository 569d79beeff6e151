import type { Command } from '../command';
import { caCommands } from './ca';
import { pdfCommands } from './pdf';
import { tokenCommand, tokenRevokeCommand } from './token';
import { cycleStartCommand, cycleStatusCommand } from './cycle';
import { tasksCommand } from './tasks';
import { doctorCommand } from './doctor';
import { replayCommand } from './replay';
import { userInviteCommand } from './user';

/** Every subcommand, in help order. Add a new one here. */
export const commands: Command[] = [
  ...caCommands,
  ...pdfCommands,
  tokenCommand, tokenRevokeCommand, userInviteCommand, cycleStartCommand, cycleStatusCommand, tasksCommand, doctorCommand, replayCommand,
];
