import { IuguTrigger } from "../adapters/iugu";
import { type EventTypeEntry, exampleEnvelope } from "./entry";

/**
 * What adapters/iugu.ts produces: `iugu.<event>` (`invoice.status_changed` →
 * `iugu.invoice.status_changed`). `data` is the form-encoded trigger read as JSON (every value a
 * string, `data[id]` under `data`), read with the adapter's own schema.
 */

const IuguData = IuguTrigger.describe("An iugu trigger, the form read as JSON: data.id is the envelope's subject, data.status the new status");

const trigger = (event: string, data: Record<string, string> & { id: string; status?: string }) => ({ event, data });

const invoicePaid = trigger("invoice.status_changed", {
  id: "1757E1D7FD5E410A9C563024250015BF",
  status: "paid",
  account_id: "70CA234077134ED0BF2E0E46B0EDC36F",
  subscription_id: "F4115E5E28AE4CCA941FCCCCCABE9A0A",
});
const subscriptionRenewed = trigger("subscription.renewed", { id: "F4115E5E28AE4CCA941FCCCCCABE9A0A", account_id: "70CA234077134ED0BF2E0E46B0EDC36F" });

export const iuguEventTypes: EventTypeEntry[] = [
  {
    type: "iugu.invoice.*",
    sources: ["iugu"],
    description: "An invoice trigger (invoice.created, invoice.status_changed with data.status, invoice.due, invoice.refund…).",
    data: IuguData,
    example: exampleEnvelope("iugu", `invoice.status_changed:${invoicePaid.data.id}:paid`, "iugu.invoice.status_changed", invoicePaid, {
      subject: invoicePaid.data.id,
    }),
  },
  {
    type: "iugu.*",
    sources: ["iugu"],
    description:
      "Another trigger (subscription.created, subscription.renewed, withdraw_request.status_changed…); iugu.<event>.notified for an event without a dot.",
    data: IuguData,
    example: exampleEnvelope("iugu", `subscription.renewed:${subscriptionRenewed.data.id}:`, "iugu.subscription.renewed", subscriptionRenewed, {
      subject: subscriptionRenewed.data.id,
    }),
  },
];
