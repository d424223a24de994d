import { env } from "cloudflare:workers";
import { recordingQueue } from "../helpers";

/**
 * The bindings of one invocation, wrapped so that every call a Worker makes on them is counted:
 * each KV method call (a bulk `get` of up to 100 keys included) is one operation, each Queue
 * `send`/`sendBatch` one, each Durable Object RPC call one. These are what the platform counts
 * against 1,000 operations (paid) or 50 subrequests (free) per invocation.
 */
export function countingBindings(options: { failQueue?: boolean } = {}) {
  const recorder = recordingQueue({ fail: options.failQueue });
  const calls: string[] = [];
  const counted = <T extends object>(name: string, target: T): T =>
    new Proxy(target, {
      get(object, property, receiver) {
        const value = Reflect.get(object, property, receiver);
        if (typeof value !== "function") return value;
        return (...args: unknown[]) => {
          calls.push(`${name}.${String(property)}`);
          return Reflect.apply(value as (...a: unknown[]) => unknown, object, args);
        };
      },
    });
  return {
    bindings: {
      DEDUP: counted("DEDUP", env.DEDUP),
      STATE: counted("STATE", env.STATE),
      DELIVERIES: counted("DELIVERIES", recorder.queue),
      LEDGER: countedNamespace(env.LEDGER!, (stub) => counted("LEDGER", stub)),
    },
    calls,
    /** Every message sent, deliveries and follow-ups. */
    sent: recorder.sent as unknown[],
    count: (prefix = "") => calls.filter((c) => c.startsWith(prefix)).length,
  };
}

/** A Durable Object namespace whose stubs count their calls. */
export function countedNamespace(namespace: DurableObjectNamespace, wrap: (stub: DurableObjectStub) => DurableObjectStub): DurableObjectNamespace {
  return new Proxy(namespace, {
    get(object, property) {
      const value = Reflect.get(object, property);
      if (property === "get") return (id: DurableObjectId, options?: DurableObjectNamespaceGetDurableObjectOptions) => wrap(object.get(id, options));
      if (property === "getByName")
        return (name: string, options?: DurableObjectNamespaceGetDurableObjectOptions) => wrap(object.get(object.idFromName(name), options));
      return typeof value === "function" ? value.bind(object) : value;
    },
  });
}
