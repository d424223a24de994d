/** `npm run schema`: writes schema/config.schema.json from the zod config schema. */
import { writeFileSync } from "node:fs";
import { readCommandLine } from "./lib/args";
import { configJsonSchemaText, SCHEMA_FILE } from "./lib/config-json-schema";

readCommandLine(process.argv.slice(2), {
  help: `npm run schema

Writes ${SCHEMA_FILE}, the config's JSON Schema for editors, from the zod schema the gateway
validates with (src/config/schema.ts). Run it after changing that file. It takes no arguments.`,
  options: {},
});

writeFileSync(SCHEMA_FILE, configJsonSchemaText());
console.log(`wrote ${SCHEMA_FILE}`);
