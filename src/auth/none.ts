import type { AuthRuleOf } from "../config/schema";
import { PASS } from "./outcome";
import type { Authenticator } from "./types";

/** A source that says `{"type":"none"}` takes anyone; the config makes that explicit. */
export function createNoneAuthenticator(_rule: AuthRuleOf<"none">): Authenticator {
  return async () => PASS;
}
