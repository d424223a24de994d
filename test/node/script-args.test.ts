import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { commandLine, usageOf } from "../../scripts/lib/args";

// Every script of package.json run as npm runs it (tsx FILE): --help answers with the usage and
// exit 0; an unknown option is refused with exit 2 and the usage, never silently ignored.

const run = promisify(execFile);
const scripts = (JSON.parse(readFileSync("package.json", "utf8")) as { scripts: Record<string, string> }).scripts;
const WITH_ARGUMENTS = [
  "start",
  "send",
  "check-config",
  "setup",
  "fake-psp",
  "receiver",
  "bench",
  "bench:profile",
  "bench:steps",
  "bench:filter",
  "bench:adapters",
  "bench:transform",
  "bench:governed",
  "bench:ledger",
  "soak",
  "schema",
  "event-types",
  "check-links",
];

/** Runs `npm run NAME -- ...args` without npm's own start-up: the script's tsx command. */
async function runScript(name: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const [tool, file] = scripts[name]!.split(" ");
  expect(tool).toBe("tsx");
  try {
    const { stdout, stderr } = await run("node_modules/.bin/tsx", [file!, ...args], { timeout: 30_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout: string; stderr: string };
    return { code: typeof failed.code === "number" ? failed.code : -1, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describe("every npm script's command line", () => {
  it("covers each script that runs a file of the repository", () => {
    const own = Object.entries(scripts).filter(([, command]) => command.startsWith("tsx "));
    expect(own.map(([name]) => name).sort()).toEqual([...WITH_ARGUMENTS].sort());
  });

  for (const name of WITH_ARGUMENTS) {
    it(`${name}: --help prints the usage and exits 0; --bogus is refused with exit 2 and the usage`, { timeout: 90_000 }, async () => {
      const [help, bogus] = await Promise.all([runScript(name, ["--help"]), runScript(name, ["--bogus"])]);
      expect(help.code).toBe(0);
      expect(help.stdout).toMatch(/^npm (run|start)/);
      expect(bogus.code).toBe(2);
      expect(bogus.stderr).toContain("unknown option --bogus");
      expect(bogus.stderr).toContain(`usage: ${help.stdout.split("\n")[0]}`);
    });
  }
});

describe("the shared argument reader", () => {
  const command = {
    help: "npm run x -- FILE [--local] [--secrets FILE]\n\nWhat it does.",
    options: { local: { type: "boolean", default: false }, secrets: { type: "string", default: ".dev.vars" } },
    maxPositionals: 1,
  } as const;

  it("reads options and positionals, with their defaults", () => {
    expect(commandLine(["f.json", "--local"], command)).toEqual({ kind: "run", values: { local: true, secrets: ".dev.vars" }, positionals: ["f.json"] });
    expect(commandLine(["--secrets=p.vars", "f.json"], command)).toMatchObject({ values: { local: false, secrets: "p.vars" } });
  });

  it("answers -h and --help with the whole help", () => {
    expect(commandLine(["-h"], command)).toEqual({ kind: "help", text: command.help });
    expect(commandLine(["f.json", "--help"], command)).toEqual({ kind: "help", text: command.help });
  });

  it("refuses an unknown option, naming a near miss, an option without its value and an argument too many", () => {
    const mistake = (argv: string[]) => {
      const line = commandLine(argv, command);
      return line.kind === "mistake" ? line.text.split("\n")[0] : line.kind;
    };
    expect(mistake(["--bogus"])).toBe("unknown option --bogus");
    expect(mistake(["--loca"])).toBe("unknown option --loca (did you mean --local?)");
    expect(mistake(["-x"])).toBe("unknown option -x");
    expect(mistake(["f.json", "--secrets"])).toBe("--secrets takes a value");
    expect(mistake(["f.json", "g.json"])).toBe("unexpected argument: g.json");
    expect(commandLine(["--bogus"], command)).toMatchObject({ text: expect.stringContaining(`usage: ${usageOf(command.help)}`) });
  });
});
