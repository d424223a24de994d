/** `npm run event-types`: writes docs/event-types.md from the event-type catalog (src/catalog/). */
import { writeFileSync } from "node:fs";
import { renderEventTypes } from "../src/catalog/doc";
import { readCommandLine } from "./lib/args";

export const EVENT_TYPES_FILE = "docs/event-types.md";

readCommandLine(process.argv.slice(2), {
  help: `npm run event-types

Writes ${EVENT_TYPES_FILE}, every event type the adapters make with the JSON Schema of its data
and an example, from the catalog the admin API answers with (src/catalog/). Run it after changing
that folder. It takes no arguments.`,
  options: {},
});

writeFileSync(EVENT_TYPES_FILE, renderEventTypes());
console.log(`wrote ${EVENT_TYPES_FILE}`);
