/**
 * The command line of every `npm run` script, read one way: node:util's parseArgs, strict,
 * plus the two answers each script gives alike. `--help` (or `-h`) prints the usage and exits
 * 0; an unknown option, a missing value or an argument too many prints the mistake and the
 * usage and exits 2, so a typo is never silently ignored. The help text's first paragraph is
 * the usage; the rest (what it does, each option) is shown by --help only.
 */
import { type ParseArgsConfig, parseArgs } from "node:util";
import { nearest } from "../../src/config/spelling";

export type Options = NonNullable<ParseArgsConfig["options"]>;

export interface Command<O extends Options> {
  /** The usage line(s), a blank line, then what the script does and each option. */
  help: string;
  options: O;
  /** How many positional arguments it takes at most (default none). */
  maxPositionals?: number;
}

const HELP_OPTION = { help: { type: "boolean", short: "h" } } as const;
type WithHelp<O extends Options> = O & typeof HELP_OPTION;
type Values<O extends Options> = ReturnType<typeof parseArgs<{ options: WithHelp<O>; allowPositionals: true; strict: true }>>["values"];

export type CommandLine<O extends Options> =
  | { kind: "run"; values: Values<O>; positionals: string[] }
  | { kind: "help"; text: string }
  | { kind: "mistake"; text: string };

/** The first paragraph of the help: what a mistake is answered with. */
export function usageOf(help: string): string {
  return help.split(/\n\s*\n/)[0]!.trim();
}

/** Reads `argv` as `command` says; pure, so the tests check every script's rules. */
export function commandLine<O extends Options>(argv: readonly string[], command: Command<O>): CommandLine<O> {
  const mistake = (what: string): CommandLine<O> => ({ kind: "mistake", text: `${what}\n\nusage: ${usageOf(command.help)}\n(--help for more)` });
  let parsed: { values: Values<O>; positionals: string[] };
  try {
    const options = { ...command.options, ...HELP_OPTION } as WithHelp<O>;
    parsed = parseArgs({ args: [...argv], options, allowPositionals: true, strict: true });
  } catch (error) {
    return mistake(describe(error, Object.keys(command.options)));
  }
  if ((parsed.values as { help?: boolean }).help) return { kind: "help", text: command.help };
  const extra = parsed.positionals.slice(command.maxPositionals ?? 0);
  if (extra.length > 0) return mistake(`unexpected argument${extra.length > 1 ? "s" : ""}: ${extra.join(" ")}`);
  return { kind: "run", values: parsed.values, positionals: parsed.positionals };
}

/** commandLine, answered: prints the help (exit 0) or the mistake (exit 2) and ends the process. */
export function readCommandLine<O extends Options>(argv: readonly string[], command: Command<O>): { values: Values<O>; positionals: string[] } {
  const line = commandLine(argv, command);
  if (line.kind === "run") return line;
  if (line.kind === "help") {
    console.log(line.text);
    process.exit(0);
  }
  console.error(line.text);
  process.exit(2);
}

/** node:util's messages, shorter (its advice about `--` is for positionals that look like options), with a near miss named. */
function describe(error: unknown, known: readonly string[]): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as NodeJS.ErrnoException).code;
  const option = /'([^' ]+)/.exec(error.message)?.[1];
  if (code === "ERR_PARSE_ARGS_UNKNOWN_OPTION" && option) {
    const near = option.startsWith("--") ? nearest(option.slice(2), known) : undefined;
    return near ? `unknown option ${option} (did you mean --${near}?)` : `unknown option ${option}`;
  }
  if (code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE" && option && /argument missing|ambiguous/.test(error.message)) {
    return `${option} takes a value`;
  }
  return error.message;
}
