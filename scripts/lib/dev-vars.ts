/**
 * What `npm start` hands to `wrangler dev`: only the bindings the config names, written as a
 * dotenv file for `--env-file`, so nothing of the developer's shell reaches the Worker and no
 * value shows on a command line. Pure, so the tests inside workerd can check it.
 */

export interface DevVarsInput {
  /** The config as read from its file. */
  config: string;
  /** Every secret name the config names, with the value found (`parseConfig`'s `usedSecrets`). */
  usedSecrets: Map<string, unknown>;
  adminToken: string;
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** GATEWAY_CONFIG (as one line of JSON), the secrets the config names that have a value, and ADMIN_TOKEN. */
export function devVarsFor({ config, usedSecrets, adminToken }: DevVarsInput): Record<string, string> {
  const vars: Record<string, string> = { GATEWAY_CONFIG: JSON.stringify(JSON.parse(config)) };
  for (const [name, value] of usedSecrets) {
    if (NAME.test(name) && typeof value === "string" && value !== "") vars[name] = value;
  }
  vars.ADMIN_TOKEN = adminToken;
  return vars;
}

/**
 * The file's text, for wrangler's dotenv reader: each value in a quote it does not contain
 * (single quotes take it literally), and every `$` escaped so variable expansion leaves it
 * alone. A value with a line break or all three quotes cannot be written; it throws, naming
 * the variable only.
 */
export function formatDevVars(vars: Record<string, string>): string {
  const lines = Object.entries(vars).map(([name, value]) => {
    if (!NAME.test(name)) throw new Error(`${name} is not a variable name`);
    const quote = ["'", "`", '"'].find((q) => !value.includes(q));
    if (quote === undefined || /[\r\n]/.test(value))
      throw new Error(`${name}: the value cannot be written to a dotenv file (a line break, or every kind of quote)`);
    // Double quotes turn \n into a line break; the other two quotes keep backslashes as they are.
    if (quote === '"' && /\\[nr]/.test(value)) throw new Error(`${name}: the value cannot be written to a dotenv file (\\n or \\r with every other quote)`);
    return `${name}=${quote}${value.replaceAll("$", "\\$")}${quote}`;
  });
  return `${lines.join("\n")}\n`;
}
