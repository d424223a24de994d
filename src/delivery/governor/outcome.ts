import type { Route } from "../../config/schema";
import type { DeliveryOutcome, NextStep } from "../classify";
import type { Settled } from "./batch";

export type GovernedStep = NextStep | { kind: "dead"; reason: "order_head_failed" };

/** `"onHeadFailure": "deadletter"`: the head of an ordered key that would be retried is a dead letter now, and the next goes. */
export function orderedNext(next: NextStep, route: Route, sequenced: boolean): GovernedStep {
  if (next.kind === "retry" && sequenced && route.ordered?.onHeadFailure === "deadletter") return { kind: "dead", reason: "order_head_failed" };
  return next;
}

/** For the breaker, a 2xx is a success and what is worth retrying (408, 429, 5xx, no answer) a failure; the rest counts for neither. */
export function settledOf(outcome: DeliveryOutcome, next: GovernedStep): Settled {
  const retryable = outcome.kind !== "response" || outcome.status === 408 || outcome.status === 429 || outcome.status >= 500;
  const success = outcome.kind === "response" && outcome.status >= 200 && outcome.status < 300;
  return {
    outcome: success ? "success" : retryable ? "failure" : "neutral",
    fate: next.kind === "retry" ? "retrying" : "finished",
    ...(next.kind === "retry" && { retryDelaySeconds: next.delaySeconds }),
  };
}
