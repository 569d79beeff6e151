/** One `kinerja` subcommand. Each lives in cli/commands/<name>.ts and is listed in cli/main.ts. */
export interface Command {
  /** Words that select it, e.g. ['pdf', 'verify']. */
  path: string[];
  summary: string;
  usage: string;
  /** Returns the process exit code. */
  run(args: string[]): Promise<number>;
}

/** Parses `--name value` and `--flag` options; everything else is positional. */
export function parseOptions(args: string[]): { options: Record<string, string | true>; positional: string[] } {
  const options: Record<string, string | true> = {};
  const positional: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg.startsWith('--')) {
      const [name, inline] = arg.slice(2).split('=', 2);
      if (inline !== undefined) options[name] = inline;
      else if (i + 1 < args.length && !args[i + 1].startsWith('--')) options[name] = args[++i];
      else options[name] = true;
    } else positional.push(arg);
  }
  return { options, positional };
}

export class UsageError extends Error {}
