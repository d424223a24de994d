/** `npm run schema`: writes schema/config.schema.json from the zod config schema. */
import { writeFileSync } from "node:fs";
import { configJsonSchemaText, SCHEMA_FILE } from "./lib/config-json-schema";

writeFileSync(SCHEMA_FILE, configJsonSchemaText());
console.log(`wrote ${SCHEMA_FILE}`);
