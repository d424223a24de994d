import { inject } from "vitest";

declare module "vitest" {
  export interface ProvidedContext {
    /** The fake provider API's base URL (test/node/fake-provider-api.global-setup.ts). */
    fakeProviderApi: string;
  }
}

/** The fake provider API on 127.0.0.1: put what a resource answers, read what was asked. */
export function fakeApi() {
  const base = inject("fakeProviderApi");
  return {
    base,
    async answer(path: string, status: number, body: unknown): Promise<void> {
      const response = await fetch(`${base}/control${path}`, { method: "PUT", body: JSON.stringify({ status, body }) });
      if (response.status !== 204) throw new Error(`fake API control answered ${response.status}`);
    },
    async seen(path: string): Promise<Record<string, string>[]> {
      return (await fetch(`${base}/seen${path}`)).json();
    },
  };
}
